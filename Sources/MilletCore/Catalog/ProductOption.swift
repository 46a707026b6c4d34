import Foundation

/// One way a buyer makes a unit their own, such as the back cover's colour, an engraving or a
/// bundle. A configured unit is built to order in the next batch of its SKU.
public struct ProductOption: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// One of a list of choices (a cover, a bundle).
        case choice
        /// Text the buyer types within rules (an engraving).
        case text
    }

    /// Stable name in lower case, digits and `-`, for example `back-cover`.
    public let code: String
    public let kind: Kind
    /// The label per language; English is required.
    public let names: [String: String]
    /// Whether every configured unit must have it; a choice option that is required always has a choice.
    public let required: Bool
    /// The choices of a ``Kind/choice`` option.
    public let choices: [OptionChoice]
    /// The rules of a ``Kind/text`` option.
    public let text: TextRule?
    /// What a ``Kind/text`` option costs and sells for per market when the buyer fills it in.
    public let prices: [OptionPrice]

    public init(code: String, kind: Kind, names: [String: String], required: Bool, choices: [OptionChoice] = [], text: TextRule? = nil,
                prices: [OptionPrice] = []) {
        self.code = code
        self.kind = kind
        self.names = names
        self.required = required
        self.choices = choices
        self.text = text
        self.prices = prices
    }

    /// The label in `language`, else English.
    public func name(in language: String) -> String { names[language] ?? names["en"] ?? code }

    private enum CodingKeys: String, CodingKey { case code, kind, names, required, choices, text, prices }

    /// Reads a definition where `required`, `choices`, `text` and `prices` may be left out.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(code: try values.decode(String.self, forKey: .code), kind: try values.decode(Kind.self, forKey: .kind),
                  names: try values.decode([String: String].self, forKey: .names),
                  required: try values.decodeIfPresent(Bool.self, forKey: .required) ?? false,
                  choices: try values.decodeIfPresent([OptionChoice].self, forKey: .choices) ?? [],
                  text: try values.decodeIfPresent(TextRule.self, forKey: .text),
                  prices: try values.decodeIfPresent([OptionPrice].self, forKey: .prices) ?? [])
    }
}

/// One choice of an option, with how it looks in the preview and its price per market.
public struct OptionChoice: Hashable, Sendable, Codable {
    public let code: String
    public let names: [String: String]
    /// The colour the preview paints it, `#rrggbb`, for a cover.
    public let swatch: String?
    /// Where it is sold: a market missing here cannot have it.
    public let prices: [OptionPrice]

    public init(code: String, names: [String: String], swatch: String? = nil, prices: [OptionPrice]) {
        self.code = code
        self.names = names
        self.swatch = swatch
        self.prices = prices
    }

    public func name(in language: String) -> String { names[language] ?? names["en"] ?? code }
}

/// What an option adds to a unit's price in one market and what it costs the brand, held to the
/// same margin cap as the unit (``PricingPolicy``). A price of 0 is a choice included in the price.
public struct OptionPrice: Hashable, Sendable, Codable {
    public let marketCode: String
    public let price: Int64
    public let cost: CostBasis

    public init(marketCode: String, price: Int64, cost: CostBasis) {
        self.marketCode = marketCode
        self.price = price
        self.cost = cost
    }
}

/// What a text option accepts: up to `maxLength` characters of letters (any script), digits,
/// single spaces and `. , ' & ! ? -`, and none of `blockedWords` (any case).
public struct TextRule: Hashable, Sendable, Codable {
    public let maxLength: Int
    public let blockedWords: [String]

    public init(maxLength: Int, blockedWords: [String] = []) {
        self.maxLength = maxLength
        self.blockedWords = blockedWords
    }

    /// Punctuation an engraving may have besides letters, digits and spaces.
    public static let punctuation = Set(".,'&!?-")

    /// The text trimmed, or `invalid` on `field` saying which rule it breaks.
    public func accept(_ text: String, field: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw DomainError.invalid(field: field, "is empty") }
        guard trimmed.count <= maxLength else { throw DomainError.invalid(field: field, "at most \(maxLength) characters") }
        guard trimmed.allSatisfy({ ($0.isLetter || $0.isNumber || $0 == " " || Self.punctuation.contains($0)) && !$0.unicodeScalars.contains(where: \.properties.isEmojiPresentation) })
        else { throw DomainError.invalid(field: field, "letters, digits, spaces and . , ' & ! ? - only") }
        guard !trimmed.contains("  ") else { throw DomainError.invalid(field: field, "one space between words") }
        let words = trimmed.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        if let word = blockedWords.first(where: { words.contains($0.lowercased()) }) {
            throw DomainError.invalid(field: field, "the word \"\(word)\" cannot be engraved")
        }
        return trimmed
    }
}
