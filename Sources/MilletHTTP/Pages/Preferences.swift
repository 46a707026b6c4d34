import Hummingbird
import MilletCore

/// The market and language a page is shown in: a choice the visitor saved (cookies) wins;
/// before any choice, the browser's Accept-Language decides.
struct Preferences: Sendable {
    static let languages = ["en", "zh-Hans", "hi", "es", "id"]
    static let marketCookie = "millet_market"
    static let languageCookie = "millet_lang"

    let marketCode: String
    let language: String

    init(request: Request, marketCodes: [String]) {
        let accepted = Self.acceptedLanguages(request.headers[.acceptLanguage] ?? "")
        let saved = request.cookies[Self.languageCookie]?.value
        let language = saved.flatMap { Self.languages.contains($0) ? $0 : nil } ?? accepted.first?.language ?? "en"
        let savedMarket = request.cookies[Self.marketCookie]?.value.uppercased()
        let guessed = accepted.lazy.compactMap { Self.market(for: $0) }.first { marketCodes.contains($0) }
        self.language = language
        self.marketCode = savedMarket.flatMap { marketCodes.contains($0) ? $0 : nil } ?? guessed ?? marketCodes.first ?? "GB"
    }

    /// Supported languages in the order of the header's q-values, with the region each named.
    static func acceptedLanguages(_ header: String) -> [(language: String, region: String?)] {
        let entries = header.split(separator: ",").compactMap { part -> (String, String?, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { return nil }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let subtags = tag.split(separator: "-").map(String.init)
            let primary = subtags[0].lowercased()
            let region = subtags.dropFirst().first { $0.count == 2 }?.uppercased()
            let language: String? = switch primary {
            case "zh": "zh-Hans"
            case "en", "hi", "es", "id": primary
            default: nil
            }
            return language.map { ($0, region, q) }
        }
        return entries.sorted { $0.2 > $1.2 }.map { ($0.0, $0.1) }
    }

    static func market(for accepted: (language: String, region: String?)) -> String? {
        if let region = accepted.region, ["CN", "IN", "ES", "GB", "ID"].contains(region) { return region }
        return ["zh-Hans": "CN", "hi": "IN", "es": "ES", "id": "ID", "en": "GB"][accepted.language]
    }
}
