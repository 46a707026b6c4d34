import Hummingbird
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
    /// The peer's IP address, for throttling.
    public let clientIP: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientIP = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Request bodies larger than this are refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The caller's account, or `unauthenticated`.
    public func requireAccount() throws -> Account {
        guard let account else { throw DomainError.unauthenticated(message: "log in first") }
        return account
    }

    /// The caller's account when it is staff or admin, or `forbidden`.
    public func requireStaff() throws -> Account {
        let account = try requireAccount()
        guard account.role.isStaff else { throw DomainError.forbidden(message: "staff only") }
        return account
    }

    /// The caller's account when it may moderate the community (moderator, staff, admin), or `forbidden`.
    public func requireModerator() throws -> Account {
        let account = try requireAccount()
        guard account.role.canModerate else { throw DomainError.forbidden(message: "moderators only") }
        return account
    }

    /// The caller's account when it is an admin, or `forbidden`.
    public func requireAdmin() throws -> Account {
        let account = try requireAccount()
        guard account.role == .admin else { throw DomainError.forbidden(message: "admins only") }
        return account
    }
}
