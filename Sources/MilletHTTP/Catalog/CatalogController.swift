import Hummingbird
import MilletCore

/// The public catalog: `GET /products?market=XX`, `GET /products/{slug}?market=XX`.
struct CatalogController {
    let markets: any MarketRepository
    let storefront: Storefront

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("products") { request, _ in
            let market = try await markets.requireMarket(try request.query("market"))
            let language = request.uri.queryParameters["language"].map(String.init) ?? market.defaultLanguage
            return try await storefront.products(market: market, language: language, pagination: try Pagination(request))
        }
        groups.open.get("products/:key") { request, context in
            let market = try await markets.requireMarket(try request.query("market"))
            let language = request.uri.queryParameters["language"].map(String.init) ?? market.defaultLanguage
            return try await storefront.product(try context.parameters.require("key"), market: market, language: language)
        }
    }
}
