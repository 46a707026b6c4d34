import Hummingbird
import MilletCore

/// A fan's orders: place (with `Idempotency-Key`), list, read, cancel, and start a payment.
struct OrdersController {
    let desk: OrderDesk
    let orders: any OrderRepository
    let payments: any PaymentRepository
    let carts: any CartRepository
    let markets: any MarketRepository
    let sandbox: SandboxPaymentProvider
    let clock: any MilletClock

    struct AddressBody: Decodable {
        let name, line1, city, postcode, phone: String
    }

    struct ItemBody: Decodable {
        let skuId: String
        let quantity: Int
    }

    struct PlaceBody: Decodable {
        let market: String
        let shippingAddress: AddressBody
        /// Items to buy; when absent the cart is checked out (and emptied).
        let items: [ItemBody]?
        let currency: String?
        /// A shipping method code of the market; its first method when absent.
        let shippingMethod: String?
        /// The buyer's tax id for the invoice (GSTIN, NIF, VAT number).
        let taxId: String?
    }

    struct PaymentBody: Decodable {
        let provider: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.post("orders") { request, context in
            let account = try context.requireAccount()
            let key = try Checkout.validate(idempotencyKey: request.headers.value(.idempotencyKey))
            let body = try await request.decodeJSON(PlaceBody.self, context: context)
            let (order, created) = try await place(body, account: account, key: key)
            return OrderDTO(order).with(status: created ? .created : .ok)
        }
        groups.open.get("orders") { request, context in
            let account = try context.requireAccount()
            let pagination = try Pagination(request)
            let orders = try await orders.orders(accountId: account.id, offset: pagination.offset, limit: pagination.perPage + 1)
            return Page(fetched: orders.map(OrderDTO.init), pagination: pagination)
        }
        groups.open.get("orders/:id") { _, context in
            OrderDTO(try await ownedOrder(try context.parameters.require("id"), context: context))
        }
        groups.open.post("orders/:id/cancel") { _, context in
            let order = try await ownedOrder(try context.parameters.require("id"), context: context)
            let actor = "account:\(try context.requireAccount().id)"
            return OrderDTO(try await desk.cancel(orderId: order.id, actor: actor, note: "cancelled by the customer"))
        }
        groups.open.post("orders/:id/payments") { request, context in
            let order = try await ownedOrder(try context.parameters.require("id"), context: context)
            let body = try await request.decodeJSON(PaymentBody.self, context: context)
            guard body.provider == sandbox.name else { throw DomainError.invalid(field: "provider", "unknown payment provider") }
            let payment = try await payments.createPayment(orderId: order.id, provider: body.provider, now: clock.now())
            return PaymentDTO(payment, payURL: sandbox.payURL(for: payment)).with(status: .created)
        }
    }

    func place(_ body: PlaceBody, account: Account, key: String) async throws -> (Order, Bool) {
        let market = try await markets.requireMarket(body.market)
        if let currency = body.currency, currency != market.currency.code {
            throw DomainError.invalid(field: "currency", "\(market.code) sells in \(market.currency.code)")
        }
        let a = body.shippingAddress
        let address = try ShippingAddress(name: a.name, line1: a.line1, city: a.city, postcode: a.postcode, phone: a.phone)
        var cartId: String?
        let items: [CartItem]
        if let given = body.items {
            guard Set(given.map(\.skuId)).count == given.count else { throw DomainError.invalid(field: "items", "each SKU once") }
            guard given.count <= Cart.maxLines else { throw DomainError.invalid(field: "items", "at most \(Cart.maxLines) items") }
            items = given.map { CartItem(skuId: $0.skuId, quantity: $0.quantity) }
        } else {
            let cart = try await carts.cart(for: .account(account.id), marketCode: market.code)
            cartId = cart.id
            items = cart.items
        }
        // What this key asks for: sent again with the same key, another body is refused.
        let request = IdempotentRequest.fingerprint(
            ["checkout", body.market, body.currency, a.name, a.line1, a.city, a.postcode, a.phone, body.shippingMethod, body.taxId]
                + (body.items?.map { "\($0.skuId)×\($0.quantity)" } ?? ["cart"]))
        return try await desk.place(
            accountId: account.id, market: market, items: items, address: address, shippingMethod: body.shippingMethod,
            buyerTaxId: body.taxId, idempotencyKey: key, requestHash: request, language: market.defaultLanguage, clearingCart: cartId)
    }

    /// The order when it belongs to the caller (or the caller is staff); `not_found` otherwise.
    func ownedOrder(_ id: String, context: MilletRequestContext) async throws -> Order {
        try await desk.order(id: id, viewer: try context.requireAccount())
    }
}
