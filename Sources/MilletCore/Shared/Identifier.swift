import Foundation

/// Makes opaque identifiers for stored records.
public enum Identifier {
    /// A new random identifier: 32 lowercase hex characters.
    public static func make() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// `true` when `value` has the shape of an identifier this module made.
    public static func isWellFormed(_ value: String) -> Bool {
        value.count == 32 && value.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
