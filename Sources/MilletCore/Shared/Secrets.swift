import Crypto
import Foundation

/// Random secrets and tokens, and bytes as hex: session, device and webhook secrets, token
/// digests and signatures all go through here.
public enum Secrets {
    public static func hex(bytes count: Int) -> String {
        // Eight bytes a draw: each draw is a system call, and a sale's order ids are made by the thousand.
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count { withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) } }
        return hex(bytes.prefix(count))
    }

    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func unhex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        for index in stride(from: 0, to: chars.count, by: 2) {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether two texts are equal, in time that does not depend on where they differ (for
    /// secrets and their MACs).
    public static func equal<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The HMAC-SHA256 of a text's UTF-8 bytes under `key`, in hex.
    public static func mac(_ text: String, key: [UInt8]) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: key)))
    }

    /// The SHA-256 of a token in hex: what Millet stores instead of the token.
    public static func digest(_ token: String) -> String { hex(SHA256.hash(utf8: token)) }
}

extension SHA256 {
    /// The digest of the strings' UTF-8 bytes one after another, without copying them into
    /// `Data` first: `hash(utf8: a, ":", b)` is the digest of `"\(a):\(b)"`.
    static func hash(utf8 parts: String...) -> SHA256.Digest {
        var hasher = SHA256()
        for var part in parts { part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) } }
        return hasher.finalize()
    }
}
