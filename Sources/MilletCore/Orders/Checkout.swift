import Foundation

/// Turns a cart into an order: prices each line in the market, prices the chosen shipping method
/// for the order's subtotal and weight, computes totals and hands the draft to the repository,
/// which holds the stock. Placing twice with one key gives one order.
public struct Checkout: Sendable {
    private let catalog: any CatalogRepository
    private let orders: any OrderRepository
    private let delivery: DeliveryOptions
    private let clock: any MilletClock

    public init(catalog: any CatalogRepository, orders: any OrderRepository, delivery: DeliveryOptions, clock: any MilletClock) {
        self.catalog = catalog
        self.orders = orders
        self.delivery = delivery
        self.clock = clock
    }

    /// Checks an `Idempotency-Key`: 8 to 100 visible ASCII characters.
    public static func validate(idempotencyKey: String?) throws -> String {
        guard let key = idempotencyKey, (8...100).contains(key.count),
              key.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 })
        else {
            throw DomainError.invalid(field: "Idempotency-Key", "header of 8 to 100 visible ASCII characters is required")
        }
        return key
    }

    /// Places an order for `items` in `market`, shipped by `shippingMethod` (the market's default
    /// when `nil`), invoiced to `buyerTaxId` when given; see ``OrderRepository/place(_:clearingCart:)``.
    public func placeOrder(
        accountId: String, market: Market, items: [CartItem], address: ShippingAddress, shippingMethod: String?,
        buyerTaxId: String? = nil, idempotencyKey: String, requestHash: String? = nil, language: String, clearingCart cartId: String?
    ) async throws -> (order: Order, created: Bool) {
        if let existing = try await orders.order(accountId: accountId, idempotencyKey: idempotencyKey, requestHash: requestHash) {
            return (existing, false)
        }
        let taxId = try BuyerTaxId.normalise(buyerTaxId)
        guard !items.isEmpty else { throw DomainError.conflict(code: "cart_empty", message: "the cart is empty") }
        var lines: [(skuId: String, skuCode: String, productName: String, quantity: Int, unitPrice: Int64)] = []
        var grams = 0
        for (index, item) in items.enumerated() {
            try Cart.validate(quantity: item.quantity, field: "items[\(index)].quantity")
            guard let sku = try await catalog.sku(id: item.skuId),
                  let product = try await catalog.product(id: sku.productId)
            else { throw DomainError.invalid(field: "items[\(index)].skuId", "unknown SKU") }
            guard product.published else {
                throw DomainError.conflict(code: "not_available", message: "\(sku.code) is not on sale")
            }
            guard let price = try await catalog.price(skuId: sku.id, marketCode: market.code) else {
                throw DomainError.conflict(code: "not_sold_in_market", message: "\(sku.code) is not sold in \(market.code)")
            }
            let name = product.text(in: language).name + " (\(sku.colour), \(sku.storage))"
            lines.append((sku.id, sku.code, name, item.quantity, price.shelfPrice))
            grams += sku.weightGrams * item.quantity
        }
        let goods = try OrderTotals.compute(lines: lines.map { ($0.unitPrice, $0.quantity) }, market: market, shipping: 0)
        let quote = try await delivery.choose(shippingMethod, market: market, subtotal: goods.subtotal, weightGrams: grams)
        let totals = try OrderTotals.compute(lines: lines.map { ($0.unitPrice, $0.quantity) }, market: market, shipping: quote.price)
        let draft = OrderDraft(
            id: Identifier.makeSequential(), accountId: accountId, market: market, lines: lines, totals: totals,
            shippingAddress: address, idempotencyKey: idempotencyKey, now: clock.now(),
            shipping: OrderShipping(
                methodCode: quote.method.code, methodName: quote.method.name(in: language, market: market), delivery: quote.delivery),
            buyerTaxId: taxId, requestHash: requestHash)
        return try await orders.place(draft, clearingCart: cartId)
    }
}
