import Crypto

/// The first 16 bytes of a token's SHA-256: how device and session tokens are looked up in
/// memory. Half the memory of the hex digest, as unique, and made from a token without hex in between.
struct TokenKey: Hashable {
    let high: UInt64
    let low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init?(hex: String) {
        guard let bytes = Secrets.unhex(String(hex.prefix(32))), bytes.count == 16 else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The key of a token itself, hashed here: no hex in between.
    init(token: String) {
        let digest = SHA256.hash(utf8: token)
        (high, low) = digest.withUnsafeBytes { raw in
            (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }
}
