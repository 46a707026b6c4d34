// Curve25519 private keys are immutable values that swift-crypto has not marked Sendable yet.
@preconcurrency import Crypto
import Foundation

/// An Ed25519 signing key. Its public half is published so devices can check offers.
public struct SigningKey: Sendable, Equatable {
    public let id: String
    /// The 32-byte private key, base64; never leaves the server.
    public let privateKey: String
    public let publicKey: String
    public let createdAt: Date
    /// A retired key no longer signs; devices still find it published until they update.
    public let retiredAt: Date?

    public init(id: String, privateKey: String, publicKey: String, createdAt: Date, retiredAt: Date?) {
        self.id = id
        self.privateKey = privateKey
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }

    /// A fresh key.
    public static func generate(now: Date) -> SigningKey {
        let key = Curve25519.Signing.PrivateKey()
        return SigningKey(
            id: "k" + Secrets.hex(bytes: 6), privateKey: key.rawRepresentation.base64EncodedString(),
            publicKey: key.publicKey.rawRepresentation.base64EncodedString(), createdAt: now, retiredAt: nil)
    }
}

/// Signs offers with every active key, so devices that know only an older key keep updating
/// through a rotation, and checks them the way a device does.
public struct ManifestSigner: Sendable {
    /// The active keys, parsed once: deriving an Ed25519 key pair from its seed costs as much as
    /// a signature.
    let keys: [(id: String, key: Curve25519.Signing.PrivateKey)]

    public init(keys: [SigningKey]) {
        self.keys = keys.filter { $0.retiredAt == nil }.compactMap { key in
            guard let raw = Data(base64Encoded: key.privateKey), let parsed = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else { return nil }
            return (key.id, parsed)
        }
        keyIds = self.keys.map(\.id).joined(separator: ",")
    }

    /// The ids of the keys that sign, in order: which signatures an offer carries. Joined once,
    /// since every offered check-in looks its cached offer up by it.
    let keyIds: String

    public func sign(_ manifest: SignedOffer.Manifest) throws -> SignedOffer {
        guard !keys.isEmpty else { throw DomainError.conflict(code: "no_signing_key", message: "no active signing key") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        let text = String(decoding: try encoder.encode(manifest), as: UTF8.self)
        let signatures = try keys.map { key in
            SignedOffer.Signature(keyId: key.id, signature: try key.key.signature(for: Data(text.utf8)).base64EncodedString())
        }
        return SignedOffer(manifest: text, signatures: signatures)
    }

    /// What a device does: finds a signature by a key it trusts and checks it.
    public static func verify(_ offer: SignedOffer, trusting publicKeys: [String: String]) -> Bool {
        offer.signatures.contains { signature in
            guard let encoded = publicKeys[signature.keyId], let raw = Data(base64Encoded: encoded),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
                  let bytes = Data(base64Encoded: signature.signature)
            else { return false }
            return key.isValidSignature(bytes, for: Data(offer.manifest.utf8))
        }
    }
}
