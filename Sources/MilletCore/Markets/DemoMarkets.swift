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
}
