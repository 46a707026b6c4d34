import Foundation

/// How a shipping method is priced: one price per order, or by the parcel's weight (a price for
/// the first kilogram and one for each further kilogram begun).
public enum ShippingRate: Hashable, Sendable, Codable {
    case flat(Int64)
    case byWeight(firstKg: Int64, perExtraKg: Int64)

    /// The price of a parcel weighing `grams`.
    public func price(weightGrams grams: Int) -> Int64 {
        switch self {
        case .flat(let amount): return amount
        case .byWeight(let first, let extra):
            let kilograms = max(1, (grams + 999) / 1000)
            return first + extra * Int64(kilograms - 1)
        }
    }
}

/// A way a market's orders travel to the door (standard, express), with its price, the order
/// value from which it is free, and how many working days it takes.
public struct ShippingMethod: Hashable, Sendable, Codable {
    public let marketCode: String
    /// Short code the API and the order carry, for example `express`.
    public let code: String
    /// The name per language (BCP 47); the market's default language is always present.
    public let names: [String: String]
    public let rate: ShippingRate
    /// From this order subtotal (as shown on the shelf) on, the method costs nothing.
    public let freeOver: Int64?
    /// Working days (Monday to Friday) from the order to the earliest and latest delivery.
    public let minDays: Int
    public let maxDays: Int
    /// Where the method shows in the list; the first active one is the default.
    public let position: Int
    public let active: Bool

    /// Validates every field against the market the method belongs to.
    public init(
        market: Market, code: String, names: [String: String], rate: ShippingRate, freeOver: Int64?,
        minDays: Int, maxDays: Int, position: Int, active: Bool
    ) throws {
        var check = Validator()
        check.require(Self.isCode(code), "code", "2 to 30 lower-case letters, digits or '-'")
        check.require(names[market.defaultLanguage].map { !$0.trimmed.isEmpty } ?? false, "names",
                      "must name the method in \(market.defaultLanguage)")
        for (language, name) in names {
            check.require(market.languages.contains(language), "names", "\(language) is not a language of \(market.code)")
            check.requireLength(name, 1...60, "names", "each name has 1 to 60 characters")
        }
        let limit: Int64 = 1_000_000_000
        switch rate {
        case .flat(let amount):
            check.require((0...limit).contains(amount), "rate", "amount must be 0 to \(limit)")
        case .byWeight(let first, let extra):
            check.require((0...limit).contains(first) && (0...limit).contains(extra), "rate", "amounts must be 0 to \(limit)")
        }
        check.require(freeOver.map { (0...limit).contains($0) } ?? true, "freeOver", "must be 0 to \(limit)")
        check.require((0...60).contains(minDays), "minDays", "must be 0 to 60")
        check.require(maxDays >= minDays && maxDays <= 90, "maxDays", "must be minDays to 90")
        check.require((0...1000).contains(position), "position", "must be 0 to 1000")
        try check.check()
        self.init(stored: market.code, code: code, names: names.mapValues(\.trimmed), rate: rate, freeOver: freeOver,
                  minDays: minDays, maxDays: maxDays, position: position, active: active)
    }

    /// A method as stored, already validated when it was saved.
    public init(
        stored marketCode: String, code: String, names: [String: String], rate: ShippingRate, freeOver: Int64?,
        minDays: Int, maxDays: Int, position: Int, active: Bool
    ) {
        self.marketCode = marketCode
        self.code = code
        self.names = names
        self.rate = rate
        self.freeOver = freeOver
        self.minDays = minDays
        self.maxDays = maxDays
        self.position = position
        self.active = active
    }

