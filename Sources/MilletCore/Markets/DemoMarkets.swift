/// The five markets the demo data opens with.
public enum DemoMarkets {
    public static let china = Market(
        code: "CN", name: "China", currency: Currency(code: "CNY", minorDigits: 2),
        defaultLanguage: "zh-Hans", languages: ["zh-Hans"],
        tax: TaxRule(rateBasisPoints: 1300, pricesIncludeTax: true),
        warrantyMonths: 12, returnWindowDays: 7, flatShippingMinor: 0
    )
    public static let india = Market(
        code: "IN", name: "India", currency: Currency(code: "INR", minorDigits: 2),
        defaultLanguage: "en", languages: ["en", "hi"],
        tax: TaxRule(rateBasisPoints: 1800, pricesIncludeTax: true),
        warrantyMonths: 12, returnWindowDays: 7, flatShippingMinor: 4_900
    )
    public static let spain = Market(
        code: "ES", name: "España", currency: Currency(code: "EUR", minorDigits: 2),
        defaultLanguage: "es", languages: ["es"],
        tax: TaxRule(rateBasisPoints: 2100, pricesIncludeTax: true),
        warrantyMonths: 36, returnWindowDays: 14, flatShippingMinor: 499
    )
    public static let unitedKingdom = Market(
        code: "GB", name: "United Kingdom", currency: Currency(code: "GBP", minorDigits: 2),
        defaultLanguage: "en", languages: ["en"],
        tax: TaxRule(rateBasisPoints: 2000, pricesIncludeTax: true),
        warrantyMonths: 12, returnWindowDays: 14, flatShippingMinor: 399
    )
    public static let indonesia = Market(
        code: "ID", name: "Indonesia", currency: Currency(code: "IDR", minorDigits: 0),
        defaultLanguage: "id", languages: ["id"],
        tax: TaxRule(rateBasisPoints: 1100, pricesIncludeTax: true),
        warrantyMonths: 12, returnWindowDays: 7, flatShippingMinor: 15_000
    )

    /// All demo markets, in the order the switcher shows them.
    public static let all = [china, india, spain, unitedKingdom, indonesia]

    /// A standard and an express method per market; standard costs what the market's flat
    /// shipping costs (the price flash-sale orders carry) and is free over a threshold.
    public static func shippingMethods() throws -> [ShippingMethod] {
        typealias Row = (Market, code: String, names: [String: String], rate: ShippingRate, freeOver: Int64?, days: ClosedRange<Int>)
        let rows: [Row] = [
            (china, "standard", ["zh-Hans": "标准配送"], .flat(china.flatShippingMinor), nil, 2...4),
            (china, "express", ["zh-Hans": "次日达"], .flat(1_500), nil, 1...1),
            (india, "standard", ["en": "Standard delivery", "hi": "सामान्य डिलीवरी"], .flat(india.flatShippingMinor), 99_900, 3...7),
            (india, "express", ["en": "Express delivery", "hi": "एक्सप्रेस डिलीवरी"], .byWeight(firstKg: 9_900, perExtraKg: 4_900), nil, 1...2),
            (spain, "standard", ["es": "Envío estándar"], .flat(spain.flatShippingMinor), 5_000, 2...4),
            (spain, "express", ["es": "Envío urgente 24 h"], .byWeight(firstKg: 899, perExtraKg: 300), nil, 1...1),
            (unitedKingdom, "standard", ["en": "Standard delivery"], .flat(unitedKingdom.flatShippingMinor), 4_000, 3...5),
            (unitedKingdom, "express", ["en": "Next working day"], .flat(799), nil, 1...1),
            (indonesia, "standard", ["id": "Pengiriman reguler"], .flat(indonesia.flatShippingMinor), 500_000, 3...6),
            (indonesia, "express", ["id": "Pengiriman kilat"], .byWeight(firstKg: 25_000, perExtraKg: 10_000), nil, 1...2),
        ]
        return try rows.enumerated().map { index, row in
            try ShippingMethod(
                market: row.0, code: row.code, names: row.names, rate: row.rate, freeOver: row.freeOver,
                minDays: row.days.lowerBound, maxDays: row.days.upperBound, position: index % 2, active: true)
        }
    }
}
