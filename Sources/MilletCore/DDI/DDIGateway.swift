import Foundation

/// A tenant's gateway: one `GatewayToken` every agent of the tenant may present instead of its
/// own target token, and the model, market and channel a device first seen through it is
/// registered under (as Millet's registration would, its version unknown until it installs),
/// when its serial starts with the gateway's prefix. The token speaks for every device of the
/// model, as a hawkBit gateway token does for its tenant: it is as strong as their tokens and
/// the model's factory key together.
public struct DDIGateway: Sendable, Equatable {
    public let tenant: String
    /// SHA-256 of the token; the token itself is shown once, when staff set the gateway.
    public let tokenHash: String
    public let modelId: String
    public let marketCode: String
    public let channel: UpdateChannel
    /// New serials the gateway registers start with this (upper case).
    public let serialPrefix: String
    public let createdAt: Date

    public init(
        tenant: String, tokenHash: String, modelId: String, marketCode: String, channel: UpdateChannel, serialPrefix: String, createdAt: Date
    ) {
        self.tenant = tenant
        self.tokenHash = tokenHash
        self.modelId = modelId
        self.marketCode = marketCode
        self.channel = channel
        self.serialPrefix = serialPrefix
        self.createdAt = createdAt
    }

    /// The version a device first seen through the gateway is registered with: below any build,
    /// so a rollout of its model offers it the build.
    public static let unknownVersion = "0.0.0"
}

/// Where tenants' gateways are kept.
public protocol DDIGatewayRepository: Sendable {
    func gateway(tenant: String) async throws -> DDIGateway?
    /// Stores the tenant's gateway, replacing the one before (its token stops working).
    func saveGateway(_ gateway: DDIGateway) async throws
}

/// How an agent authenticates on the DDI routes.
public enum DDICredential: Sendable, Equatable {
    /// `TargetToken`: the device's own Millet token.
    case target(String)
    /// `GatewayToken`: the tenant's gateway token.
    case gateway(String)

    /// Reads an `Authorization` header; `nil` for any other scheme.
    public init?(header: String) {
        guard let space = header.firstIndex(of: " ") else { return nil }
        let token = header[header.index(after: space)...].trimmingCharacters(in: .whitespaces)
        switch header[..<space].lowercased() {
        case "targettoken": self = .target(token)
        case "gatewaytoken": self = .gateway(token)
        default: return nil
        }
    }
}
