import Hummingbird
import MilletCore

/// Staff catalog work: list every product, publish or unpublish, set a price with its cost basis.
/// Publishing and pricing both enforce the hardware margin cap.
struct StaffCatalogController {
    let catalog: any CatalogRepository
    let markets: any MarketRepository
    let pricing: PricingPolicy
    let storefront: Storefront

    struct PublishBody: Decodable {
        let published: Bool
    }

    struct PriceBody: Decodable {
        let skuId: String
        let market: String
        let price: Int64
        let billOfMaterials: Int64
        let logistics: Int64
        let duty: Int64
        let currency: String?
    }

    struct PriceDTO: ResponseEncodable {
        let skuId, market: String
        let price: MoneyDTO
        let breakdown: PriceBreakdown
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/products") { request, context in
            let market = try await markets.requireMarket(try request.query("market"))
            let pagination = try Pagination(request)
            let products = try await catalog.products(includeUnpublished: true, offset: pagination.offset, limit: pagination.perPage + 1)
            var views: [ProductView] = []
            for product in products { views.append(try await storefront.view(of: product, market: market, language: "en")) }
            return Page(fetched: views, pagination: pagination)
        }
        groups.staff.post("staff/products/:id/publication") { request, context in
            let body = try await request.decodeJSON(PublishBody.self, context: context)
            let product = try await setPublished(productId: try context.parameters.require("id"), body.published)
            let market = try await markets.requireMarket(request.uri.queryParameters["market"].map(String.init) ?? "CN")
            return try await storefront.view(of: product, market: market, language: "en")
        }
        groups.staff.put("staff/prices") { request, context in
            let body = try await request.decodeJSON(PriceBody.self, context: context)
            let price = try await setPrice(body)
            let market = try await markets.requireMarket(body.market)
            return PriceDTO(skuId: price.skuId, market: market.code, price: MoneyDTO(amount: price.shelfPrice, currency: market.currency.code),
                            breakdown: pricing.breakdown(of: price, tax: market.tax))
        }
    }

    /// Publishes only when every price of the product in every market is within the margin cap.
    func setPublished(productId: String, _ published: Bool) async throws -> Product {
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

    /// Validates and stores a price; a price above the cap is refused.
    func setPrice(_ body: PriceBody) async throws -> SKUPrice {
        let market = try await markets.requireMarket(body.market)
        if let currency = body.currency, currency != market.currency.code {
            throw DomainError.invalid(field: "currency", "\(market.code) sells in \(market.currency.code)")
        }
        guard Identifier.isWellFormed(body.skuId), try await catalog.sku(id: body.skuId) != nil else {
            throw DomainError.invalid(field: "skuId", "unknown SKU")
        }
        let price = SKUPrice(
            skuId: body.skuId, marketCode: market.code, shelfPrice: body.price,
            cost: CostBasis(billOfMaterials: body.billOfMaterials, logistics: body.logistics, duty: body.duty))
        try pricing.check(price, tax: market.tax)
        try await catalog.setPrice(price)
        return price
    }
}
