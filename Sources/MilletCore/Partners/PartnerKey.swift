import Crypto
import Foundation

/// What a partner's API key may do; each partner endpoint names the scope it needs.
public enum PartnerScope: String, Sendable, Codable, CaseIterable {
    case stockRead = "stock:read"
    case salesWrite = "sales:write"
    case sellthroughWrite = "sellthrough:write"
    case catalogWrite = "catalog:write"
    case firmwareWrite = "firmware:write"
    case serviceWrite = "service:write"
}

/// An API key of a partner organisation. Its secret is shown once, when issued, and only its
/// SHA-256 is kept; a revoked key opens nothing.
public struct PartnerKey: Hashable, Sendable {
    public let id: String
    public let organisationId: String
    public let name: String
    public let scopes: Set<PartnerScope>
    /// SHA-256 of the secret, hex.
    public let secretHash: String
    public let createdAt: Date
    public var revokedAt: Date?

    public init(id: String, organisationId: String, name: String, scopes: Set<PartnerScope>, secretHash: String, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.organisationId = organisationId
        self.name = name
        self.scopes = scopes
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// How a partner key starts, so it is told from a session or device token at a glance.
    public static let prefix = "mpk_"

    /// A new key's token, `mpk_<key id>_<secret>`, and the secret's hash to keep.
    public static func issue(id: String) -> (token: String, secretHash: String) {
        let secret = Secrets.hex(bytes: 32)
        return ("\(prefix)\(id)_\(secret)", hash(secret))
    }

    /// The key id and secret a token carries, or `nil` when it is not shaped like one.
    public static func parse(_ token: String) -> (id: String, secret: String)? {
        guard token.hasPrefix(prefix) else { return nil }
        let parts = token.dropFirst(prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, Identifier.isWellFormed(String(parts[0])), parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// Whether `secret` is this key's, compared in constant time.
    public func opens(with secret: String) -> Bool {
        let given = Array(Self.hash(secret).utf8), kept = Array(secretHash.utf8)
        guard given.count == kept.count else { return false }
        return zip(given, kept).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0 && revokedAt == nil
    }

    static func hash(_ secret: String) -> String { Secrets.hex(SHA256.hash(data: Data(secret.utf8))) }
}

/// A partner's key as a request presents it: the organisation it acts for and what it may do.
public struct PartnerCaller: Hashable, Sendable {
    public let keyId: String
    public let organisationId: String
    public let scopes: Set<PartnerScope>

    public init(keyId: String, organisationId: String, scopes: Set<PartnerScope>) {
        self.keyId = keyId
        self.organisationId = organisationId
        self.scopes = scopes
    }

    /// `forbidden` unless the key has `scope`.
    public func require(_ scope: PartnerScope) throws {
        guard scopes.contains(scope) else { throw DomainError.forbidden(message: "this key lacks the \(scope.rawValue) scope") }
    }
}
