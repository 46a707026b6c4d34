import Foundation
import Hummingbird
import MilletCore

/// What every page group shares: the renderer, and what the chrome around a page needs (the
/// markets for the switcher, the visitor's unread messages). Each feature's pages are their own
/// value (``StorefrontPages``, ``OrderPages``, ...) holding this kit and only their feature's parts;
/// `buildRouter` composes them. Every flow works with plain HTML forms.
struct PageKit: Sendable {
    let renderer: PageRenderer
    let markets: any MarketRepository
    /// Where the visitor's inbox is kept, for the unread count in the header.
    let inbox: any ReleaseRepository
    /// Who belongs to a partner, for the header's link to the partner portal.
    let partners: any PartnerRepository
    static let guestCartCookie = "millet_cart"
    /// A known device of the accounts logged in from this browser (``KnownDevice``).
    static let deviceCookie = "millet_device"

    func chrome(_ request: Request, _ context: MilletRequestContext) async throws -> PageChrome {
        let markets = try await markets.markets()
        let unread = try await context.account.asyncMap { try await inbox.inbox(accountId: $0.id, limit: 0).unread }
        // Staff accounts are never partners' members.
        let member = try await context.account.asyncMap { $0.role.isStaff ? false : try await partners.member(accountId: $0.id) != nil }
        return PageChrome(
            preferences: Preferences(request: request, marketCodes: markets.map(\.code)), markets: markets,
            account: context.account, path: request.uri.path, unread: unread ?? 0, csrf: context.csrfToken ?? "", partnerMember: member ?? false)
    }

    /// Renders `template` inside the layout.
    func page(_ template: String, _ data: [String: Any], chrome: PageChrome, status: HTTPResponse.Status = .ok) -> Response {
        renderer.page(template, data, chrome: chrome, status: status)
    }

    /// The strings of a language, English filling any gap.
    func strings(_ language: String) -> [String: String] {
        renderer.strings(language)
    }

    /// The visitor's cart owner; guests get a cookie token the first time they add something.
    static func cartOwner(_ request: Request, _ context: MilletRequestContext) -> (owner: CartOwner, newGuestToken: String?) {
        if let account = context.account { return (.account(account.id), nil) }
        if let token = request.cookies[Self.guestCartCookie]?.value, Identifier.isWellFormed(token) { return (.guest(token), nil) }
        let token = Identifier.make()
        return (.guest(token), token)
    }

    static func cookie(_ name: String, _ value: String, maxAge: Int = 365 * 24 * 3600) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", httpOnly: true, sameSite: .lax)
    }

    /// A local path to go back to, never another site. Browsers drop tabs and line breaks from
    /// a URL, so `/\t/evil.example` would become `//evil.example`: any white space or control
    /// character makes the path refused, like `//` and `\`.
    static func safeNext(_ value: String?) -> String {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//"), !value.contains("\\"),
              !value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 32 || $0.value == 127 })
        else { return "/" }
        return value
    }

    /// A whole number typed in a form field, spaces around it allowed; otherwise `invalid` on
    /// `field`, saying `problem`.
    static func wholeNumber(_ text: String, field: String, _ problem: String = "must be a whole number") throws -> Int {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else { throw DomainError.invalid(field: field, problem) }
        return number
    }

    /// An optional form field: empty means absent.
    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
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
        } catch let error as URLEncodedFormError {
            // A key the form grammar refuses: `a[1]` as a list index out of order, one key twice.
            throw DomainError.invalid(field: "form", "cannot be read: \(error.description)")
        }
    }
}

extension PageKit {
    /// A refusal in the page's language, with the rule's own words where it named one.
    static func refusal(_ error: DomainError, strings t: [String: String]) -> [String: String] {
        switch error {
        case .conflict(let code, let detail), .notEligible(let code, let detail), .rejected(let code, let detail):
            return ["text": t["error_\(code)"] ?? detail, "detail": t["error_\(code)"] == nil ? "" : detail]
        case .invalidInput(_, let fields):
            return ["text": t["error_invalid_input"] ?? "", "detail": fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")]
        case .notFound:
            return ["text": t["error_not_found"] ?? "", "detail": ""]
        case .throttled:
            return ["text": t["error_rate_limited"] ?? "", "detail": ""]
        default:
            return ["text": t["error_invalid_input"] ?? "", "detail": ""]
        }
    }
}
