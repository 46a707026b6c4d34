/// A place stock is kept in one market; India's is a local factory.
public struct Warehouse: Hashable, Sendable, Codable {
    public let id: String
    public let marketCode: String
    public let name: String
    /// `true` for a factory that ships straight to fans (made in the country it sells in).
    public let isLocalFactory: Bool

    public init(id: String, marketCode: String, name: String, isLocalFactory: Bool) {
        self.id = id
        self.marketCode = marketCode
        self.name = name
        self.isLocalFactory = isLocalFactory
    }
}

/// The count of one SKU in one warehouse. Conserved: `received == available + held + sold`.
public struct StockLevel: Hashable, Sendable, Codable {
    public let skuId: String
    public let warehouseId: String
    /// Every unit ever received into the warehouse.
    public let received: Int64
    /// Units held for orders waiting for payment.
    public let held: Int64
    /// Units paid for (shipped or waiting to ship).
    public let sold: Int64

    public init(skuId: String, warehouseId: String, received: Int64, held: Int64, sold: Int64) {
        self.skuId = skuId
        self.warehouseId = warehouseId
        self.received = received
        self.held = held
        self.sold = sold
    }

    /// Units a new order can hold now.
    public var available: Int64 { received - held - sold }
}

/// How a product page describes stock.
public enum StockState: String, Codable, Sendable {
    case inStock = "in_stock", lowStock = "low_stock", soldOut = "sold_out"

    /// At or below this many units the page says stock is low.
    public static let lowThreshold: Int64 = 10

    public init(available: Int64) {
        self = available <= 0 ? .soldOut : (available <= Self.lowThreshold ? .lowStock : .inStock)
    }
}
