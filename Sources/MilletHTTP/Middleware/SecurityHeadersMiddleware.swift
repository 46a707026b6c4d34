import HTTPTypes
import Hummingbird

/// Headers every answer carries: no MIME sniffing, referrers only to this site in full; on pages a
/// content security policy without inline script that no other site may frame; no caching of an
/// API answer to a write or to an authenticated caller (a token answer above all). When the public
/// address is HTTPS, browsers are told to stay on HTTPS (HSTS) and every cookie is `Secure`.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    let https: Bool

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "strict-origin-when-cross-origin"
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers[.contentSecurityPolicy] = Self.policy
            response.headers[Self.xFrameOptions] = "DENY"
        }
        // An API answer to a caller who authenticated, or to a write, may carry a session or device
        // token or someone's data: no cache keeps it.
        if request.uri.path.hasPrefix("/api/") || DDIController.matches(request.uri.path),
           request.headers[.authorization] != nil || ![.get, .head].contains(request.method),
           response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        if https {
            response.headers[.strictTransportSecurity] = "max-age=31536000"
            let cookies = response.headers[values: .setCookie]
            if !cookies.isEmpty {
                response.headers[values: .setCookie] = cookies.map { $0.lowercased().contains("; secure") ? $0 : $0 + "; Secure" }
            }
        }
        return response
    }
}
