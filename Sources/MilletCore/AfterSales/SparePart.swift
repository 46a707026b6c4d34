import Foundation

/// One line of a market's repair price list: a spare part (stocked per service centre) or the
/// labour of a repair (not stocked), at one public price in the market's currency.
public struct SparePart: Hashable, Sendable, Codable {
    public let marketCode: String
    /// Short and stable within the market, for example `note3-battery`.
    public let code: String
    /// The part of the unit it repairs.
    public let part: PartClass
    public let name: String
    /// Minor units of the market's currency, as shelf prices are (tax as the market's rule says).
    public let price: Int64
    /// Counted per centre and used up by repairs; labour is not.
    public let stocked: Bool
    public let active: Bool

    /// Checks the code (2 to 40 lower-case letters, digits or dashes), the name (1 to 120
    /// characters) and the price (0 to 10,000,000 minor units).
    public init(marketCode: String, code: String, part: PartClass, name: String, price: Int64, stocked: Bool, active: Bool = true) throws {
        var check = Validator()
        check.require(ShipmentRequest.isName(code) && !code.hasPrefix("plan-"), "code", "must be 2 to 40 lower-case letters, digits or dashes, not starting plan-")
        check.requireLength(name, 1...120, "name", "is required (at most 120 characters)")
        check.require((0...10_000_000).contains(price), "price", "must be between 0 and 10000000 minor units")
        try check.check()
        self.marketCode = marketCode
        self.code = code
        self.part = part
        self.name = name.trimmed
        self.price = price
        self.stocked = stocked
        self.active = active
    }

    /// The order line a quote prices it as: no stock is held for it, nothing ships.
    public var skuId: String { OrderLine.serviceSKUPrefix + code }
}

/// Where the repair price list and each centre's spare parts are kept.
public protocol SparePartRepository: Sendable {
    /// The market's price list by code, only active lines unless `includeInactive`.
    func spareParts(marketCode: String, includeInactive: Bool) async throws -> [SparePart]
    /// Creates or replaces the line with its market and code.
    func save(_ part: SparePart) async throws
    /// Parts on the centre's shelf by code.
    func sparePartStock(centreId: String) async throws -> [String: Int]
    /// Sets how many of a part the centre holds.
    func setSparePartStock(centreId: String, code: String, quantity: Int) async throws
}

/// The price list every demo market starts with: a battery, a screen and a charger, and labour.
public enum DemoSpareParts {
    public static func parts(marketCode: String) -> [SparePart] {
        // Prices in each market's minor units, near the parts' cost as the products are.
        let prices: [String: (battery: Int64, screen: Int64, charger: Int64, labour: Int64)] = [
            "CN": (12_900, 39_900, 4_900, 5_000), "IN": (1_499_00, 4_999_00, 599_00, 499_00), "ES": (29_00, 89_00, 15_00, 20_00),
            "GB": (25_00, 79_00, 13_00, 18_00), "ID": (249_000, 899_000, 99_000, 75_000),
        ]
        guard let price = prices[marketCode] else { return [] }
        let names: [String: [String]] = [
            "CN": ["电池", "屏幕总成", "充电器", "维修人工"], "ES": ["Batería", "Pantalla", "Cargador", "Mano de obra"],
            "ID": ["Baterai", "Layar", "Pengisi daya", "Jasa perbaikan"],
        ]
        let words = names[marketCode] ?? ["Battery", "Screen assembly", "Charger", "Repair labour"]
        return [
            try! SparePart(marketCode: marketCode, code: "battery", part: .battery, name: words[0], price: price.battery, stocked: true),
            try! SparePart(marketCode: marketCode, code: "screen", part: .mainUnit, name: words[1], price: price.screen, stocked: true),
            try! SparePart(marketCode: marketCode, code: "charger", part: .accessory, name: words[2], price: price.charger, stocked: true),
            try! SparePart(marketCode: marketCode, code: "labour", part: .mainUnit, name: words[3], price: price.labour, stocked: false),
        ]
    }
}
