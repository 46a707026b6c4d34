import Hummingbird
import MilletCore

/// The logged-in fan's cart: `GET /cart?market=XX`, `POST /cart/items`, `PUT` and `DELETE /cart/items/{skuId}`.
struct CartController {
    let carts: any CartRepository
    let markets: any MarketRepository
    let storefront: Storefront

    struct QuantityBody: Decodable {
        let market: String
        let quantity: Int
    }

    struct AddBody: Decodable {
        let market: String
        let skuId: String
        let quantity: Int
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("cart") { request, context in
            let account = try context.requireAccount()
            let market = try await markets.requireMarket(try request.query("market"))
            return try await storefront.cart(.account(account.id), market: market, language: market.defaultLanguage).view
        }
        groups.open.post("cart/items") { request, context in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(AddBody.self, context: context)
            let market = try await markets.requireMarket(body.market)
            try await storefront.setCartQuantity(.account(account.id), market: market, skuId: body.skuId, quantity: body.quantity, adding: true)
            return try await storefront.cart(.account(account.id), market: market, language: market.defaultLanguage).view.with(status: .created)
        }
        groups.open.put("cart/items/:skuId") { request, context in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(QuantityBody.self, context: context)
            let market = try await markets.requireMarket(body.market)
            try await storefront.setCartQuantity(.account(account.id), market: market, skuId: try context.parameters.require("skuId"),
                                                 quantity: body.quantity, adding: false)
            return try await storefront.cart(.account(account.id), market: market, language: market.defaultLanguage).view
        }
        groups.open.delete("cart/items/:skuId") { request, context in
            let account = try context.requireAccount()
            let market = try await markets.requireMarket(try request.query("market"))
            let cart = try await carts.cart(for: .account(account.id), marketCode: market.code)
            try await carts.setQuantity(cartId: cart.id, skuId: try context.parameters.require("skuId"), quantity: 0)
            return try await storefront.cart(.account(account.id), market: market, language: market.defaultLanguage).view
        }
    }
}
