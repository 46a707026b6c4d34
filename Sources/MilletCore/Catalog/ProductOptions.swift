import Foundation

/// The options a product is made to, and the rules that check a definition (staff) and a
/// buyer's choices (a pre-order).
public struct ProductOptions: Hashable, Sendable {
    public let productId: String
    public let options: [ProductOption]

    public init(productId: String, options: [ProductOption]) {
        self.productId = productId
        self.options = options
    }

    /// Whether buyers have anything to choose.
    public var isEmpty: Bool { options.isEmpty }

    /// The options as a market may buy them: choices not sold there left out, and options with
    /// nothing left (or a text option not sold there) dropped.
    public func offered(in marketCode: String) -> [ProductOption] {
        options.compactMap { option in
            switch option.kind {
            case .choice:
                let sold = option.choices.filter { $0.prices.contains { $0.marketCode == marketCode } }
                return sold.isEmpty ? nil : ProductOption(code: option.code, kind: .choice, names: option.names, required: option.required, choices: sold)
            case .text:
                return option.prices.contains { $0.marketCode == marketCode } ? option : nil
            }
        }
    }

    /// Refuses a malformed definition (`invalid` naming the field) or a price above the margin cap
    /// in its market (`conflict(margin_cap_exceeded)` naming the option): every priced option is
    /// held to the rule the unit's own price is.
    public func validate(markets: [Market], pricing: PricingPolicy) throws {
        var check = Validator()
        let languages = Set(markets.flatMap(\.languages) + ["en"])
        check.require(options.count <= 10, "options", "at most 10 options")
        check.require(Set(options.map(\.code)).count == options.count, "options", "each option needs its own code")
        for (index, option) in options.enumerated() {
            let field = "options[\(index)]"
            Self.checkCode(option.code, "\(field).code", &check)
            Self.checkNames(option.names, "\(field).names", languages, &check)
            switch option.kind {
            case .choice:
                check.require((1...20).contains(option.choices.count), "\(field).choices", "a choice option has 1 to 20 choices")
                check.require(Set(option.choices.map(\.code)).count == option.choices.count, "\(field).choices", "each choice needs its own code")
                check.require(option.text == nil && option.prices.isEmpty, "\(field).text", "a choice option is priced per choice and takes no text rule")
                for (number, choice) in option.choices.enumerated() {
                    Self.checkCode(choice.code, "\(field).choices[\(number)].code", &check)
                    Self.checkNames(choice.names, "\(field).choices[\(number)].names", languages, &check)
                    check.require(choice.swatch.map(Self.isSwatch) ?? true, "\(field).choices[\(number)].swatch", "a colour such as #1f2937")
                    Self.checkPrices(choice.prices, "\(field).choices[\(number)].prices", markets, &check)
                }
            case .text:
                check.require(option.choices.isEmpty, "\(field).choices", "a text option has no choices")
                check.require(option.text.map { (1...40).contains($0.maxLength) } ?? false, "\(field).text.maxLength", "a text option allows 1 to 40 characters")
                check.require(option.text.map { $0.blockedWords.count <= 200 && $0.blockedWords.allSatisfy(Self.isWord) } ?? true,
                              "\(field).text.blockedWords", "at most 200 words, each 1 to 40 letters or digits")
                Self.checkPrices(option.prices, "\(field).prices", markets, &check)
            }
        }
        try check.check()
        for option in options {
            for (label, prices) in [(option.code, option.prices)] + option.choices.map({ ("\(option.code)/\($0.code)", $0.prices) }) {
                for price in prices where price.price > 0 {
                    guard let market = markets.first(where: { $0.code == price.marketCode }) else { continue }
                    do {
                        try pricing.check(SKUPrice(skuId: productId, marketCode: market.code, shelfPrice: price.price, cost: price.cost), tax: market.tax)
                    } catch DomainError.conflict(let code, let message) {
                        throw DomainError.conflict(code: code, message: "\(label) in \(market.code): \(message)")
                    }
                }
            }
        }
    }

    /// The buyer's choices (option code to choice code or text) checked in a market, in the
    /// options' order, named in `language` (the market's, so a batch's orders and build list
    /// read alike): `invalid` on `options.<code>` for an unknown option or choice, a required
    /// option left out, text outside its rules, or a choice not sold there.
    public func configure(_ selection: [String: String], marketCode: String, language: String) throws -> [ChosenOption] {
        do {
            return try choose(selection, marketCode: marketCode, language: language)
        } catch let refusal as OptionRefusal {
            throw refusal.domainError
        }
    }

