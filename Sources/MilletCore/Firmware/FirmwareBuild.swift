import Foundation

/// A firmware build for one model, stored once by its SHA-256.
public struct FirmwareBuild: Hashable, Sendable {
    public let id: String
    public let modelId: String
    public let version: String
    public let sha256: String
    public let size: Int64
    /// Devices on an older version than this must first update to it.
    public let minSourceVersion: String?
    /// The community weekly release whose notes describe it.
    public let releaseId: String?
    public let notes: String?
    public let createdAt: Date

    public init(
        id: String, modelId: String, version: String, sha256: String, size: Int64, minSourceVersion: String?, releaseId: String?, notes: String?,
        createdAt: Date
    ) {
        self.id = id
        self.modelId = modelId
        self.version = version
        self.sha256 = sha256
        self.size = size
        self.minSourceVersion = minSourceVersion
        self.releaseId = releaseId
        self.notes = notes
        self.createdAt = createdAt
    }

    /// The refusal of a second build with a version its model already has.
    public static let versionTaken = DomainError.conflict(code: "version_exists", message: "this model already has this version")
}

/// The offer a device receives: `manifest` is the exact JSON text that was signed, so a device
/// verifies the bytes it got without re-encoding anything. One offer serves every device in a
/// rollout's stage (as an artifact signature does in Mender or TUF): the manifest names the model,
/// which the device checks is its own, not the device.
public struct SignedOffer: Codable, Sendable, Equatable {
    /// What is signed, as JSON: model, version, size, sha256, url, rolloutId, expiresAt.
    public struct Manifest: Codable, Sendable, Equatable {
        public let model, version, sha256, url: String
        public let size: Int64
        public let expiresAt: Date
        public let rolloutId: String

        public init(model: String, version: String, sha256: String, url: String, size: Int64, expiresAt: Date, rolloutId: String) {
            self.model = model
            self.version = version
            self.sha256 = sha256
            self.url = url
            self.size = size
            self.expiresAt = expiresAt
            self.rolloutId = rolloutId
        }
    }

    public struct Signature: Codable, Sendable, Equatable {
        public let keyId: String
        /// Ed25519 signature of the manifest's UTF-8 bytes, base64.
        public let signature: String
    }

    public let manifest: String
    public let signatures: [Signature]

    public init(manifest: String, signatures: [Signature]) {
        self.manifest = manifest
        self.signatures = signatures
    }

    /// The offer as JSON (`{"manifest":…,"signatures":[…]}`), encoded once when signed so each
    /// check-in that carries it copies bytes.
    public func json() throws -> [UInt8] {
        Array(try JSONEncoder().encode(self))
    }
}
