import Foundation
import Hummingbird
import NIOCore
import MilletCore

/// Per-request state: who is calling and how, and where the request came from.
public struct MilletRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The logged-in account, resolved by ``IdentityMiddleware``.
    public var account: Account?
    /// The session token that identified ``account``.
    public var sessionToken: String?
    /// A device's token (`dev_…`), only ever set on device endpoints.
    public var deviceToken: String?
    /// The device behind ``deviceToken``, set by the device routes' middleware.
    public var device: DeviceIdentity?
    /// A partner's API key (`mpk_…`), only ever set on partner endpoints.
    public var partnerToken: String?
    /// The partner behind ``partnerToken``, set by the partner routes' middleware.
    public var partner: PartnerCaller?
    /// The token the pages' forms carry, from the visitor's `millet_csrf` cookie or made for it
    /// (``FormGuardMiddleware``); never set on the API.
    public var csrfToken: String?
    /// Who the client is for throttling (``network(_:)``): the peer's address, or behind a
    /// trusted proxy the one it forwarded for (``ClientAddressMiddleware``).
    public internal(set) var clientIP: String
    /// The address the connection came from.
    public let peer: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peer = source.channel.remoteAddress
        self.clientIP = peer.map(Self.network) ?? "unknown"
    }

    /// Who a peer is for throttling: its IPv4 address, or the /64 network of an IPv6 address
    /// (one subscriber holds a whole /64, so single addresses would be free for the taking).
    static func network(_ address: SocketAddress) -> String {
        guard let bytes = address.addressBytes else { return address.ipAddress ?? "unknown" }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 8, by: 2).map { String(format: "%x", Int(bytes[$0]) << 8 | Int(bytes[$0 + 1])) }.joined(separator: ":") + "::/64"
    }

    /// Request bodies larger than this are refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The caller's account, or `unauthenticated`.
    public func requireAccount() throws -> Account {
        guard let account else { throw DomainError.unauthenticated(message: "log in first") }
        return account
    }

    /// The calling device, on routes of the device group (``DeviceMiddleware``).
    public func requireDevice() throws -> DeviceIdentity {
        guard let device else { throw DomainError.unauthenticated(message: "device endpoints take Authorization: Bearer <device token>") }
        return device
    }

    /// The calling partner, on routes of the partner group, if its key has `scope`; `forbidden`
    /// otherwise.
    public func requirePartner(_ scope: PartnerScope? = nil) throws -> PartnerCaller {
        guard let partner else { throw DomainError.unauthenticated(message: "partner endpoints take Authorization: Bearer <partner key>") }
        if let scope { try partner.require(scope) }
        return partner
    }

    /// The calling device's whole record, read now: its owner may have changed since its token
    /// was issued.
    public func requireRegisteredDevice(_ updates: FirmwareUpdates) async throws -> Device {
        try await updates.device(requireDevice())
    }
}

extension SocketAddress {
    /// The IP address's 4 or 16 bytes; an IPv4 address inside an IPv6 one gives its 4. `nil` for
    /// a Unix socket.
    var addressBytes: [UInt8]? {
        switch self {
        case .v4(let v4):
            var raw = v4.address.sin_addr
            return withUnsafeBytes(of: &raw) { Array($0) }
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            return ReceiverAddress.mappedIPv4(bytes) ?? bytes
        default:
            return nil
        }
    }
}