    /// ``configure(_:marketCode:language:)`` refusing with the ``OptionRefusal`` a page words in
    /// the buyer's language.
    public func choose(_ selection: [String: String], marketCode: String, language: String) throws -> [ChosenOption] {
        if let unknown = selection.keys.sorted().first(where: { code in !options.contains { $0.code == code } }) {
            throw OptionRefusal(option: unknown, reason: .unknownOption)
        }
        var chosen: [ChosenOption] = []
        let offered = offered(in: marketCode)
        for option in options {
            let value = selection[option.code]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !value.isEmpty else {
                // Required where it is sold: a market without it takes the unit without it.
                if option.required && offered.contains(where: { $0.code == option.code }) { throw OptionRefusal(option: option.code, reason: .required) }
                continue
            }
            switch option.kind {
            case .choice:
                guard let choice = option.choices.first(where: { $0.code == value }) else { throw OptionRefusal(option: option.code, reason: .unknownChoice) }
                guard let price = choice.prices.first(where: { $0.marketCode == marketCode }) else {
                    throw OptionRefusal(option: option.code, reason: .notSold, detail: marketCode)
                }
                chosen.append(ChosenOption(option: option.code, name: option.name(in: language), value: choice.code, label: choice.name(in: language),
                                           price: price.price, cost: price.cost))
            case .text:
                let text = try (option.text ?? TextRule(maxLength: 0)).accept(value, option: option.code)
                guard let price = option.prices.first(where: { $0.marketCode == marketCode }) else {
                    throw OptionRefusal(option: option.code, reason: .notSold, detail: marketCode)
                }
                chosen.append(ChosenOption(option: option.code, name: option.name(in: language), value: text, label: "“\(text)”",
                                           price: price.price, cost: price.cost))
            }
        }
        return chosen
    }

    /// How a chosen option reads in `language`: its name and choice from this definition, or as
    /// stored when the definition no longer has them.
    public func wording(of chosen: ChosenOption, in language: String) -> (name: String, label: String) {
        guard let option = options.first(where: { $0.code == chosen.option }) else { return (chosen.name, chosen.label) }
        switch option.kind {
        case .choice: return (option.name(in: language), option.choices.first { $0.code == chosen.value }?.name(in: language) ?? chosen.label)
        case .text: return (option.name(in: language), chosen.label)
        }
    }

    private static func checkCode(_ code: String, _ field: String, _ check: inout Validator) {
        // A letter first: a form field `options[1]` would read as a list index.
        check.require((1...32).contains(code.count) && code.unicodeScalars.first.map { ("a"..."z").contains($0) } == true
                      && code.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" },
                      field, "1 to 32 of a-z, 0-9 and -, starting with a letter")
    }

    private static func checkNames(_ names: [String: String], _ field: String, _ languages: Set<String>, _ check: inout Validator) {
        check.require(names["en"] != nil, field, "an English name is required")
        for (language, name) in names {
            check.require(languages.contains(language), field, "\(language) is not a language of the store (\(languages.sorted().joined(separator: ", ")))")
            check.requireLength(name.trimmed, 1...60, "\(field).\(language)", "1 to 60 characters")
            check.requireSingleLine(name, "\(field).\(language)")
        }
    }

    private static func checkPrices(_ prices: [OptionPrice], _ field: String, _ markets: [Market], _ check: inout Validator) {
        check.require(Set(prices.map(\.marketCode)).count == prices.count, field, "one price per market")
        for price in prices {
            let at = "\(field).\(price.marketCode)"
            check.require(markets.contains { $0.code == price.marketCode }, at, "unknown market")
            check.require((0..<(1 << 40)).contains(price.price), "\(at).price", "0 or more minor units")
            for (part, amount) in [("billOfMaterials", price.cost.billOfMaterials), ("logistics", price.cost.logistics), ("duty", price.cost.duty)] {
                check.require((0..<(1 << 40)).contains(amount), "\(at).\(part)", "0 or more minor units")
            }
        }
    }

    private static func isSwatch(_ text: String) -> Bool {
        text.unicodeScalars.count == 7 && text.first == "#" && text.unicodeScalars.dropFirst().allSatisfy { $0.isASCII && Character($0).isHexDigit }
    }

    private static func isWord(_ text: String) -> Bool {
        (1...40).contains(text.count) && text.allSatisfy { $0.isLetter || $0.isNumber }
    }
}

/// One option as a buyer chose it for a unit, named in the order's language, with its price and
/// cost at the time: it goes on the pre-order, its orders, the batch's build list and the unit's
/// warranty record.
public struct ChosenOption: Hashable, Sendable, Codable {
    /// The option's code.
    public let option: String
    /// The option's name, for example "Back cover".
    public let name: String
    /// The choice's code, or the text typed.
    public let value: String
    /// The choice's name, or the text typed in quotes.
    public let label: String
    public let price: Int64
    public let cost: CostBasis

    public init(option: String, name: String, value: String, label: String, price: Int64, cost: CostBasis) {
        self.option = option
        self.name = name
        self.value = value
        self.label = label
        self.price = price
        self.cost = cost
    }
}

extension ChosenOption {
    /// Whether it is typed text (an engraving) rather than a choice.
    public var isText: Bool { label == "“\(value)”" }
}

extension [ChosenOption] {
    /// What the options add to the unit's price.
    public var price: Int64 { reduce(0) { $0 + $1.price } }

    /// "Back cover: Walnut; Engraving: “Ana”", or "" with none.
    public var summary: String { map { "\($0.name): \($0.label)" }.joined(separator: "; ") }
}

extension SKUPrice {
    /// The price and cost of a unit made with these options.
    public func adding(_ options: [ChosenOption]) -> SKUPrice {
        let cost = options.reduce(self.cost) {
            CostBasis(billOfMaterials: $0.billOfMaterials + $1.cost.billOfMaterials, logistics: $0.logistics + $1.cost.logistics, duty: $0.duty + $1.cost.duty)
        }
        return SKUPrice(skuId: skuId, marketCode: marketCode, shelfPrice: shelfPrice + options.price, cost: cost)
    }
}
