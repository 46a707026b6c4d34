import Foundation

/// Makes opaque identifiers for stored records.
public enum Identifier {
    /// A new random identifier: 32 lowercase hex characters.
    public static func make() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// A new identifier that sorts by when it was made: the wall clock's milliseconds in the first
    /// 12 hex characters, 80 random bits after them. Orders are written many per transaction in a
    /// flash sale; with random ids every order dirtied its own page of each index keyed by order
    /// id, with these they all land on the last page. The time is only for that locality (it is
    /// not the business clock), and the random part keeps ids unguessable and unique.
    public static func makeSequential(at time: Date = Date()) -> String {
        let millis = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        var generator = SystemRandomNumberGenerator()
        let random = (UInt64(generator.next() as UInt16), generator.next() as UInt64)
        return hex(millis & 0xFFFF_FFFF_FFFF, digits: 12) + hex(random.0, digits: 4) + hex(random.1, digits: 16)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// `true` when `value` has the shape of an identifier this module made.
    public static func isWellFormed(_ value: String) -> Bool {
        value.count == 32 && value.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
