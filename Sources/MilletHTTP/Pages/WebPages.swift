import Foundation
import Hummingbird
import MilletCore

/// The server-rendered storefront and staff console. Every flow works with plain HTML forms.
struct WebPages {
    let services: MilletServices
    let pages: PageRenderer
    static let guestCartCookie = "millet_cart"

    func addRoutes(to groups: RouteGroups) {
        addStorefrontRoutes(to: groups)
        addAccountRoutes(to: groups)
        addOrderRoutes(to: groups)
        addStaffRoutes(to: groups)
        addSaleRoutes(to: groups)
        addCommunityRoutes(to: groups)
        addPostRoutes(to: groups)
        addReleaseRoutes(to: groups)
        addModerationRoutes(to: groups)
        addRolloutRoutes(to: groups)
    }

    func chrome(_ request: Request, _ context: MilletRequestContext) async throws -> PageChrome {
        let markets = try await services.markets.markets()
        let unread = try await context.account.asyncMap { try await services.releases.inbox(accountId: $0.id, limit: 0).unread }
        return PageChrome(
            preferences: Preferences(request: request, marketCodes: markets.map(\.code)), markets: markets,
            account: context.account, path: request.uri.path, unread: unread ?? 0)
    }

    /// The visitor's cart owner; guests get a cookie token the first time they add something.
    func cartOwner(_ request: Request, _ context: MilletRequestContext) -> (owner: CartOwner, newGuestToken: String?) {
        if let account = context.account { return (.account(account.id), nil) }
        if let token = request.cookies[Self.guestCartCookie]?.value, Identifier.isWellFormed(token) { return (.guest(token), nil) }
        let token = Identifier.make()
        return (.guest(token), token)
    }

    static func cookie(_ name: String, _ value: String, maxAge: Int = 365 * 24 * 3600) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", httpOnly: true, sameSite: .lax)
    }

    /// A local path to go back to, never another site.
    static func safeNext(_ value: String?) -> String {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//"), !value.contains("\\") else { return "/" }
        return value
    }
}

extension Request {
    /// Decodes an HTML form, turning a missing or mistyped field into `invalid_input`.
    func decodeForm<T: Decodable>(_ type: T.Type, context: MilletRequestContext) async throws -> T {
        do {
            return try await URLEncodedFormDecoder().decode(T.self, from: self, context: context)
        } catch let error as DecodingError {
            let field: String
            switch error {
            case .keyNotFound(let key, _): field = key.stringValue
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): field = c.codingPath.last?.stringValue ?? "form"
            @unknown default: field = "form"
            }
            throw DomainError.invalid(field: field, "is missing or invalid")
        }
    }
}
