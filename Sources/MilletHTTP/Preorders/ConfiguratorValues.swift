import Foundation
import MilletCore

/// The values the pre-order page shows a product made to the buyer's choice with: each option
/// sold in the market with its price and what it costs, the choices made so far (the first
/// choice of a required option by default), the unit's price with them, and the live preview.
struct ConfiguratorValues {
    let options: [ProductOption]
    let selection: [String: String]
    let chrome: PageChrome
    let pricing: PricingPolicy
    /// The preview's colour with no cover chosen: the variant's own.
    let standardSwatch: String
    /// The option refused, with the refusal in the reader's words, shown beside it.
    let refusal: (option: String, text: String)?

    /// The engraving's colour on a cover: light on a dark one, dark on a light one (as the
    /// preview script picks it).
    static func ink(on swatch: String) -> String {
        let digits = swatch.dropFirst().map { Int(String($0), radix: 16) ?? 0 }
        guard digits.count == 6 else { return "#f8fafc" }
        let (r, g, b) = (digits[0] * 16 + digits[1], digits[2] * 16 + digits[3], digits[4] * 16 + digits[5])
        return (r * 299 + g * 587 + b * 114) / 1000 > 150 ? "#0f172a" : "#f8fafc"
    }

    /// The engraving's size in the preview: smaller as it grows, so it stays on the cover.
    static func fontSize(_ text: String) -> Int { max(7, 15 - max(0, text.count - 10)) }

    /// The preview colour of a variant's colour name.
    static func swatch(ofColour colour: String) -> String {
        ["black": "#1f2937", "blue": "#1e3a8a", "white": "#e2e8f0"][colour] ?? "#1f2937"
    }

    /// Template values, or `nil` when the product has no options in the market.
    func values(batch: ProductionBatch) -> [String: Any]? {
        guard !options.isEmpty else { return nil }
        let market = chrome.market, language = chrome.preferences.language
        let money = { (minor: Int64) in chrome.money(minor) }
        var added: Int64 = 0, swatch = standardSwatch, engraving = "", summary: [String] = [], costs: [[String: Any]] = []
        let rows = options.map { option -> [String: Any] in
            let typed = selection[option.code]?.trimmingCharacters(in: .whitespaces) ?? ""
            var row: [String: Any] = ["code": option.code, "name": option.name(in: language), "required": option.required,
                                      "isChoice": option.kind == .choice, "isText": option.kind == .text]
            if let refusal, refusal.option == option.code { row["error"] = refusal.text }
            if option.kind == .text, let price = option.prices.first(where: { $0.marketCode == market.code }) {
                row["maxLength"] = option.text?.maxLength ?? 0
                row["price"] = money(price.price)
                row["minor"] = price.price
                row["typed"] = typed
                if !typed.isEmpty {
                    added += price.price
                    engraving = typed
                    summary.append("\(option.name(in: language)): “\(typed)”")
                }
                costs.append(cost(label: option.name(in: language), price, market: market))
            }
            let chosen = typed.isEmpty && option.required ? option.choices.first?.code ?? "" : typed
            row["noneChecked"] = chosen.isEmpty
            row["choices"] = option.choices.compactMap { choice -> [String: Any]? in
                guard let price = choice.prices.first(where: { $0.marketCode == market.code }) else { return nil }
                let checked = choice.code == chosen
                if checked {
                    added += price.price
                    if let colour = choice.swatch { swatch = colour }
                    summary.append("\(option.name(in: language)): \(choice.name(in: language))")
                }
                costs.append(cost(label: "\(option.name(in: language)): \(choice.name(in: language))", price, market: market))
                return ["optionCode": option.code, "optionName": option.name(in: language), "code": choice.code, "name": choice.name(in: language),
                        "swatch": choice.swatch ?? "", "hasSwatch": choice.swatch != nil, "price": money(price.price), "minor": price.price,
                        "checked": checked]
            }
            return row
        }
        let unit = batch.price + added
        return [
            "options": rows, "costs": costs, "swatch": swatch, "standardSwatch": standardSwatch,
            "engravingFill": Self.ink(on: swatch), "engravingSize": Self.fontSize(engraving), "engraving": engraving, "summary": summary.joined(separator: " · "),
            "unitPrice": money(unit), "nowPrice": money(batch.isFullPayment ? unit : batch.deposit), "balancePrice": money(batch.isFullPayment ? 0 : unit - batch.deposit),
            "baseMinor": batch.price, "depositMinor": batch.deposit, "fullAttr": batch.isFullPayment ? "true" : "false",
            "currency": market.currency.code, "digits": market.currency.minorDigits, "language": language,
            "symbol": LocaleFormat.symbols[market.currency.code] ?? market.currency.code,
        ]
    }

    /// One priced choice split into cost and margin, as the unit's own price is on the product page.
    private func cost(label: String, _ price: OptionPrice, market: Market) -> [String: Any] {
        let b = pricing.breakdown(of: SKUPrice(skuId: "", marketCode: market.code, shelfPrice: price.price, cost: price.cost), tax: market.tax)
        return ["label": label, "price": chrome.money(b.price), "cost": chrome.money(price.cost.total), "tax": chrome.money(b.tax),
                "margin": chrome.money(b.margin), "marginPercent": String(format: "%.1f", Double(b.marginBasisPoints) / 100)]
    }
}
