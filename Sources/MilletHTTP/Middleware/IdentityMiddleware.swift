import Hummingbird
import MilletCore

/// Resolves who is calling. The API takes `Authorization: Bearer <token>`; web pages take the
/// `millet_session` cookie. A token never works in the other place, so a forged cross-site form
/// cannot reach the API and pages never read bearer tokens. Device tokens (`dev_…`) open the
/// device endpoints under `/api/v1/devices/` and nothing else, partner keys (`mpk_…`) the partner
/// endpoints under `/api/v1/partner/`; session tokens never open those.
struct IdentityMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    static let cookieName = "millet_session"
    static let devicePath = "/api/v1/devices/"
    static let partnerPath = "/api/v1/partner/"
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let token: String?
        if request.uri.path.hasPrefix("/api/") {
            if let header = request.headers.value(.authorization) {
                guard header.hasPrefix("Bearer "), header.count > 7 else {
                    throw DomainError.unauthenticated(message: "use Authorization: Bearer <token>")
                }
                token = String(header.dropFirst(7))
            } else {
                token = nil
            }
        } else {
            token = request.cookies[Self.cookieName]?.value
        }
        // A partner key comes only in the API's header: a cookie shaped like one is no session.
        if let token, token.hasPrefix(PartnerKey.prefix), !request.uri.path.hasPrefix("/api/") {
            return try await next(request, context)
        }
        if let token, token.hasPrefix(PartnerKey.prefix) {
            guard request.uri.path.hasPrefix(Self.partnerPath) else {
                throw DomainError.unauthenticated(message: "a partner key works only on partner endpoints")
            }
            context.partnerToken = token
            return try await next(request, context)
        }
        if let token, DeviceToken.looksLikeDeviceToken(token) {
            guard request.uri.path.hasPrefix(Self.devicePath) else {
                throw DomainError.unauthenticated(message: "a device token works only on device endpoints")
            }
            context.deviceToken = token
            return try await next(request, context)
        }
        if let token {
            guard token.count == 64, let account = try await authenticator.account(forToken: token) else {
                if request.uri.path.hasPrefix("/api/") {
                    throw DomainError.unauthenticated(message: "the session has expired or does not exist")
                }
                return try await next(request, context)
            }
            context.account = account
            context.sessionToken = token
        }
        return try await next(request, context)
    }
}
