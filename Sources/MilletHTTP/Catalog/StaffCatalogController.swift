import Hummingbird
import MilletCore

/// Staff catalog work: list every product, publish or unpublish, set a price with its cost basis.
/// Publishing and pricing both enforce the hardware margin cap (``CatalogDesk``).
struct StaffCatalogController {
    let desk: CatalogDesk
    let catalog: any CatalogRepository
    let markets: any MarketRepository
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
            let product = try await desk.setPublished(productId: try context.parameters.require("id"), body.published)
            let market = try await markets.requireMarket(request.uri.queryParameters["market"].map(String.init) ?? "CN")
            return try await storefront.view(of: product, market: market, language: "en")
        }
        groups.staff.put("staff/prices") { request, context in
            let body = try await request.decodeJSON(PriceBody.self, context: context)
            let price = try await desk.setPrice(PriceChange(
                skuId: body.skuId, marketCode: body.market, price: body.price,
                cost: CostBasis(billOfMaterials: body.billOfMaterials, logistics: body.logistics, duty: body.duty), currency: body.currency))
            let market = try await markets.requireMarket(body.market)
            return PriceDTO(skuId: price.skuId, market: market.code, price: MoneyDTO(amount: price.shelfPrice, currency: market.currency.code),
                            breakdown: desk.pricing.breakdown(of: price, tax: market.tax))
        }
    }
}
