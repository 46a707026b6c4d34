import Foundation
import Hummingbird
import MilletCore

/// The shop: the product list and a product's page with its price breakdown, the cart (a
/// guest's is kept under a cookie), and the market and language switcher.
struct StorefrontPages {
    let pages: PageKit
    let storefront: Storefront
    let carts: any CartRepository
    let markets: any MarketRepository
    let pricing: PricingPolicy
    let preorders: PreorderDesk

    struct AddForm: Decodable {
        let skuId: String
        let quantity: Int
    }

    struct QuantityForm: Decodable {
        /// As typed; a number from 1 to ``Cart/maxQuantityPerSKU``.
        let quantity: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("/") { request, context in
            let chrome = try await pages.chrome(request, context)
            let page = try await storefront.products(market: chrome.market, language: chrome.preferences.language, pagination: try Pagination(request, defaultPerPage: 50))
            let products = page.items.map { product -> [String: Any] in
                let from = product.skus.map(\.price.amount).min() ?? 0
                return ["slug": product.slug, "name": product.name, "description": product.description, "image": product.image,
                        "fromPrice": chrome.money(from), "soldOut": product.skus.allSatisfy { $0.available <= 0 }]
            }
            return pages.page("home", ["products": products], chrome: chrome)
        }
        groups.open.get("products/:slug") { request, context in
            let chrome = try await pages.chrome(request, context)
            let product = try await storefront.product(try context.parameters.require("slug"), market: chrome.market, language: chrome.preferences.language)
            let t = pages.strings(chrome.preferences.language)
            let variants = product.skus.enumerated().map { index, sku -> [String: Any] in
                let b = sku.breakdown
                return [
                    "id": sku.id, "code": sku.code, "colour": t["colour_\(sku.colour)"] ?? sku.colour, "storage": sku.storage,
                    "price": chrome.money(sku.price.amount), "stockLabel": t["stock_\(sku.stockState)"] ?? sku.stockState,
                    "soldOut": sku.available <= 0, "checked": index == product.skus.firstIndex { $0.available > 0 },
                    "breakdown": [
                        "bom": chrome.money(b.billOfMaterials), "logistics": chrome.money(b.logistics), "duty": chrome.money(b.duty),
                        "tax": chrome.money(b.tax), "margin": chrome.money(b.margin),
                        "marginPercent": String(format: "%.1f", Double(b.marginBasisPoints) / 100), "price": chrome.money(b.price),
                    ],
                ]
            }
            // Built to order: the next batch of each variant with a place in this market.
            let everyBatch = try await preorders.batches(skuIds: product.skus.map(\.id), marketCode: chrome.market.code, openOnly: false)
            let batches = everyBatch.filter { $0.status == .open && $0.free > 0 }
            let preorderBatches = product.skus.compactMap { sku -> [String: Any]? in
                guard let batch = batches.first(where: { $0.skuId == sku.id }) else {
                    // Built to order here before, no place now: the fan may wait for the next batch.
                    guard everyBatch.contains(where: { $0.skuId == sku.id }) else { return nil }
                    return ["skuId": sku.id, "variant": "\(t["colour_\(sku.colour)"] ?? sku.colour) · \(sku.storage)", "full": true]
                }
                return ["skuId": sku.id, "variant": "\(t["colour_\(sku.colour)"] ?? sku.colour) · \(sku.storage)", "number": batch.number,
                        "window": "\(chrome.format.day(batch.shipFrom)) – \(chrome.format.day(batch.shipTo))", "price": chrome.money(batch.price),
                        "deposit": chrome.money(batch.deposit), "fullPayment": batch.isFullPayment, "free": batch.free]
            }
            // Made to the buyer's choice: the options are chosen on the pre-order page.
            let options = try await storefront.catalog.options(productId: product.id).offered(in: chrome.market.code)
            let madeToChoice = options.map { $0.name(in: chrome.preferences.language) }.joined(separator: chrome.preferences.language == "zh-Hans" ? "、" : ", ")
            return pages.page("product", [
                "madeToChoice": madeToChoice.isEmpty ? false : madeToChoice,
                "product": ["name": product.name, "description": product.description, "image": product.image, "slug": product.slug],
                "variants": variants, "warrantyMonths": chrome.market.warrantyMonths, "returnDays": chrome.market.returnWindowDays,
                "capPercent": pricing.marginCapBasisPoints / 100, "preorderBatches": preorderBatches,
            ], chrome: chrome)
        }
        groups.open.get("cart") { request, context in
            let chrome = try await pages.chrome(request, context)
            let (owner, _) = PageKit.cartOwner(request, context)
            let view = try await storefront.cart(owner, market: chrome.market, language: chrome.preferences.language).view
            return pages.page("cart", pages.cartValues(view, chrome: chrome), chrome: chrome)
        }
        groups.open.post("cart/items") { request, context in
            let chrome = try await pages.chrome(request, context)
            let form = try await request.decodeForm(AddForm.self, context: context)
            let (owner, newToken) = PageKit.cartOwner(request, context)
            try await storefront.setCartQuantity(owner, market: chrome.market, skuId: form.skuId, quantity: form.quantity, adding: true)
            var response = redirect("/cart")
            if let newToken { response.setCookie(PageKit.cookie(PageKit.guestCartCookie, newToken)) }
            return response
        }
        groups.open.post("cart/items/:skuId/quantity") { request, context in
            let chrome = try await pages.chrome(request, context)
            let form = try await request.decodeForm(QuantityForm.self, context: context)
            let (owner, newToken) = PageKit.cartOwner(request, context)
            do {
                // Only a line the cart holds: an old tab does not bring back one removed since.
                let skuId = try context.parameters.require("skuId")
                guard newToken == nil, try await carts.cart(for: owner, marketCode: chrome.market.code).items.contains(where: { $0.skuId == skuId }) else {
                    throw DomainError.notFound(what: "cart line")
                }
                let quantity = try PageKit.wholeNumber(form.quantity, field: "quantity", "must be between 1 and \(Cart.maxQuantityPerSKU)")
                try await storefront.setCartQuantity(owner, market: chrome.market, skuId: skuId, quantity: quantity, adding: false)
                return redirect("/cart")
            } catch let error as DomainError {
                // The cart again, with the reason by its table.
                let view = try await storefront.cart(owner, market: chrome.market, language: chrome.preferences.language).view
                var values = pages.cartValues(view, chrome: chrome)
                values["error"] = PageKit.refusal(error, strings: pages.strings(chrome.preferences.language))
                return pages.page("cart", values, chrome: chrome, status: APIError(error).status)
            }
        }
        groups.open.post("cart/items/:skuId/remove") { request, context in
            let chrome = try await pages.chrome(request, context)
            let (owner, _) = PageKit.cartOwner(request, context)
            let cart = try await carts.cart(for: owner, marketCode: chrome.market.code)
            try await carts.setQuantity(cartId: cart.id, skuId: try context.parameters.require("skuId"), quantity: 0)
            return redirect("/cart")
        }
        groups.open.get("preferences") { request, context in
            let markets = try await markets.markets()
            var response = redirect(PageKit.safeNext(request.uri.queryParameters["next"].map(String.init)))
            if let code = request.uri.queryParameters["market"].map({ String($0).uppercased() }), markets.contains(where: { $0.code == code }) {
                response.setCookie(PageKit.cookie(Preferences.marketCookie, code))
            }
            if let language = request.uri.queryParameters["lang"].map(String.init), Preferences.languages.contains(language) {
                response.setCookie(PageKit.cookie(Preferences.languageCookie, language))
            }
            return response
        }
    }
}

