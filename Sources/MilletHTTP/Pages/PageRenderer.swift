import Foundation
import Hummingbird
import MilletCore
import Mustache

/// What every page shows around its content: the visitor, the market and language switcher,
/// and the translated strings.
struct PageChrome {
    let preferences: Preferences
    let markets: [Market]
    let account: Account?
    let path: String
    /// Unread messages in the visitor's inbox.
    let unread: Int
    /// The token every form of the page carries (``FormGuardMiddleware``).
    var csrf: String = ""
    /// The visitor belongs to a partner: the header links to the partner portal.
    var partnerMember = false

    var market: Market { markets.first { $0.code == preferences.marketCode } ?? markets[0] }
    var format: LocaleFormat { LocaleFormat(language: preferences.language, region: preferences.marketCode) }

    func money(_ minorUnits: Int64) -> String {
        format.money(minorUnits, currency: market.currency.code, minorDigits: market.currency.minorDigits)
    }
}

/// Renders the Mustache templates with translations; every page extends `layout`.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let translations: [String: [String: String]]

    init(directory: String) async throws {
        library = try await MustacheLibrary(directory: directory + "/templates")
        var translations: [String: [String: String]] = [:]
        for language in Preferences.languages {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/i18n/\(language).json"))
            translations[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        self.translations = translations
    }

    /// The strings of a language, English filling any gap.
    func strings(_ language: String) -> [String: String] {
        (translations["en"] ?? [:]).merging(translations[language] ?? [:]) { _, new in new }
    }

    /// Renders `template` inside the layout.
    func page(_ template: String, _ data: [String: Any], chrome: PageChrome, status: HTTPResponse.Status = .ok) -> Response {
        var values = data
        let strings = strings(chrome.preferences.language)
        values["t"] = strings
        values["lang"] = chrome.preferences.language
        values["account"] = chrome.account.map { account -> [String: Any] in
            var values: [String: Any] = [
                "name": account.displayName, "isStaff": account.role.isStaff, "canModerate": account.role.canModerate, "isAdmin": account.role == .admin,
                "isPartner": chrome.partnerMember,
            ]
            if chrome.unread > 0 { values["unread"] = chrome.unread }
            return values
        }
        values["currentMarket"] = ["code": chrome.market.code, "name": chrome.market.name, "currency": chrome.market.currency.code]
        values["markets"] = chrome.markets.map { ["code": $0.code, "name": $0.name, "selected": $0.code == chrome.market.code] as [String: Any] }
        values["languages"] = Preferences.languages.map {
            ["code": $0, "name": strings["language_\($0)"] ?? $0, "selected": $0 == chrome.preferences.language] as [String: Any]
        }
        values["path"] = chrome.path
        values["csrf"] = chrome.csrf
        return html(library.render(values, withTemplate: template) ?? "template \(template) missing", status: status, language: chrome.preferences.language)
    }

    /// Where a visitor sent to log in comes back to: the page asked for; for a form sent, the page
    /// it was on (its `Referer`: the reserve button of `/sales/{id}` brings her back there), or the
    /// home page, never the address the form posts to.
    static func pageToReturnTo(_ request: Request) -> String {
        if request.method == .get || request.method == .head { return PageKit.safeNext(request.uri.path) }
        // (``FormGuardMiddleware`` refused a form from another site; only the path is used, kept local.)
        if let referer = request.headers[.referer].flatMap(URL.init(string:)), !referer.path.isEmpty, referer.path != request.uri.path {
            return PageKit.safeNext(referer.path)
        }
        return "/"
    }

    /// The error page for a refused or failed page request.
    func errorPage(_ error: APIError, request: Request, context: MilletRequestContext) throws -> Response {
        let preferences = Preferences(request: request, marketCodes: DemoMarkets.all.map(\.code))
        let strings = strings(preferences.language)
        if error.status == .unauthorized {
            let next = Self.pageToReturnTo(request).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
            return Response(status: .seeOther, headers: [.location: "/login?next=" + next])
        }
        let values: [String: Any] = [
            "t": strings, "lang": preferences.language, "status": Int(error.status.code),
            "message": strings["error_\(error.code)"] ?? error.message,
            "fields": error.fields.sorted { $0.key < $1.key }.map { ["field": $0.key, "problem": $0.value] },
        ]
        var page = html(library.render(values, withTemplate: "error") ?? error.message, status: error.status, language: preferences.language)
        // Retry-After, Allow and the like still apply.
        for field in error.headers { page.headers.append(field) }
        return page
    }

    /// A page in `language`. Pages differ by visitor (their session, market and language
    /// cookies, their Accept-Language), so caches keep them per visitor and ask again each time.
    func html(_ body: String, status: HTTPResponse.Status, language: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .contentLanguage: language, .cacheControl: "private, no-cache", .vary: "Cookie, Accept-Language"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// A redirect after a form post (303, so the browser follows with GET).
func redirect(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
}
