import MilletCore
import SQLKit

extension SQLStore: MarketRepository {
    public func markets() async throws -> [Market] {
        try await read { db in
            try await db.raw("SELECT * FROM markets ORDER BY code").all().map(Self.market(from:))
        }
    }

    public func market(code: String) async throws -> Market? {
        try await read { db in
            try await db.raw("SELECT * FROM markets WHERE code = \(bind: code)").first().map(Self.market(from:))
        }
    }

    public func save(_ market: Market) async throws {
        try await read { db in
            try await db.raw("""
                INSERT INTO markets (code, name, currency, minor_digits, default_language, languages, tax_bp,
                    prices_include_tax, warranty_months, return_days, shipping_minor, payment_window_minutes)
                VALUES (\(bind: market.code), \(bind: market.name), \(bind: market.currency.code),
                    \(bind: Int64(market.currency.minorDigits)), \(bind: market.defaultLanguage),
                    \(bind: market.languages.joined(separator: ",")), \(bind: Int64(market.tax.rateBasisPoints)),
                    \(bind: Int64(market.tax.pricesIncludeTax ? 1 : 0)), \(bind: Int64(market.warrantyMonths)),
                    \(bind: Int64(market.returnWindowDays)), \(bind: market.flatShippingMinor),
                    \(bind: Int64(market.paymentWindowMinutes)))
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, currency = excluded.currency,
                    minor_digits = excluded.minor_digits, default_language = excluded.default_language,
                    languages = excluded.languages, tax_bp = excluded.tax_bp,
                    prices_include_tax = excluded.prices_include_tax, warranty_months = excluded.warranty_months,
                    return_days = excluded.return_days, shipping_minor = excluded.shipping_minor,
                    payment_window_minutes = excluded.payment_window_minutes
                """).run()
        }
    }

    static func market(from row: any SQLRow) throws -> Market {
        Market(
            code: try row.string("code"), name: try row.string("name"),
            currency: Currency(code: try row.string("currency"), minorDigits: Int(try row.int("minor_digits"))),
            defaultLanguage: try row.string("default_language"),
            languages: try row.string("languages").split(separator: ",").map(String.init),
            tax: TaxRule(rateBasisPoints: Int(try row.int("tax_bp")), pricesIncludeTax: try row.bool("prices_include_tax")),
            warrantyMonths: Int(try row.int("warranty_months")), returnWindowDays: Int(try row.int("return_days")),
            flatShippingMinor: try row.int("shipping_minor"),
            paymentWindowMinutes: Int(try row.int("payment_window_minutes")))
    }
}
