import Foundation
import Hummingbird
import MilletCore

/// The staff console for the shop: products with prices and stock per warehouse, publishing,
/// pricing, stock receipts, and orders with their events and refunds.
struct StaffPages {
    let pages: PageKit
    let catalogDesk: CatalogDesk
    let stockDesk: StockDesk
    let catalog: any CatalogRepository
    let inventory: any InventoryRepository
    let orderDesk: OrderDesk
    let orders: any OrderRepository
    let orderPages: OrderPages
    let accounts: any AccountRepository

    struct PublishForm: Decodable {
        let published: String
    }

    struct PriceForm: Decodable {
        let skuId, market: String
        let price, billOfMaterials, logistics, duty: Int64
    }

    struct ReceiptForm: Decodable {
        let skuId, warehouseId: String
        let quantity: Int64
    }

    struct EventForm: Decodable {
        let event: String
        let note: String?
    }

    struct RefundForm: Decodable {
        /// As staff type it, in major units: `10.50`.
        let amount: String
        let reason: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff") { request, context in
            let chrome = try await pages.chrome(request, context)
            let products = try await catalog.products(includeUnpublished: true, offset: 0, limit: 100)
            return pages.page("staff-products", [
                "products": products.map { ["id": $0.id, "name": $0.text(in: chrome.preferences.language).name, "slug": $0.slug,
                                            "published": $0.published, "skuCount": $0.skus.count] as [String: Any] },
            ], chrome: chrome)
        }
        groups.staff.get("staff/products/:id") { request, context in
            let chrome = try await pages.chrome(request, context)
            let id = try context.parameters.require("id")
            guard Identifier.isWellFormed(id), let product = try await catalog.product(id: id) else { throw DomainError.notFound(what: "product") }
            let warehouses = try await inventory.warehouses(marketCode: nil)
            var rows: [[String: Any]] = []
            for sku in product.skus {
                let stock = try await inventory.stock(skuId: sku.id)
                var prices: [[String: Any]] = []
                for market in chrome.markets {
                    let price = try await catalog.price(skuId: sku.id, marketCode: market.code)
                    prices.append(["market": market.code, "currency": market.currency.code, "price": price?.shelfPrice ?? 0,
                                   "bom": price?.cost.billOfMaterials ?? 0, "logistics": price?.cost.logistics ?? 0, "duty": price?.cost.duty ?? 0])
                }
                rows.append([
                    "id": sku.id, "code": sku.code, "prices": prices,
                    "stock": warehouses.map { warehouse -> [String: Any] in
                        let level = stock.first { $0.warehouseId == warehouse.id }
                        return ["warehouseId": warehouse.id, "warehouse": "\(warehouse.marketCode) · \(warehouse.name)",
                                "received": level?.received ?? 0, "held": level?.held ?? 0, "sold": level?.sold ?? 0, "available": level?.available ?? 0]
                    },
                ])
            }
            return pages.page("staff-product", ["id": product.id, "name": product.text(in: chrome.preferences.language).name,
                                                "published": product.published, "skus": rows], chrome: chrome)
        }
        groups.staff.post("staff/products/:id/publication") { request, context in
            let form = try await request.decodeForm(PublishForm.self, context: context)
            let product = try await catalogDesk.setPublished(productId: try context.parameters.require("id"), form.published == "true")
            return redirect("/staff/products/\(product.id)")
        }
        groups.staff.post("staff/prices") { request, context in
            let form = try await request.decodeForm(PriceForm.self, context: context)
            let price = try await catalogDesk.setPrice(PriceChange(
                skuId: form.skuId, marketCode: form.market, price: form.price,
                cost: CostBasis(billOfMaterials: form.billOfMaterials, logistics: form.logistics, duty: form.duty)))
            return redirect("/staff/products/\(try await catalogDesk.product(ofSKU: price.skuId))")
        }
        groups.staff.post("staff/stock/receipts") { request, context in
            let form = try await request.decodeForm(ReceiptForm.self, context: context)
            let level = try await stockDesk.receive(skuId: form.skuId, warehouseId: form.warehouseId, quantity: form.quantity)
            return redirect("/staff/products/\(try await catalogDesk.product(ofSKU: level.skuId))")
        }
        groups.staff.get("staff/orders") { request, context in
            let chrome = try await pages.chrome(request, context)
            let status = request.uri.queryParameters["status"].flatMap { OrderStatus(rawValue: String($0)) }
            let query = try StaffOrdersController.query(request)
            let page = max(1, min(100_000, request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1))
            let perPage = 50
            let found = try await orders.orders(status: status, matching: query, offset: (page - 1) * perPage, limit: perPage + 1)
            var rows: [[String: Any]] = []
            var buyers: [String: Account] = [:]
            for order in found.prefix(perPage) {
                var row = try await pages.orderValues(order, chrome: chrome)
                if buyers[order.accountId] == nil { buyers[order.accountId] = try await accounts.account(id: order.accountId) }
                row["customer"] = buyers[order.accountId].map { "\($0.displayName) · \($0.email)" } ?? order.shippingAddress.name
                row["placedAt"] = chrome.format.dateTime(order.createdAt)
                rows.append(row)
            }
            let t = pages.strings(chrome.preferences.language)
            // The page's own address with another page number, keeping the filters.
            func link(_ number: Int) -> String {
                var parts = ["page=\(number)"]
                if let status { parts.append("status=\(status.rawValue)") }
                if let query { parts.append("q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
                return "/staff/orders?" + parts.joined(separator: "&")
            }
            var values: [String: Any] = [
                "orders": rows, "hasOrders": !rows.isEmpty, "q": query ?? "", "page": page,
                "statuses": OrderStatus.allCases.map { ["code": $0.rawValue, "label": t["status_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == status] as [String: Any] },
            ]
            if page > 1 { values["previous"] = link(page - 1) }
            if found.count > perPage { values["next"] = link(page + 1) }
            return pages.page("staff-orders", values, chrome: chrome)
        }
        groups.staff.post("staff/orders/:id/events") { request, context in
            let staff = try context.requireAccount()
            let form = try await request.decodeForm(EventForm.self, context: context)
            let order = try await orderDesk.apply(staffEvent: form.event, orderId: try context.parameters.require("id"), serials: [], note: form.note, staffId: staff.id)
            return redirect("/staff/orders?status=\(order.status.rawValue)")
        }
        groups.staff.post("staff/orders/:id/refunds") { request, context in
            let staff = try context.requireAccount()
            let form = try await request.decodeForm(RefundForm.self, context: context)
            let id = try context.parameters.require("id")
            guard Identifier.isWellFormed(id), let order = try await orders.order(id: id) else { throw DomainError.notFound(what: "order") }
            return try await orderPages.refusing(order.id, form: "refund", typed: ["amount": form.amount, "reason": form.reason], request, context) {
                let amount = try Currency.named(order.currency).minorUnits(parsing: form.amount, field: "amount")
                _ = try await orderDesk.refund(orderId: order.id, amount: amount, reason: form.reason, actor: "staff:\(staff.id)")
                return redirect("/orders/\(order.id)")
            }
        }
    }
}
