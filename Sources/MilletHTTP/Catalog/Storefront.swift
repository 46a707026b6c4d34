import Foundation
import Hummingbird
import MilletCore

/// A product as a market sees it: prices, stock state and the cost breakdown of each SKU.
struct ProductView: ResponseEncodable, Sendable {
    struct Variant: Codable, Sendable {
        let id, code, colour, storage: String
        let price: MoneyDTO
        let stockState: String
        let available: Int64
        let breakdown: PriceBreakdown
    }

    let id, slug, name, description, image: String
    let published: Bool
    let market: String
    let skus: [Variant]
}

/// A cart priced in its market.
struct CartView: ResponseEncodable, Sendable {
    struct Line: Codable, Sendable {
        let skuId, skuCode, name: String
        let quantity: Int
        let unitPrice, lineTotal: MoneyDTO
        let available: Int64
    }

    let id, market: String
    let items: [Line]
    /// With the default shipping method (the first option).
    let totals: TotalsDTO
    /// Each shipping method the market offers, priced for this cart, with the totals it gives.
    let shippingOptions: [ShippingOptionDTO]
}

/// A shipping method priced for a cart: what it costs, when it arrives and the order's totals with it.
struct ShippingOptionDTO: Encodable, Sendable {
    let code, name: String
    let price: MoneyDTO
    /// `true` when the cart reached the method's free-shipping threshold.
    let free: Bool
    /// The subtotal from which the method is free, when it has one.
    let freeOver: MoneyDTO?
    let delivery: DeliveryWindowDTO
    let totals: TotalsDTO
}

/// The first and last day an order should arrive, as calendar dates (`2026-12-08`).
struct DeliveryWindowDTO: Encodable, Sendable {
    let earliest, latest: String
    /// The window itself, for pages that write the days in the visitor's language.
    let window: DeliveryWindow

    private enum CodingKeys: String, CodingKey { case earliest, latest }

    init(_ window: DeliveryWindow) {
        earliest = window.earliest.utcDay
        latest = window.latest.utcDay
        self.window = window
    }
}

/// Reads the storefront's views; shared by the JSON API and the web pages.
struct Storefront: Sendable {
    let catalog: any CatalogRepository
    let inventory: any InventoryRepository
    let carts: any CartRepository
    let delivery: DeliveryOptions
    let pricing: PricingPolicy

    /// A product in a market; SKUs without a price there are left out.
    func view(of product: Product, market: Market, language: String) async throws -> ProductView {
        let prices = try await catalog.prices(productId: product.id, marketCode: market.code)
        let available = try await inventory.available(skuIds: product.skus.map(\.id), marketCode: market.code)
        let byId = Dictionary(uniqueKeysWithValues: prices.map { ($0.skuId, $0) })
        let text = product.text(in: language)
        let variants = product.skus.compactMap { sku -> ProductView.Variant? in
            guard let price = byId[sku.id] else { return nil }
            let units = available[sku.id] ?? 0
            return ProductView.Variant(
                id: sku.id, code: sku.code, colour: sku.colour, storage: sku.storage,
                price: MoneyDTO(amount: price.shelfPrice, currency: market.currency.code),
                stockState: StockState(available: units).rawValue, available: units,
                breakdown: pricing.breakdown(of: price, tax: market.tax))
        }
        return ProductView(
            id: product.id, slug: product.slug, name: text.name, description: text.description, image: product.imagePath,
            published: product.published, market: market.code, skus: variants)
    }

    /// Published products sold in the market.
    func products(market: Market, language: String, pagination: Pagination) async throws -> Page<ProductView> {
        let products = try await catalog.products(includeUnpublished: false, offset: pagination.offset, limit: pagination.perPage + 1)
        var views: [ProductView] = []
        for product in products {
            let view = try await view(of: product, market: market, language: language)
            if !view.skus.isEmpty { views.append(view) }
        }
        return Page(fetched: views, pagination: pagination)
    }

    /// A published product by slug or id, or `not_found`.
    func product(_ key: String, market: Market, language: String, includeUnpublished: Bool = false) async throws -> ProductView {
        try await view(of: try await product(key, includeUnpublished: includeUnpublished), market: market, language: language)
    }

