/// A country Millet sells in, with the rules that differ between countries.
public struct Market: Hashable, Sendable, Codable {
    /// ISO 3166-1 alpha-2 code, for example `IN`.
    public let code: String
    public let name: String
    public let currency: Currency
    /// The language pages use when the visitor has not chosen one (BCP 47, for example `zh-Hans`).
    public let defaultLanguage: String
    /// Every language the market's pages are offered in; includes ``defaultLanguage``.
    public let languages: [String]
    public let tax: TaxRule
    /// Months of statutory warranty from delivery.
    public let warrantyMonths: Int
    /// Days after delivery within which a no-reason return is accepted.
    public let returnWindowDays: Int
    /// Flat shipping charged per order, in the market currency, shown as prices are shown.
    public let flatShippingMinor: Int64
    /// Minutes a fan has to pay after placing an order before it cancels itself.
    public let paymentWindowMinutes: Int

    public init(
        code: String, name: String, currency: Currency, defaultLanguage: String, languages: [String],
        tax: TaxRule, warrantyMonths: Int, returnWindowDays: Int, flatShippingMinor: Int64,
        paymentWindowMinutes: Int = 30
    ) {
        self.code = code
        self.name = name
        self.currency = currency
        self.defaultLanguage = defaultLanguage
        self.languages = languages
        self.tax = tax
        self.warrantyMonths = warrantyMonths
        self.returnWindowDays = returnWindowDays
        self.flatShippingMinor = flatShippingMinor
        self.paymentWindowMinutes = paymentWindowMinutes
    }

    /// An amount in this market's currency.
    public func money(_ minorUnits: Int64) -> Money {
        Money(minorUnits: minorUnits, currency: currency.code)
    }
}
