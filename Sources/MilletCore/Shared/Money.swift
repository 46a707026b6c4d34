/// An ISO 4217 currency and how many digits its minor unit has.
public struct Currency: Hashable, Sendable, Codable {
    /// Three-letter ISO 4217 code, for example `INR`.
    public let code: String
    /// Digits after the decimal point: 2 for INR, 0 for IDR.
    public let minorDigits: Int

    public init(code: String, minorDigits: Int) {
        self.code = code
        self.minorDigits = minorDigits
    }

    /// The currencies Millet knows, by code.
    public static let known: [String: Currency] = [
        "CNY": Currency(code: "CNY", minorDigits: 2),
        "INR": Currency(code: "INR", minorDigits: 2),
        "EUR": Currency(code: "EUR", minorDigits: 2),
        "GBP": Currency(code: "GBP", minorDigits: 2),
        "IDR": Currency(code: "IDR", minorDigits: 0),
        "USD": Currency(code: "USD", minorDigits: 2),
        "JPY": Currency(code: "JPY", minorDigits: 0),
    ]

    /// Looks a currency up by code.
    public static func named(_ code: String) throws -> Currency {
        guard let currency = known[code] else {
            throw DomainError.invalid(field: "currency", "unknown currency \(code)")
        }
        return currency
    }
}

/// An amount of money: an integer count of minor units and its currency. Never a `Double`.
///
/// ```swift
/// let price = Money(minorUnits: 1_499_900, currency: "INR")   // ₹14,999.00
/// ```
public struct Money: Hashable, Sendable, Codable {
    public let minorUnits: Int64
    public let currency: String

    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Adds two amounts of the same currency; refuses mixed currencies and overflow.
    public static func + (lhs: Money, rhs: Money) throws -> Money {
        guard lhs.currency == rhs.currency else {
            throw DomainError.conflict(code: "currency_mismatch", message: "cannot add \(lhs.currency) to \(rhs.currency)")
        }
        let (sum, overflow) = lhs.minorUnits.addingReportingOverflow(rhs.minorUnits)
        guard !overflow else { throw DomainError.invalid(field: "amount", "too large") }
        return Money(minorUnits: sum, currency: lhs.currency)
    }

    /// Multiplies by a quantity; refuses overflow.
    public func times(_ quantity: Int) throws -> Money {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: Int64(quantity))
        guard !overflow else { throw DomainError.invalid(field: "quantity", "amount too large") }
        return Money(minorUnits: product, currency: currency)
    }
}

/// Integer arithmetic with half-up rounding, used for tax and margins.
public enum MinorUnitMath {
    /// `value * numerator / denominator`, rounded half away from zero, without overflow for
    /// prices of realistic size (values below 2^40 minor units).
    public static func scale(_ value: Int64, by numerator: Int64, over denominator: Int64) -> Int64 {
        precondition(denominator > 0)
        let product = value * numerator
        let half = denominator / 2
        return product >= 0 ? (product + half) / denominator : -((-product + half) / denominator)
    }

    /// The amount as a plain decimal: `12345` with 2 digits is `123.45`, with 0 digits `12345`.
    public static func decimal(_ minor: Int64, digits: Int) -> String {
        guard digits > 0 else { return String(minor) }
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let sign = minor < 0 ? "-" : "", magnitude = minor.magnitude
        let fraction = String(magnitude % scale)
        return "\(sign)\(magnitude / scale).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }
}

extension Money {
    /// The amount as `INR 499.00` (`IDR 1500000`), for timelines and logs, where no locale applies.
    public var plain: String {
        "\(currency) \(MinorUnitMath.decimal(minorUnits, digits: Currency.known[currency]?.minorDigits ?? 2))"
    }
}

extension Currency {
    /// Minor units of an amount typed by a person: `499`, `499.5` or `499.50` (a dot, at most
    /// ``minorDigits`` decimals, no sign). Throws `invalid_input` on `field` otherwise.
    ///
    /// ```swift
    /// try Currency(code: "INR", minorDigits: 2).minorUnits(parsing: "10.5", field: "amount")   // 1050
    /// ```
    public func minorUnits(parsing text: String, field: String) throws -> Int64 {
        let parts = text.trimmed.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts.first.map(String.init) ?? ""
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard parts.count <= 2, (1...15).contains(whole.count), whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber),
              fraction.count <= minorDigits, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty,
              let units = Int64(whole + fraction + String(repeating: "0", count: minorDigits - fraction.count))
        else { throw DomainError.invalid(field: field, "must be an amount such as 12\(minorDigits > 0 ? "." + String(repeating: "5", count: minorDigits) : "")") }
        return units
    }
}
