/// Collects field errors so one answer names every bad field at once.
public struct Validator: Sendable {
    public private(set) var fields: [String: String] = [:]

    public init() {}

    /// Records `message` for `field` unless `condition` holds.
    public mutating func require(_ condition: Bool, _ field: String, _ message: String) {
        if !condition && fields[field] == nil { fields[field] = message }
    }

    /// Records `message` unless `text` has a length in `range`, counted in Unicode code points as
    /// JSON Schema's `minLength`/`maxLength` count them (not grapheme clusters). The minimum
    /// applies to the text without surrounding whitespace, the maximum to the text as sent.
    public mutating func requireLength(_ text: String, _ range: ClosedRange<Int>, _ field: String, _ message: String) {
        let trimmed = text.trimmed.unicodeScalars.count
        require(trimmed >= range.lowerBound && text.unicodeScalars.count <= range.upperBound, field, message)
    }

    /// A one-line field (a name, an address line): no control characters and no bidirectional
    /// overrides, which would let a name read differently from what it is.
    public mutating func requireSingleLine(_ text: String, _ field: String) {
        require(!text.unicodeScalars.contains(where: Self.isHidden), field, "must not contain control or text-direction characters")
    }

    /// Control characters (C0, DEL, C1) and the bidirectional embeddings, overrides and isolates.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 32 || (127...159).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }

    /// Throws ``DomainError/invalidInput(message:fields:)`` when any field failed.
    public func check() throws {
        guard fields.isEmpty else {
            let summary = fields.keys.sorted().map { "\($0): \(fields[$0]!)" }.joined(separator: "; ")
            throw DomainError.invalidInput(message: summary, fields: fields)
        }
    }
}

extension StringProtocol {
    /// The text without white space or line breaks at either end: the characters of
    /// `CharacterSet.whitespacesAndNewlines` (Unicode's `White_Space` and the zero-width space).
    /// Unlike `trimmingCharacters(in:)` it does not go through `NSString`, a cost every purchase
    /// paid on its five address fields.
    public var trimmed: String {
        let text = String(self), scalars = text.unicodeScalars
        let blank = { (scalar: Unicode.Scalar) in scalar.properties.isWhitespace || scalar == "\u{200B}" }
        guard let first = scalars.firstIndex(where: { !blank($0) }), let last = scalars.lastIndex(where: { !blank($0) }) else { return "" }
        guard first != scalars.startIndex || scalars.index(after: last) != scalars.endIndex else { return text }
        return String(Substring(scalars[first...last]))
    }
}
