/// Stored products, SKUs and prices.
public protocol CatalogRepository: Sendable {
    /// Creates or replaces a product with its texts and SKUs.
    func save(_ product: Product) async throws
    func product(id: String) async throws -> Product?
    func product(slug: String) async throws -> Product?
    /// Products by slug, published ones only unless `includeUnpublished`.
    func products(includeUnpublished: Bool, offset: Int, limit: Int) async throws -> [Product]
    func setPublished(productId: String, _ published: Bool) async throws
    func sku(id: String) async throws -> SKU?
    /// Creates or replaces a SKU's price in one market.
    func setPrice(_ price: SKUPrice) async throws
    func price(skuId: String, marketCode: String) async throws -> SKUPrice?
    /// Prices of every SKU of a product in one market.
    func prices(productId: String, marketCode: String) async throws -> [SKUPrice]
    /// The options a product is made to (none until staff set them).
    func options(productId: String) async throws -> ProductOptions
    /// Replaces a product's options.
    func setOptions(_ options: ProductOptions) async throws
}
