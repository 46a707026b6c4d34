import Crypto
import Foundation

/// The signed, single-use pass a fan fetches when a sale opens and spends on one purchase.
///
/// A token names the sale, the account, its expiry and a random nonce, signed with HMAC-SHA256
/// under the sale's own key, so every node that loaded the sale can check it without a database
/// read. The engine spends the nonce when the token buys an order. When the sale asks for proof
/// of work, the purchase must also carry a `proof` such that SHA-256 of `token:proof` starts with
/// that many zero bits: cheap for one fan, costly for a script firing thousands of attempts.
public struct PurchaseToken: Equatable, Sendable {
    public let saleId: String
    public let accountId: String
    public let expiresAt: Date
    public let nonce: String

    /// How long a fetched token stays valid.
    public static let lifetime: TimeInterval = 15 * 60
    /// The most proof-of-work bits staff may ask for (about 16 million hashes on average).
    public static let maxProofBits = 24

    /// A fresh random key for a new sale's tokens.
    public static func makeKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Issues a token for `accountId`, valid until the sooner of its lifetime and the sale's end.
    public static func issue(sale: FlashSale, accountId: String, now: Date) -> (token: String, expiresAt: Date) {
        let expiresAt = min(now.addingTimeInterval(lifetime), sale.endsAt)
        let body = "\(sale.id).\(accountId).\(Int64((expiresAt.timeIntervalSince1970 * 1000).rounded())).\(Identifier.make())"
        return (body + "." + signature(body[...], key: sale.tokenKey), expiresAt)
    }

    /// Reads and checks a token for this sale and account; throws ``PurchaseRefusal/invalidToken``
    /// when it is malformed, forged, for someone else or expired.
    public static func verify(_ token: String, sale: FlashSale, accountId: String, now: Date) throws -> PurchaseToken {
        // body.mac, the body being sale.account.expiry.nonce. Read in place and by bytes (splitting
        // by `Character` cost as much as the HMAC): this runs on every purchase.
        let bytes = token.utf8, dotByte = UInt8(ascii: ".")
        guard bytes.count <= 256, let dot = bytes.lastIndex(of: dotByte) else { throw PurchaseRefusal.invalidToken }
        let body = token[..<dot], mac = token[bytes.index(after: dot)...]
        let parts = body.utf8.split(separator: dotByte, omittingEmptySubsequences: false)
        guard parts.count == 4, let millis = Int64(Substring(parts[2])),
              Secrets.equal(signature(body, key: sale.tokenKey), mac),
              parts[0].elementsEqual(sale.id.utf8), parts[1].elementsEqual(accountId.utf8)
        else { throw PurchaseRefusal.invalidToken }
        let expiresAt = Date(timeIntervalSince1970: Double(millis) / 1000)
        guard expiresAt > now else { throw PurchaseRefusal.invalidToken }
        return PurchaseToken(saleId: sale.id, accountId: accountId, expiresAt: expiresAt, nonce: String(Substring(parts[3])))
    }

    /// `true` when SHA-256 of `token:proof` starts with at least `bits` zero bits. A missing
    /// (empty) proof never holds when bits are asked: otherwise one token in `2^bits` would buy
    /// without any work.
    public static func proofHolds(token: String, proof: String, bits: Int) -> Bool {
        guard bits > 0 else { return true }
        guard !proof.isEmpty, proof.utf8.count <= 64 else { return false }
        let digest = Array(SHA256.hash(utf8: token, ":", proof))
        var remaining = bits
        for byte in digest {
            if remaining <= 0 { return true }
            let needed = min(8, remaining)
            guard byte >> (8 - needed) == 0 else { return false }
            remaining -= needed
        }
        return remaining <= 0
    }

    /// Finds a proof by counting up; what the storefront's script does in the browser.
    public static func solve(token: String, bits: Int) -> String {
        var counter = 0
        while !proofHolds(token: token, proof: String(counter), bits: bits) { counter += 1 }
        return String(counter)
    }

    static func signature(_ body: Substring, key: String) -> String {
        var hmac = HMAC<SHA256>(key: signingKey(key))
        var body = body
        body.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
        // base64url without padding, written out by hand.
        let bytes = Array(hmac.finalize())
        var out: [UInt8] = []
        out.reserveCapacity(44)
        var i = 0
        while i < bytes.count {
            let chunk = (UInt32(bytes[i]) << 16) | (i + 1 < bytes.count ? UInt32(bytes[i + 1]) << 8 : 0) | (i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0)
            let count = min(3, bytes.count - i) + 1
            for j in 0..<count { out.append(base64URL[Int((chunk >> (18 - 6 * UInt32(j))) & 63)]) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let base64URL = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Sales' keys, decoded from base64 once each: a sale's key never changes.
    private static let signingKeys = BoundedCache<String, Data>()

    private static func signingKey(_ key: String) -> SymmetricKey {
        if let known = signingKeys[key] { return SymmetricKey(data: known) }
        let decoded = Data(base64Encoded: key) ?? Data(key.utf8)
        signingKeys.store(decoded, for: key)
        return SymmetricKey(data: decoded)
    }
}
