import Foundation

/// A firmware version that orders the way people read it: `14.0.10` is after `14.0.9`, and a
/// pre-release (`15.0.0-beta.2`) comes before its release.
public struct FirmwareVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let numbers: [Int]
    /// The part after `-`, compared dot by dot (numbers numerically); `nil` for a release.
    public let prerelease: [String]?
    public let description: String

    /// Reads `MAJOR.MINOR[.PATCH…][-PRE]`: one to five numbers, at most 40 characters.
    public init?(_ text: String) {
        if let numbers = Self.releaseNumbers(text) {
            self.numbers = numbers
            self.prerelease = nil
            self.description = text
            return
        }
        guard (1...40).contains(text.count) else { return nil }
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let numbers = parts[0].split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...5).contains(numbers.count), numbers.allSatisfy({ $0 != nil }),
              parts[0].allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) })
        else { return nil }
        var prerelease: [String]?
        if parts.count == 2 {
            let tags = parts[1].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard tags.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }) else { return nil }
            prerelease = tags
        }
        self.numbers = numbers.map { $0! }
        self.prerelease = prerelease
        self.description = text
    }

    /// The numbers of a plain release (`14.0.7`: digits and dots only, what nearly every device
    /// sends), read straight from the bytes; `nil` for anything else, which the full reading
    /// above accepts or refuses.
    static func releaseNumbers(_ text: String) -> [Int]? {
        var numbers: [Int] = [], current = 0, digits = 0, length = 0
        for byte in text.utf8 {
            length += 1
            guard length <= 40 else { return nil }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits < 18 else { return nil }
                current = current * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: "."):
                guard digits > 0, numbers.count < 4 else { return nil }
                numbers.append(current)
                current = 0
                digits = 0
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        numbers.append(current)
        return numbers
    }

    public static func < (lhs: FirmwareVersion, rhs: FirmwareVersion) -> Bool {
        let count = max(lhs.numbers.count, rhs.numbers.count)
        for index in 0..<count {
            let a = index < lhs.numbers.count ? lhs.numbers[index] : 0
            let b = index < rhs.numbers.count ? rhs.numbers[index] : 0
            if a != b { return a < b }
        }
        switch (lhs.prerelease, rhs.prerelease) {
        case (nil, nil), (nil, _): return false
        case (_, nil): return true
        case let (a?, b?):
            for (x, y) in zip(a, b) where x != y {
                switch (Int(x), Int(y)) {
                case let (m?, n?): return m < n
                case (_?, nil): return true
                case (nil, _?): return false
                default: return x < y
                }
            }
            return a.count < b.count
        }
    }

    public static func == (lhs: FirmwareVersion, rhs: FirmwareVersion) -> Bool { !(lhs < rhs) && !(rhs < lhs) }

    public func hash(into hasher: inout Hasher) {
        var trimmed = numbers
        while trimmed.count > 1 && trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
        hasher.combine(prerelease)
    }

    /// Reads a version from input or throws `invalid(field)`.
    public static func parse(_ text: String, field: String) throws -> FirmwareVersion {
        guard let version = FirmwareVersion(text) else { throw DomainError.invalid(field: field, "must be a version such as 14.0.7 or 15.0.0-beta.2") }
        return version
    }
}