    /// `true` for 2 to 30 characters of `a-z`, `0-9` and `-`.
    public static func isCode(_ code: String) -> Bool {
        (2...30).contains(code.count) && code.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// The name in `language`, else in the market's default language.
    public func name(in language: String, market: Market) -> String {
        names[language] ?? names[market.defaultLanguage] ?? names.values.sorted().first ?? code
    }

    /// What this method costs and when it arrives for an order of `subtotal` weighing `weightGrams`,
    /// placed at `now`.
    public func quote(subtotal: Int64, weightGrams: Int, now: Date) -> ShippingQuote {
        let free = freeOver.map { subtotal >= $0 } ?? false
        return ShippingQuote(
            method: self, price: free ? 0 : rate.price(weightGrams: weightGrams), isFree: free,
            delivery: DeliveryWindow(placedAt: now, minDays: minDays, maxDays: maxDays))
    }
}

/// A method priced for one cart or order.
public struct ShippingQuote: Hashable, Sendable {
    public let method: ShippingMethod
    public let price: Int64
    /// `true` when the order reached the method's free-shipping threshold.
    public let isFree: Bool
    public let delivery: DeliveryWindow
}

/// The days between which an order should arrive: working days (Monday to Friday, UTC) counted
/// from the day it was placed, or from Monday when it was placed at the weekend.
public struct DeliveryWindow: Hashable, Sendable, Codable {
    public let earliest: Date
    public let latest: Date

    public init(earliest: Date, latest: Date) {
        self.earliest = earliest
        self.latest = latest
    }

    public init(placedAt: Date, minDays: Int, maxDays: Int) {
        self.init(earliest: Self.adding(workingDays: minDays, to: placedAt), latest: Self.adding(workingDays: maxDays, to: placedAt))
    }

    /// The start of the day `days` working days after `date`'s day.
    static func adding(workingDays days: Int, to date: Date) -> Date {
        let calendar = Calendar.utc
        let next = { (day: Date) in calendar.date(byAdding: .day, value: 1, to: day)! }
        // An order placed at the weekend is handled from Monday.
        var day = calendar.startOfDay(for: date)
        while calendar.isDateInWeekend(day) { day = next(day) }
        for _ in 0..<days {
            day = next(day)
            while calendar.isDateInWeekend(day) { day = next(day) }
        }
        return day
    }
}

/// The shipping method an order was placed with, as it was then.
public struct OrderShipping: Hashable, Sendable, Codable {
    public let methodCode: String
    /// The method's name in the fan's language when the order was placed.
    public let methodName: String
    public let delivery: DeliveryWindow

    /// The method of a sale at a partner's store: handed over at the till.
    public static let partnerStore = "partner-store"

    public init(methodCode: String, methodName: String, delivery: DeliveryWindow) {
        self.methodCode = methodCode
        self.methodName = methodName
        self.delivery = delivery
    }
}

/// Stored shipping methods per market.
public protocol ShippingMethodRepository: Sendable {
    /// The market's methods by position, only active ones unless `includeInactive`.
    func shippingMethods(marketCode: String, includeInactive: Bool) async throws -> [ShippingMethod]
    /// Creates or replaces the method with its market and code.
    func save(_ method: ShippingMethod) async throws
}

/// The shipping choices of a cart or order: each active method of the market, priced.
public struct DeliveryOptions: Sendable {
    private let methods: any ShippingMethodRepository
    private let clock: any MilletClock

    public init(methods: any ShippingMethodRepository, clock: any MilletClock) {
        self.methods = methods
        self.clock = clock
    }

    /// Every active method priced for the order, the default first.
    public func quotes(market: Market, subtotal: Int64, weightGrams: Int) async throws -> [ShippingQuote] {
        let now = clock.now()
        return try await methods.shippingMethods(marketCode: market.code, includeInactive: false)
            .map { $0.quote(subtotal: subtotal, weightGrams: weightGrams, now: now) }
    }

    /// The quote of the method `code`, or of the default method when `code` is `nil`;
    /// `invalid_input` for a method the market does not offer, `no_shipping_method` when it offers none.
    public func choose(_ code: String?, market: Market, subtotal: Int64, weightGrams: Int) async throws -> ShippingQuote {
        let quotes = try await quotes(market: market, subtotal: subtotal, weightGrams: weightGrams)
        guard let code else {
            guard let first = quotes.first else {
                throw DomainError.conflict(code: "no_shipping_method", message: "\(market.code) has no shipping method")
            }
            return first
        }
        guard let quote = quotes.first(where: { $0.method.code == code }) else {
            throw DomainError.invalid(field: "shippingMethod", "\(market.code) offers \(quotes.map(\.method.code).joined(separator: ", "))")
        }
        return quote
    }
}