    /// The product by slug or id, or `not_found` (also for an unpublished one unless `includeUnpublished`).
    func product(_ key: String, includeUnpublished: Bool = false) async throws -> Product {
        let found: Product?
        if let bySlug = try await catalog.product(slug: key) {
            found = bySlug
        } else {
            found = Identifier.isWellFormed(key) ? try await catalog.product(id: key) : nil
        }
        guard let product = found, product.published || includeUnpublished else { throw DomainError.notFound(what: "product") }
        return product
    }

    /// The owner's cart priced in the market; SKUs no longer sold there show with a zero price
    /// and are refused at checkout.
    func cart(_ owner: CartOwner, market: Market, language: String) async throws -> (cart: Cart, view: CartView) {
        let cart = try await carts.cart(for: owner, marketCode: market.code)
        let available = try await inventory.available(skuIds: cart.items.map(\.skuId), marketCode: market.code)
        var lines: [CartView.Line] = []
        var grams = 0
        for item in cart.items {
            guard let sku = try await catalog.sku(id: item.skuId),
                  let product = try await catalog.product(id: sku.productId) else { continue }
            let price = try await catalog.price(skuId: sku.id, marketCode: market.code)?.shelfPrice ?? 0
            let total = try market.money(price).times(item.quantity)
            grams += sku.weightGrams * item.quantity
            lines.append(CartView.Line(
                skuId: sku.id, skuCode: sku.code, name: product.text(in: language).name + " (\(sku.colour), \(sku.storage))",
                quantity: item.quantity, unitPrice: MoneyDTO(amount: price, currency: market.currency.code),
                lineTotal: MoneyDTO(amount: total.minorUnits, currency: market.currency.code), available: available[sku.id] ?? 0))
        }
        let priced = lines.map { ($0.unitPrice.amount, $0.quantity) }
        let goods = try OrderTotals.compute(lines: priced, market: market, shipping: 0)
        let currency = market.currency.code
        let options = try await delivery.quotes(market: market, subtotal: goods.subtotal, weightGrams: grams).map { quote in
            ShippingOptionDTO(
                code: quote.method.code, name: quote.method.name(in: language, market: market),
                price: MoneyDTO(amount: quote.price, currency: currency), free: quote.isFree,
                freeOver: quote.method.freeOver.map { MoneyDTO(amount: $0, currency: currency) }, delivery: DeliveryWindowDTO(quote.delivery),
                totals: TotalsDTO(try OrderTotals.compute(lines: priced, market: market, shipping: quote.price), currency: currency))
        }
        let totals = try options.first?.totals ?? TotalsDTO(OrderTotals.compute(lines: priced, market: market), currency: currency)
        return (cart, CartView(id: cart.id, market: market.code, items: lines, totals: totals, shippingOptions: options))
    }

    /// Adds to (or sets) a SKU's quantity in a cart, refusing SKUs not sold in the market.
    func setCartQuantity(_ owner: CartOwner, market: Market, skuId: String, quantity: Int, adding: Bool) async throws {
        try Cart.validate(quantity: quantity)
        guard Identifier.isWellFormed(skuId), let sku = try await catalog.sku(id: skuId),
              let product = try await catalog.product(id: sku.productId), product.published
        else { throw DomainError.invalid(field: "skuId", "unknown SKU") }
        guard try await catalog.price(skuId: skuId, marketCode: market.code) != nil else {
            throw DomainError.conflict(code: "not_sold_in_market", message: "\(sku.code) is not sold in \(market.code)")
        }
        let cart = try await carts.cart(for: owner, marketCode: market.code)
        let current = adding ? cart.items.first { $0.skuId == skuId }?.quantity ?? 0 : 0
        let wanted = current + quantity
        guard wanted <= Cart.maxQuantityPerSKU else {
            throw DomainError.invalid(field: "quantity", "at most \(Cart.maxQuantityPerSKU) of one item per order")
        }
        try await carts.setQuantity(cartId: cart.id, skuId: skuId, quantity: wanted)
    }
}
