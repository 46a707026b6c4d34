import Foundation

/// A price as staff set it for one SKU in one market, with the cost it is built from.
public struct PriceChange: Sendable, Hashable {
    public let skuId: String
    public let marketCode: String
    /// The shelf price, in the market currency's minor units.
    public let price: Int64
    public let cost: CostBasis
    /// The currency the price was typed in, when the caller said; it must be the market's.
    public let currency: String?

    public init(skuId: String, marketCode: String, price: Int64, cost: CostBasis, currency: String? = nil) {
        self.skuId = skuId
        self.marketCode = marketCode
        self.price = price
        self.cost = cost
        self.currency = currency
    }
}

/// Staff catalog work: publishing a product and pricing a SKU, both held to the hardware margin
/// cap. The API and the staff console both come here, so the rule lives once.
public struct CatalogDesk: Sendable {
    private let catalog: any CatalogRepository
    private let markets: any MarketRepository
    public let pricing: PricingPolicy

    public init(catalog: any CatalogRepository, markets: any MarketRepository, pricing: PricingPolicy) {
        self.catalog = catalog
        self.markets = markets
        self.pricing = pricing
    }

    /// Publishes only when every price of the product in every market is within the margin cap;
    /// unpublishing is always allowed.
    public func setPublished(productId: String, _ published: Bool) async throws -> Product {
        guard Identifier.isWellFormed(productId), var product = try await catalog.product(id: productId) else {
            throw DomainError.notFound(what: "product")
        }
        if published {
            for market in try await markets.markets() {
                for price in try await catalog.prices(productId: productId, marketCode: market.code) {
                    try pricing.check(price, tax: market.tax)
                }
            }
        }
        try await catalog.setPublished(productId: productId, published)
        product.published = published
        return product
    }

    /// Validates and stores a price; one above the cap, in another currency, or for an unknown
    /// SKU is refused and nothing changes.
    public func setPrice(_ change: PriceChange) async throws -> SKUPrice {
        let market = try await markets.requireMarket(change.marketCode)
        if let currency = change.currency, currency != market.currency.code {
            throw DomainError.invalid(field: "currency", "\(market.code) sells in \(market.currency.code)")
        }
        guard Identifier.isWellFormed(change.skuId), try await catalog.sku(id: change.skuId) != nil else {
            throw DomainError.invalid(field: "skuId", "unknown SKU")
        }
        let price = SKUPrice(skuId: change.skuId, marketCode: market.code, shelfPrice: change.price, cost: change.cost)
        try pricing.check(price, tax: market.tax)
        try await catalog.setPrice(price)
        return price
    }

    /// Replaces a product's options once the whole definition is valid and every priced option
    /// is within the margin cap in its market; nothing changes otherwise. An empty list makes the
    /// product standard again (pre-orders placed keep what their buyers chose).
    public func setOptions(productId: String, _ options: [ProductOption]) async throws -> ProductOptions {
        guard Identifier.isWellFormed(productId), try await catalog.product(id: productId) != nil else { throw DomainError.notFound(what: "product") }
        let definition = ProductOptions(productId: productId, options: options)
        try definition.validate(markets: try await markets.markets(), pricing: pricing)
        try await catalog.setOptions(definition)
        return definition
    }

    /// The product a SKU belongs to, or `not_found`.
    public func product(ofSKU skuId: String) async throws -> String {
        guard Identifier.isWellFormed(skuId), let sku = try await catalog.sku(id: skuId) else { throw DomainError.notFound(what: "SKU") }
        return sku.productId
    }
}