/// A cart's lines and totals as the cart and checkout pages show them.
extension PageKit {
    func cartValues(_ view: CartView, chrome: PageChrome) -> [String: Any] {
        [
            "items": view.items.map {
                ["skuId": $0.skuId, "name": $0.name, "code": $0.skuCode, "quantity": $0.quantity,
                 "unitPrice": chrome.money($0.unitPrice.amount), "lineTotal": chrome.money($0.lineTotal.amount)] as [String: Any]
            },
            "empty": view.items.isEmpty,
            "totals": totalsValues(view.totals, chrome: chrome),
            "shippingOptions": shippingValues(view.shippingOptions, chrome: chrome),
            "noShippingOptions": view.shippingOptions.isEmpty,
        ]
    }

    /// Each shipping option as a line to choose: name, price (or free), the window it arrives in,
    /// what would make it free, and the totals it gives (for the script that updates the table).
    func shippingValues(_ options: [ShippingOptionDTO], chrome: PageChrome) -> [[String: Any]] {
        let strings = self.strings(chrome.preferences.language)
        return options.enumerated().map { index, option in
            var values: [String: Any] = [
                "code": option.code, "name": option.name, "checked": index == 0,
                "price": option.free || option.price.amount == 0 ? strings["free_shipping"] ?? "Free" : chrome.money(option.price.amount),
                "arrives": arrives(option.delivery.window, chrome: chrome),
                "shippingTotal": chrome.money(option.totals.shipping.amount), "taxTotal": chrome.money(option.totals.tax.amount),
                "grandTotal": chrome.money(option.totals.total.amount),
            ]
            if let threshold = option.freeOver, !option.free {
                values["freeOver"] = MessageTexts.fill(strings["free_over"] ?? "{amount}", ["amount": chrome.money(threshold.amount)])
            }
            return values
        }
    }

    /// "arrives 08/12/2026 – 10/12/2026" (or on one day) in the visitor's language.
    func arrives(_ window: DeliveryWindow, chrome: PageChrome) -> String {
        let strings = self.strings(chrome.preferences.language)
        let (from, to) = (chrome.format.day(window.earliest), chrome.format.day(window.latest))
        return from == to
            ? MessageTexts.fill(strings["arrives_on"] ?? "{day}", ["day": from])
            : MessageTexts.fill(strings["arrives_window"] ?? "{from} – {to}", ["from": from, "to": to])
    }

    func totalsValues(_ totals: TotalsDTO, chrome: PageChrome) -> [String: Any] {
        ["subtotal": chrome.money(totals.subtotal.amount), "shipping": chrome.money(totals.shipping.amount),
         "tax": chrome.money(totals.tax.amount), "total": chrome.money(totals.total.amount), "taxIncluded": totals.pricesIncludeTax]
    }
}
