import Foundation

/// Makes opaque identifiers for stored records.
public enum Identifier {
    /// A new random identifier: 32 lowercase hex characters, 128 random bits. Made without a
    /// `UUID`: trimming its dashes went through `NSString` and cost more than the purchase token
    /// it named.
    public static func make() -> String {
        Secrets.hex(bytes: 16)
    }

    /// A new identifier that sorts by when it was made: the wall clock's milliseconds in the first
    /// 12 hex characters, 80 random bits after them. Orders are written many per transaction in a
    /// flash sale; with random ids every order dirtied its own page of each index keyed by order
    /// id, with these they all land on the last page. The time is only for that locality (it is
    /// not the business clock), and the random part keeps ids unguessable and unique.
    public static func makeSequential(at time: Date = Date()) -> String {
        let millis = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        let clock = (0..<6).reversed().map { UInt8(truncatingIfNeeded: millis >> (8 * $0)) }
        return Secrets.hex(clock) + Secrets.hex(bytes: 10)
    }

    /// `true` when `value` has the shape of an identifier this module made.
    public static func isWellFormed(_ value: String) -> Bool {
        value.count == 32 && value.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
