import Foundation
import HTTPTypes
import Hummingbird
import MilletCore

/// Keeps other sites from submitting the pages' forms (a signed double-submit cookie). Every page
/// visitor gets a random nonce in the `millet_csrf` cookie; the form token is the MAC, under the
/// store's form key, of that nonce and the visitor's session cookie. Pages put the token in each
/// form (`_csrf`) and in `<meta name="csrf-token">` for scripts (`X-CSRF-Token`). A POST, PUT,
/// PATCH or DELETE to a page must carry the token made from the cookies it comes with and, when
/// the browser names one, come from this site's own origin (`Origin`, or `Referer` without it).
/// A cookie planted by someone else (from a sibling subdomain, or over plain HTTP) is of no use
/// against a signed-in visitor without the key (before log-in anyone can learn the token of a
/// nonce they chose, so those forms rest on the origin check), and a token stops working when the
/// session it was made for changes (log-in, log-out): the form is sent again from a fresh page. The API is not guarded here: it takes
/// bearer tokens, never cookies.
struct FormGuardMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    static let cookieName = "millet_csrf"
    static let field = "_csrf"
    static let header = HTTPField.Name("X-CSRF-Token")!
    /// The public address's host (and port), also accepted as an origin behind a proxy.
    let publicHost: String?
    /// The store is served over HTTPS: an origin on plain HTTP is another site, even on its host.
    let secureOnly: Bool

    /// The key form tokens are made with; every node of a store shares it.
    let key: [UInt8]

    init(publicURL: String, key: [UInt8]) {
        let origin = Self.origin(of: publicURL)
        self.publicHost = origin?.authority
        self.secureOnly = origin?.scheme == "https"
        self.key = key
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The API and the DDI device routes take tokens in headers, never cookies.
        guard !request.uri.path.hasPrefix("/api/"), !DDIController.matches(request.uri.path) else { return try await next(request, context) }
        var request = request, context = context
        let kept = request.cookies[Self.cookieName].map(\.value).flatMap { Self.isToken($0) ? $0 : nil }
        let nonce = kept ?? Secrets.hex(bytes: 32)
        let token = Self.token(nonce: nonce, session: request.cookies[IdentityMiddleware.cookieName]?.value, key: key)
        if ![.get, .head, .options].contains(request.method) {
            try checkOrigin(request)
            guard kept != nil, let given = try await submitted(&request, context: context), Secrets.equal(given, token) else {
                throw DomainError.forbidden(message: "this form is out of date or came from another site; reload the page and send it again")
            }
        }
        context.csrfToken = token
        var response = try await next(request, context)
        if kept == nil { response.setCookie(PageKit.cookie(Self.cookieName, nonce)) }
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

    /// The form token for a visitor's nonce and session cookie (none before log-in).
    static func token(nonce: String, session: String?, key: [UInt8]) -> String {
        Secrets.mac("form \(nonce) \(session ?? "")", key: key)
    }

    static func isToken(_ value: String) -> Bool { value.utf8.count == 64 && value.allSatisfy(\.isHexDigit) }
}
