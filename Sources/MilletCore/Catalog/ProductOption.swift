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

    /// Reads a definition where `required`, `choices`, `text` and `prices` may be left out; an
    /// unknown key (a typo such as `require`) is refused rather than dropped.
    public init(from decoder: any Decoder) throws {
        try DefinitionKeys.refuseUnknown(in: decoder, known: ["code", "kind", "names", "required", "choices", "text", "prices"])
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

    private enum CodingKeys: String, CodingKey { case code, names, swatch, prices }

    /// Reads a choice where `swatch` may be left out; an unknown key is refused.
    public init(from decoder: any Decoder) throws {
        try DefinitionKeys.refuseUnknown(in: decoder, known: ["code", "names", "swatch", "prices"])
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(code: try values.decode(String.self, forKey: .code), names: try values.decode([String: String].self, forKey: .names),
                  swatch: try values.decodeIfPresent(String.self, forKey: .swatch), prices: try values.decode([OptionPrice].self, forKey: .prices))
    }
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

    private enum CodingKeys: String, CodingKey { case marketCode, price, cost }

    /// Reads a price; an unknown key is refused.
    public init(from decoder: any Decoder) throws {
        try DefinitionKeys.refuseUnknown(in: decoder, known: ["marketCode", "price", "cost"])
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(marketCode: try values.decode(String.self, forKey: .marketCode), price: try values.decode(Int64.self, forKey: .price),
                  cost: try values.decode(CostBasis.self, forKey: .cost))
    }
}

/// What a text option accepts: up to `maxLength` characters of letters (any script, with their
/// accents and vowel signs), digits, single spaces and `. , ' & ! ? -`, and none of
/// `blockedWords` (in any case, accent or width, also spelt with punctuation inside).
public struct TextRule: Hashable, Sendable, Codable {
    public let maxLength: Int
    public let blockedWords: [String]

    public init(maxLength: Int, blockedWords: [String] = []) {
        self.maxLength = maxLength
        self.blockedWords = blockedWords
    }

    /// Reads a rule where `blockedWords` may be left out; an unknown key is refused.
    public init(from decoder: any Decoder) throws {
        try DefinitionKeys.refuseUnknown(in: decoder, known: ["maxLength", "blockedWords"])
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(maxLength: try values.decode(Int.self, forKey: .maxLength),
                  blockedWords: try values.decodeIfPresent([String].self, forKey: .blockedWords) ?? [])
    }

    /// Punctuation an engraving may have besides letters, digits and spaces.
    public static let punctuation = Set(".,'&!?-".unicodeScalars)

    /// The text as it will be engraved (compatibility forms folded: full-width letters, the
    /// ideographic space and curly apostrophes become the plain ones; trimmed), or an
    /// ``OptionRefusal`` of option `option` saying which rule it breaks.
    public func accept(_ text: String, option: String) throws -> String {
        let plain = text.replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "'")
            .precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespaces)
        guard !plain.isEmpty else { throw OptionRefusal(option: option, reason: .empty) }
        // Characters as people count them, and a cap on what they are made of.
        guard plain.count <= maxLength, plain.unicodeScalars.count <= maxLength * 4 else {
            throw OptionRefusal(option: option, reason: .tooLong, detail: String(maxLength))
        }
        var afterLetter = false
        for scalar in plain.unicodeScalars {
            let allowed: Bool
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: allowed = true
            // Accents and vowel signs belong to the letter before them.
            case .nonspacingMark, .spacingMark: allowed = afterLetter
            case .decimalNumber: allowed = true
            default: allowed = scalar == " " || Self.punctuation.contains(scalar)
            }
            let invisible = scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.isVariationSelector
            guard allowed, !invisible, scalar.isASCII || !scalar.properties.isEmoji else {
                throw OptionRefusal(option: option, reason: .characters)
            }
            afterLetter = scalar.properties.isAlphabetic
        }
        guard !plain.contains("  ") else { throw OptionRefusal(option: option, reason: .spaces) }
        if let word = blockedWords.first(where: { contains(plain, blocked: $0) }) { throw OptionRefusal(option: option, reason: .blockedWord, detail: word) }
        return plain
    }

    /// Whether `text` has `word`: as a word (punctuation inside it ignored) for words of Latin
    /// letters, anywhere in the text for words of scripts written without spaces.
    private func contains(_ text: String, blocked word: String) -> Bool {
        let fold = { (value: String) in
            value.precomposedStringWithCompatibilityMapping.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        }
        let blocked = fold(word)
        guard !blocked.isEmpty else { return false }
        let words = fold(text).split(separator: " ").map { $0.filter { $0.isLetter || $0.isNumber } }
        if blocked.unicodeScalars.allSatisfy(\.isASCII) { return words.contains(blocked) }
        return words.joined().contains(blocked)
    }
}

/// Why a buyer's choice of an option is refused, for the page to say in the buyer's language next
/// to the option; the API answers it as `invalid` on `options.<code>` (``domainError``).
public struct OptionRefusal: Error, Hashable, Sendable {
    public enum Reason: String, Sendable {
        case unknownOption = "unknown_option", required, unknownChoice = "unknown_choice", notSold = "not_sold"
        case empty, tooLong = "too_long", characters, spaces, blockedWord = "blocked_word"
    }

    /// The option's code.
    public let option: String
    public let reason: Reason
    /// The longest text, the market or the refused word, as the reason needs.
    public let detail: String

    public init(option: String, reason: Reason, detail: String = "") {
        self.option = option
        self.reason = reason
        self.detail = detail
    }

    /// The refusal in English.
    public var message: String {
        switch reason {
        case .unknownOption: "this product has no such option"
        case .required: "is required"
        case .unknownChoice: "no such choice"
        case .notSold: "not sold in \(detail)"
        case .empty: "is empty"
        case .tooLong: "at most \(detail) characters"
        case .characters: "letters, digits, spaces and . , ' & ! ? - only"
        case .spaces: "one space between words"
        case .blockedWord: "the word \"\(detail)\" cannot be engraved"
        }
    }

    /// `invalid` on `options.<code>`.
    public var domainError: DomainError { .invalid(field: "options.\(option)", message) }
}

/// Keys of an option definition as staff type it: one that is not known is a mistake to point at.
enum DefinitionKeys: CodingKey {
    case key(String)

    init?(stringValue: String) { self = .key(stringValue) }
    init?(intValue: Int) { nil }
    var stringValue: String { if case .key(let name) = self { name } else { "" } }
    var intValue: Int? { nil }

    static func refuseUnknown(in decoder: any Decoder, known: Set<String>) throws {
        let values = try decoder.container(keyedBy: DefinitionKeys.self)
        if let unknown = values.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(forKey: unknown, in: values,
                                                   debugDescription: "unknown key \(unknown.stringValue) (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}
