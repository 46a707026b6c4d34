import Foundation

/// What staff ask for when they schedule a sale.
public struct SaleRequest: Sendable {
    public var title: String
    public var skuId: String
    public var marketCode: String
    /// The warehouse to take units from; the market's warehouse with the most available when nil.
    public var warehouseId: String?
    /// The sale price; the SKU's shelf price in the market when nil.
    public var price: Int64?
    public var startsAt: Date
    public var endsAt: Date
    public var units: Int64
    public var perAccountLimit: Int
    public var paymentWindowSeconds: Int
    public var reservedOnly: Bool
    /// Proof-of-work bits each purchase must carry; 0 for none.
    public var proofOfWorkBits: Int

    public init(
        title: String, skuId: String, marketCode: String, warehouseId: String? = nil, price: Int64? = nil, startsAt: Date, endsAt: Date,
        units: Int64, perAccountLimit: Int = 1, paymentWindowSeconds: Int = 30 * 60, reservedOnly: Bool = false, proofOfWorkBits: Int = 0
    ) {
        self.title = title
        self.skuId = skuId
        self.marketCode = marketCode
        self.warehouseId = warehouseId
        self.price = price
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.units = units
        self.perAccountLimit = perAccountLimit
        self.paymentWindowSeconds = paymentWindowSeconds
        self.reservedOnly = reservedOnly
        self.proofOfWorkBits = proofOfWorkBits
    }
}

/// Turns a staff request into a stored sale: checks the dates and limits, prices the unit within
/// the margin cap, and takes the units from a warehouse of the sale's market.
public struct SaleScheduler: Sendable {
    let catalog: any CatalogRepository
    let inventory: any InventoryRepository
    let markets: any MarketRepository
    let sales: any FlashSaleRepository
    let pricing: PricingPolicy
    let clock: any MilletClock

    public init(
        catalog: any CatalogRepository, inventory: any InventoryRepository, markets: any MarketRepository, sales: any FlashSaleRepository,
        pricing: PricingPolicy, clock: any MilletClock
    ) {
        self.catalog = catalog
        self.inventory = inventory
        self.markets = markets
        self.sales = sales
        self.pricing = pricing
        self.clock = clock
    }

    public func schedule(_ request: SaleRequest) async throws -> FlashSale {
        let now = clock.now()
        guard let market = try await markets.market(code: request.marketCode.uppercased()) else {
            throw DomainError.invalid(field: "market", "unknown market \(request.marketCode)")
        }
        guard Identifier.isWellFormed(request.skuId), let sku = try await catalog.sku(id: request.skuId),
              let shelf = try await catalog.price(skuId: request.skuId, marketCode: market.code)
        else { throw DomainError.invalid(field: "skuId", "unknown SKU or not priced in \(market.code)") }
        // Fans must be able to read about what goes on sale; an eco-chain brand's product waits for staff's review.
        guard try await catalog.product(id: sku.productId)?.published == true else {
            throw DomainError.conflict(code: "not_published", message: "publish the product before it goes on sale")
        }
        let price = request.price ?? shelf.shelfPrice
        try FlashSale.validate(
            title: request.title, startsAt: request.startsAt, endsAt: request.endsAt, units: request.units,
            perAccountLimit: request.perAccountLimit, paymentWindowSeconds: request.paymentWindowSeconds, price: price, now: now,
            proofOfWorkBits: request.proofOfWorkBits)
        try pricing.check(SKUPrice(skuId: request.skuId, marketCode: market.code, shelfPrice: price, cost: shelf.cost), tax: market.tax)
        let warehouseId = try await warehouse(request, market: market)
        let sale = FlashSale(
            id: Identifier.make(), title: request.title.trimmingCharacters(in: .whitespaces), skuId: request.skuId,
            marketCode: market.code, warehouseId: warehouseId, price: price, currency: market.currency.code,
            startsAt: request.startsAt, endsAt: request.endsAt, units: request.units, perAccountLimit: request.perAccountLimit,
            paymentWindowSeconds: request.paymentWindowSeconds, reservedOnly: request.reservedOnly, createdAt: now,
            proofOfWorkBits: request.proofOfWorkBits)
        try await sales.createSale(sale)
        return sale
    }

    private func warehouse(_ request: SaleRequest, market: Market) async throws -> String {
        let local = try await inventory.warehouses(marketCode: market.code)
        if let id = request.warehouseId {
            guard local.contains(where: { $0.id == id }) else {
                throw DomainError.invalid(field: "warehouseId", "not a warehouse of \(market.code)")
            }
            return id
        }
        let stock = try await inventory.stock(skuId: request.skuId)
        guard let best = stock.filter({ level in local.contains { $0.id == level.warehouseId } }).max(by: { $0.available < $1.available }) else {
            throw DomainError.conflict(code: "out_of_stock", message: "no warehouse of \(market.code) stocks this SKU")
        }
        return best.warehouseId
    }
}
