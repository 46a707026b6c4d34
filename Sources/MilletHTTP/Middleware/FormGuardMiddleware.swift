import Foundation
import HTTPTypes
import Hummingbird
import MilletCore

/// Keeps other sites from submitting the pages' forms. Every page visitor gets a random token in
/// the `millet_csrf` cookie; pages put it in each form (`_csrf`) and in `<meta name="csrf-token">`
/// for scripts (`X-CSRF-Token`). A POST, PUT, PATCH or DELETE to a page must carry the token its
/// cookie holds and, when the browser names one, come from this site's own origin (`Origin`, or
/// `Referer` without it). The API is not guarded here: it takes bearer tokens, never cookies.
struct FormGuardMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    static let cookieName = "millet_csrf"
    static let field = "_csrf"
    static let header = HTTPField.Name("X-CSRF-Token")!
    /// The public address's host (and port), also accepted as an origin behind a proxy.
    let publicHost: String?
    /// The store is served over HTTPS: an origin on plain HTTP is another site, even on its host.
    let secureOnly: Bool

    init(publicURL: String) {
        let origin = Self.origin(of: publicURL)
        self.publicHost = origin?.authority
        self.secureOnly = origin?.scheme == "https"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        var request = request, context = context
        let kept = request.cookies[Self.cookieName].map(\.value).flatMap { Self.isToken($0) ? $0 : nil }
        let token = kept ?? Secrets.hex(bytes: 32)
        if ![.get, .head, .options].contains(request.method) {
            try checkOrigin(request)
            guard let kept, let given = try await submitted(&request, context: context), Secrets.equal(given, kept) else {
                throw DomainError.forbidden(message: "this form is out of date or came from another site; reload the page and send it again")
            }
        }
        context.csrfToken = token
        var response = try await next(request, context)
        if kept == nil { response.setCookie(PageKit.cookie(Self.cookieName, token)) }
        return response
    }

    /// The token the request carries: the header, or the form's `_csrf` field.
    private func submitted(_ request: inout Request, context: Context) async throws -> String? {
        if let header = request.headers[Self.header] { return header }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        for pair in String(buffer: body).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == Self.field { return String(parts[1]).removingPercentEncoding }
        }
        return nil
    }

    /// Refuses a request whose `Origin` (or, without one, `Referer`) is another site.
    private func checkOrigin(_ request: Request) throws {
        guard let source = request.headers[.origin] ?? request.headers[.referer] else { return }
        let own = [request.head.authority, publicHost].compactMap { $0?.lowercased() }
        guard let origin = Self.origin(of: source), own.contains(origin.authority.lowercased()),
              origin.scheme == "https" || (origin.scheme == "http" && !secureOnly) else {
            throw DomainError.forbidden(message: "a form of this site can only be sent from this site")
        }
    }

    /// The scheme (lowercased) and `host[:port]` of a URL.
    static func origin(of url: String) -> (scheme: String, authority: String)? {
        guard let url = URLComponents(string: url), let host = url.host else { return nil }
        return ((url.scheme ?? "").lowercased(), host + (url.port.map { ":\($0)" } ?? ""))
    }

    static func isToken(_ value: String) -> Bool { value.utf8.count == 64 && value.allSatisfy(\.isHexDigit) }
}
