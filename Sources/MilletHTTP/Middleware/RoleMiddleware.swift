import Hummingbird
import MilletCore

/// Lets a request through to its group's routes only when the caller's role may use them:
/// `unauthenticated` without a log-in, `forbidden` for a role the group does not admit. Every
/// staff, moderator and admin route is mounted under a group with one of these (see
/// ``RouteGroups``), so no handler checks a role itself.
struct RoleMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    let admits: @Sendable (Role) -> Bool
    let refusal: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let account = context.account else { throw DomainError.unauthenticated(message: "log in first") }
        guard admits(account.role) else { throw DomainError.forbidden(message: refusal) }
        return try await next(request, context)
    }

    /// Staff and admins.
    static let staff = RoleMiddleware(admits: { $0.isStaff }, refusal: "staff only")
    /// Moderators, staff and admins.
    static let moderators = RoleMiddleware(admits: { $0.canModerate }, refusal: "moderators only")
    /// Admins only.
    static let admins = RoleMiddleware(admits: { $0 == .admin }, refusal: "admins only")
}

/// Lets a request through to the device routes only with a valid device token, and puts the
/// device in the context: `unauthenticated` otherwise.
struct DeviceMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    let updates: FirmwareUpdates

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = context.deviceToken, let device = try await updates.device(token: token) else {
            throw DomainError.unauthenticated(message: "device endpoints take Authorization: Bearer <device token>")
        }
        var context = context
        context.device = device
        return try await next(request, context)
    }
}

/// Lets a request through to the partner routes only with a partner key not revoked, within its
/// rate, and puts the partner in the context: `unauthenticated` or `throttled` otherwise.
struct PartnerMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    let desk: PartnerDesk
    let limit: KeyRateLimit

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = context.partnerToken, let caller = try await desk.caller(token: token) else {
            throw DomainError.unauthenticated(message: "partner endpoints take Authorization: Bearer <partner key>; this one is unknown or revoked")
        }
        if let wait = await limit.take(caller.keyId) { throw DomainError.throttled(retryAfterSeconds: wait) }
        var context = context
        context.partner = caller
        return try await next(request, context)
    }
}

/// The groups one part of the router (the API under `/api/v1`, or the pages under `/`) mounts its
/// routes on. Each adds one middleware that decides who reaches its routes; paths stay as written
/// (`staff/orders`), the group only guards them.
struct RouteGroups {
    /// Anyone. A handler that serves only a logged-in fan's own things asks for the account.
    let open: RouterGroup<MilletRequestContext>
    /// Moderators, staff and admins.
    let moderators: RouterGroup<MilletRequestContext>
    /// Staff and admins.
    let staff: RouterGroup<MilletRequestContext>
    /// Admins.
    let admins: RouterGroup<MilletRequestContext>
    /// Devices with a valid device token (the API only).
    let devices: RouterGroup<MilletRequestContext>
    /// Partners with a valid key (the API only).
    let partners: RouterGroup<MilletRequestContext>

    init(_ open: RouterGroup<MilletRequestContext>, updates: FirmwareUpdates, partners: PartnerMiddleware) {
        self.open = open
        self.moderators = open.group().add(middleware: RoleMiddleware.moderators)
        self.staff = open.group().add(middleware: RoleMiddleware.staff)
        self.admins = open.group().add(middleware: RoleMiddleware.admins)
        self.devices = open.group().add(middleware: DeviceMiddleware(updates: updates))
        self.partners = open.group().add(middleware: partners)
    }
}
