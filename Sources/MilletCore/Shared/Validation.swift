/// Collects field errors so one answer names every bad field at once.
public struct Validator: Sendable {
    public private(set) var fields: [String: String] = [:]

    public init() {}

    /// Records `message` for `field` unless `condition` holds.
    public mutating func require(_ condition: Bool, _ field: String, _ message: String) {
        if !condition && fields[field] == nil { fields[field] = message }
    }

    /// Throws ``DomainError/invalidInput(message:fields:)`` when any field failed.
    public func check() throws {
        guard fields.isEmpty else {
            let summary = fields.keys.sorted().map { "\($0): \(fields[$0]!)" }.joined(separator: "; ")
            throw DomainError.invalidInput(message: summary, fields: fields)
        }
    }
}
