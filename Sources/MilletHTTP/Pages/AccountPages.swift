import Foundation
import Hummingbird
import MilletCore

/// Registering, logging in and out; logging in folds a guest's cart into the account's.
struct AccountPages {
    let pages: PageKit
    let authenticator: Authenticator
    let desk: AccountDesk
    let carts: any CartRepository

    struct RegisterForm: Decodable {
        let email, password, displayName: String
        let next: String?
    }

    struct LogInForm: Decodable {
        let email, password: String
        let next: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("register") { request, context in
            pages.page("register", ["next": PageKit.safeNext(request.uri.queryParameters["next"].map(String.init))], chrome: try await pages.chrome(request, context))
        }
        groups.open.post("register") { request, context in
            let form = try await request.decodeForm(RegisterForm.self, context: context)
            do {
                let (account, token) = try await desk.register(
                    try Registration(email: form.email, password: form.password, displayName: form.displayName),
                    language: Preferences(request: request, marketCodes: []).language, clientIP: context.clientIP)
                return try await loggedIn(account: account, token: token, request: request, context: context, next: form.next)
            } catch let error as DomainError {
                let chrome = try await pages.chrome(request, context)
                return pages.page("register", ["next": PageKit.safeNext(form.next), "email": form.email, "displayName": form.displayName,
                                               "problems": problems(error, chrome: chrome)], chrome: chrome, status: APIError(error).status)
            }
        }
        groups.open.get("login") { request, context in
            pages.page("login", ["next": PageKit.safeNext(request.uri.queryParameters["next"].map(String.init))], chrome: try await pages.chrome(request, context))
        }
        groups.open.post("login") { request, context in
            let form = try await request.decodeForm(LogInForm.self, context: context)
            do {
                let known = request.cookies[PageKit.deviceCookie]?.value
                let login = try await authenticator.logIn(email: form.email, password: form.password, clientIP: context.clientIP, deviceToken: known)
                var response = try await loggedIn(account: login.account, token: login.token, request: request, context: context, next: form.next)
                response.setCookie(PageKit.cookie(PageKit.deviceCookie, login.deviceToken, maxAge: 400 * 24 * 3600))
                return response
            } catch let error as DomainError {
                let chrome = try await pages.chrome(request, context)
                return pages.page("login", ["next": PageKit.safeNext(form.next), "email": form.email, "problems": problems(error, chrome: chrome)],
                                  chrome: chrome, status: APIError(error).status)
            }
        }
        groups.open.post("logout") { _, context in
            if let token = context.sessionToken { try await authenticator.logOut(token: token) }
            var response = redirect("/")
            response.setCookie(PageKit.cookie(IdentityMiddleware.cookieName, "", maxAge: 0))
            return response
        }
    }

    /// Sets the session cookie and folds the guest cart into the account's.
    func loggedIn(account: Account, token: String, request: Request, context: MilletRequestContext, next: String?) async throws -> Response {
        let chrome = try await pages.chrome(request, context)
        if let guest = request.cookies[PageKit.guestCartCookie]?.value, Identifier.isWellFormed(guest) {
            try await carts.mergeGuestCart(token: guest, into: account.id, marketCode: chrome.market.code)
        }
        var response = redirect(PageKit.safeNext(next))
        response.setCookie(PageKit.cookie(IdentityMiddleware.cookieName, token, maxAge: Int(authenticator.sessionLifetime)))
        response.setCookie(PageKit.cookie(PageKit.guestCartCookie, "", maxAge: 0))
        return response
    }

    /// Translated messages for a refused form.
    func problems(_ error: DomainError, chrome: PageChrome) -> [String] {
        let t = pages.strings(chrome.preferences.language)
        let api = APIError(error)
        if !api.fields.isEmpty {
            return api.fields.keys.sorted().map { field in "\(t["field_\(field)"] ?? field): \(api.fields[field]!)" }
        }
        return [t["error_\(api.code)"] ?? api.message]
    }
}
