import Foundation

/// What devices are told of a number: a verified business's name, or the crowd's label (a
/// category with its confidence), unless the label is suspended while its owner's dispute waits
/// for staff.
public struct NumberLabel: Hashable, Sendable {
    public let number: PhoneNumber
    /// The crowd's verdict, once enough independent reporters agree; `nil` before, or once it
    /// has decayed.
    public var category: CallCategory?
    /// A lower bound of the share of (decayed) reports that back the category, in basis points.
    public var confidenceBasisPoints: Int
    /// Independent reporters: reports from one account, or one network, count as one.
    public var reporters: Int
    /// When, with no new report, the label lapses.
    public var expiresAt: Date?
    /// Set by staff once the number is shown to belong to this business.
    public var businessName: String?
    /// Hidden from devices while an owner's dispute waits for staff.
    public var suspended: Bool
    /// Reports before this moment no longer count: staff upheld the owner's dispute then.
    public var clearedAt: Date?
    /// Moves every time what devices see changes: the blocklist's delta is every label with a
    /// higher version than the device has.
    public var version: Int64

    public init(
        number: PhoneNumber, category: CallCategory? = nil, confidenceBasisPoints: Int = 0, reporters: Int = 0, expiresAt: Date? = nil,
        businessName: String? = nil, suspended: Bool = false, clearedAt: Date? = nil, version: Int64 = 0
    ) {
        self.number = number
        self.category = category
        self.confidenceBasisPoints = confidenceBasisPoints
        self.reporters = reporters
        self.expiresAt = expiresAt
        self.businessName = businessName
        self.suspended = suspended
        self.clearedAt = clearedAt
        self.version = version
    }

    /// Whether devices see anything for this number: a business's name always, the crowd's label
    /// unless it is suspended.
    public var isPublic: Bool { businessName != nil || (!suspended && category != nil) }

    /// What devices see, compared to decide whether the version moves: the business's name, else
    /// the crowd's category and confidence while not suspended.
    public var shown: Shown {
        if let businessName { return Shown(category: nil, businessName: businessName, confidenceBasisPoints: 0) }
        guard !suspended, let category else { return Shown(category: nil, businessName: nil, confidenceBasisPoints: 0) }
        return Shown(category: category, businessName: nil, confidenceBasisPoints: confidenceBasisPoints)
    }

    /// What devices see of a label: a category and its confidence, or a business's name, or nothing.
    public struct Shown: Hashable, Sendable {
        public let category: CallCategory?
        public let businessName: String?
        public let confidenceBasisPoints: Int
    }

    /// The label again from the number's reports at `now`; business, suspension and clearing stay.
    public func reassessed(_ reports: [NumberReport], now: Date) -> NumberLabel {
        var label = self
        let verdict = CrowdVerdict(reports.filter { clearedAt == nil || $0.at > clearedAt! }, now: now)
        label.category = verdict.category
        label.confidenceBasisPoints = verdict.confidenceBasisPoints
        label.reporters = verdict.reporters
        label.expiresAt = verdict.expiresAt
        return label
    }
}

/// The crowd's verdict on one number. Reports are grouped into independent reporters (two reports
/// sharing an account or a network are one voice, so one person's two phones count once); each
/// reporter's say is its latest report, weighed down by age with a half-life of 120 days. The
/// verdict is the side (warning: fraud, harassment, sales; or not: delivery, legitimate) most of
/// the weight takes, named by its heaviest category, once at least three independent reporters
/// spoke and the Wilson lower bound (95%) of that side's share reaches 30%: three fresh reporters
/// who agree give 44%, and with no new report it lapses after about 100 days.
public struct CrowdVerdict: Sendable, Equatable {
    /// How long until a report weighs half as much.
    public static let halfLife: TimeInterval = 120 * 86_400
    /// Independent reporters a label needs.
    public static let minimumReporters = 3
    /// The Wilson lower bound a label needs.
    public static let minimumConfidence = 0.3

    public let category: CallCategory?
    public let confidenceBasisPoints: Int
    public let reporters: Int
    public let expiresAt: Date?

    public init(_ reports: [NumberReport], now: Date) {
        let voices = Self.independent(reports)
        reporters = voices.count
        var weights: [CallCategory: Double] = [:]
        for voice in voices {
            let latest = voice.max { $0.at < $1.at }!
            weights[latest.category, default: 0] += pow(0.5, max(0, now.timeIntervalSince(latest.at)) / Self.halfLife)
        }
        let total = weights.values.reduce(0, +)
        let warning = weights.filter { $0.key.warns }.values.reduce(0, +)
        let side = warning >= total - warning ? weights.filter { $0.key.warns } : weights.filter { !$0.key.warns }
        let share = total > 0 ? side.values.reduce(0, +) / total : 0
        let bound = Self.wilsonLowerBound(share: share, of: total)
        guard reporters >= Self.minimumReporters, bound >= Self.minimumConfidence,
              let heaviest = side.max(by: { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) })?.key
        else {
            (category, confidenceBasisPoints, expiresAt) = (nil, Int(bound * 10_000), nil)
            return
        }
        category = heaviest
        confidenceBasisPoints = Int(bound * 10_000)
        // With no new report every weight shrinks alike: the share stays, the total falls to where the bound meets the minimum.
        var (low, high) = (0.0, total)
        for _ in 0..<60 {
            let middle = (low + high) / 2
            if Self.wilsonLowerBound(share: share, of: middle) >= Self.minimumConfidence { high = middle } else { low = middle }
        }
        expiresAt = now.addingTimeInterval(Self.halfLife * log2(total / high))
    }

    /// The lower bound of the Wilson score interval (z = 1.96) for a share seen over `weight` reports.
    public static func wilsonLowerBound(share p: Double, of n: Double) -> Double {
        guard n > 0 else { return 0 }
        let z = 1.96, z2 = z * z
        return max(0, (p + z2 / (2 * n) - z * ((p * (1 - p) + z2 / (4 * n)) / n).squareRoot()) / (1 + z2 / n))
    }

    /// Reports joined into reporters: two share one when they share an account or a network.
    static func independent(_ reports: [NumberReport]) -> [[NumberReport]] {
        var parent = Array(reports.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        var firstByKey: [String: Int] = [:]
        for (index, report) in reports.enumerated() {
            for key in ["d:" + report.deviceId, "n:" + report.network] + (report.accountId.map { ["a:" + $0] } ?? []) {
                if let first = firstByKey[key] { parent[root(index)] = root(first) } else { firstByKey[key] = index }
            }
        }
        return Dictionary(grouping: reports.indices, by: root).values.map { $0.map { reports[$0] } }
    }
}
