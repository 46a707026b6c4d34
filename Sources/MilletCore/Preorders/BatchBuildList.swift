import Foundation

/// What a batch builds: one line per unit with the options its buyer chose, oldest pre-order
/// first, and how many units take each option value (the parts the line needs; a text option
/// counts the units to engrave).
public struct BatchBuildList: Sendable {
    /// How many units need one option value.
    public struct Part: Hashable, Sendable {
        public let option: String
        public let name: String
        public let value: String
        public let label: String
        public let units: Int
    }

    public let batch: ProductionBatch
    public let units: [Preorder]

    public init(batch: ProductionBatch, units: [Preorder]) {
        self.batch = batch
        self.units = units
    }

    /// Option values by how many units take them, most first; texts (engravings) count together,
    /// each unit's own text being on its line.
    public var parts: [Part] {
        var counts: [String: (ChosenOption, Int)] = [:]
        for unit in units {
            for option in unit.options {
                let part = option.isText ? ChosenOption(option: option.option, name: option.name, value: "", label: "", price: 0, cost: option.cost) : option
                counts["\(part.option)\u{0}\(part.value)", default: (part, 0)].1 += 1
            }
        }
        return counts.values.map { Part(option: $0.0.option, name: $0.0.name, value: $0.0.value, label: $0.0.label, units: $0.1) }
            .sorted { ($0.option, -$0.units, $0.value) < ($1.option, -$1.units, $1.value) }
    }
}
