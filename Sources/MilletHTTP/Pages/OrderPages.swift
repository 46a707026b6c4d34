import Foundation
import Hummingbird
import MilletCore

/// Checkout, the sandbox's pay page, and the fan's orders with their timeline, refunds and
/// tax documents.
struct OrderPages {
    let pages: PageKit
    let orderDesk: OrderDesk
    let orders: any OrderRepository
    let payments: any PaymentRepository
    let invoices: any InvoiceRepository
    let carts: any CartRepository
    let storefront: Storefront
    let sandbox: SandboxPaymentProvider
    let clock: any MilletClock

    struct CheckoutForm: Decodable {
        let name, line1, city, postcode, phone: String
        let idempotencyKey: String
        let shippingMethod: String?
        let taxId: String?
    }

    struct PayForm: Decodable {
        let outcome: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("checkout") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let view = try await storefront.cart(.account(account.id), market: chrome.market, language: chrome.preferences.language).view
            guard !view.items.isEmpty else { return redirect("/cart") }
            var values = pages.cartValues(view, chrome: chrome)
            // A fresh key per form: pressing "Place order" twice gives one order.
            values["idempotencyKey"] = Identifier.make()
            values["name"] = account.displayName
            values["paymentMinutes"] = chrome.market.paymentWindowMinutes
            return pages.page("checkout", values, chrome: chrome)
        }
        groups.open.post("checkout") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let form = try await request.decodeForm(CheckoutForm.self, context: context)
            let cart = try await carts.cart(for: .account(account.id), marketCode: chrome.market.code)
            let (order, _) = try await orderDesk.place(
                accountId: account.id, market: chrome.market, items: cart.items,
                address: try ShippingAddress(name: form.name, line1: form.line1, city: form.city, postcode: form.postcode, phone: form.phone),
                shippingMethod: form.shippingMethod, buyerTaxId: form.taxId, idempotencyKey: try Checkout.validate(idempotencyKey: form.idempotencyKey), language: chrome.preferences.language,
                clearingCart: cart.id)
            guard order.status == .pendingPayment else { return redirect("/orders/\(order.id)") }
            let payment = try await payments.createPayment(orderId: order.id, provider: sandbox.name, now: clock.now())
            return redirect(sandbox.payURL(for: payment))
        }
        groups.open.get("pay/sandbox/:paymentId") { request, context in
            let chrome = try await pages.chrome(request, context)
            let (payment, order) = try await ownedPayment(try context.parameters.require("paymentId"), context: context)
            let market = try await pages.markets.requireMarket(order.marketCode)
            let format = LocaleFormat(language: chrome.preferences.language, region: market.code)
            let refunds = try await sandbox.ledger.sandboxRefunds(paymentId: payment.id, limit: 100)
            return pages.page("pay", [
                "hasRefunds": !refunds.isEmpty,
                "paymentId": payment.id, "orderId": order.id, "number": order.number, "status": payment.status.rawValue,
                "payable": payment.status == .pending || payment.status == .failed,
                "amount": format.money(payment.amount, currency: payment.currency, minorDigits: market.currency.minorDigits),
                "deadline": chrome.format.dateTime(order.paymentDeadline),
                "refunds": refunds.map { refund in
                    ["reference": refund.reference, "amount": format.money(refund.amount, currency: refund.currency, minorDigits: market.currency.minorDigits),
                     "at": chrome.format.dateTime(refund.createdAt)] as [String: Any]
                },
            ], chrome: chrome)
        }
        groups.open.post("pay/sandbox/:paymentId") { request, context in
            let (payment, order) = try await ownedPayment(try context.parameters.require("paymentId"), context: context)
            let form = try await request.decodeForm(PayForm.self, context: context)
            // The sandbox behaves as a real provider: it signs a webhook and delivers it to Millet's
            // webhook handler, which verifies the signature as it does for any delivery.
            guard let choice = SandboxPaymentProvider.Choice(rawValue: form.outcome) else {
                throw DomainError.invalid(field: "outcome", "must be pay, decline_capture or fail")
            }
            let signed = try await sandbox.choose(choice, for: payment)
            _ = try await PaymentsController(desk: orderDesk, sandbox: sandbox, clock: clock).receive(signature: signed.signature, body: signed.body)
            return redirect("/orders/\(order.id)")
        }
        groups.open.get("orders") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let orders = try await orders.orders(accountId: account.id, offset: 0, limit: 100)
            return pages.page("orders", ["orders": try await orders.asyncMap { try await pages.orderSummary($0, chrome: chrome) }], chrome: chrome)
        }
        groups.open.get("orders/:id") { request, context in
            let chrome = try await pages.chrome(request, context)
            let order = try await orderDesk.order(id: try context.parameters.require("id"), viewer: try context.requireAccount())
            return try await page(order, chrome: chrome)
        }
        groups.open.post("orders/:id/cancel") { _, context in
            let order = try await orderDesk.order(id: try context.parameters.require("id"), viewer: try context.requireAccount())
            _ = try await orderDesk.cancel(orderId: order.id, actor: "account:\(try context.requireAccount().id)", note: "cancelled by the customer")
            return redirect("/orders/\(order.id)")
        }
        groups.open.post("orders/:id/pay") { _, context in
            let order = try await orderDesk.order(id: try context.parameters.require("id"), viewer: try context.requireAccount())
            let payment = try await payments.createPayment(orderId: order.id, provider: sandbox.name, now: clock.now())
            return redirect(sandbox.payURL(for: payment))
        }
    }

    func ownedPayment(_ id: String, context: MilletRequestContext) async throws -> (Payment, Order) {
        guard Identifier.isWellFormed(id), let payment = try await payments.payment(id: id) else { throw DomainError.notFound(what: "payment") }
        let order = try await orderDesk.order(id: payment.orderId, viewer: try context.requireAccount())
        return (payment, order)
    }
}

/// An order as the fan's order page and the staff's order list show it, in its own market's money.
extension PageKit {
    /// An order's money formatted in its own market's currency and the page language.
    func orderFormat(_ order: Order, chrome: PageChrome) async throws -> (Int64) -> String {
        try await marketFormat(order.marketCode, chrome: chrome)
    }

    /// A market's money (a price list, a plan) in its currency and the page language.
    func marketFormat(_ marketCode: String, chrome: PageChrome) async throws -> (Int64) -> String {
        let market = try await markets.requireMarket(marketCode)
        let format = LocaleFormat(language: chrome.preferences.language, region: market.code)
        return { format.money($0, currency: market.currency.code, minorDigits: market.currency.minorDigits) }
    }

    func orderSummary(_ order: Order, chrome: PageChrome) async throws -> [String: Any] {
        let money = try await orderFormat(order, chrome: chrome)
        let t = strings(chrome.preferences.language)
        return ["id": order.id, "number": order.number, "status": order.status.rawValue, "statusLabel": t["status_\(order.status.rawValue)"] ?? order.status.rawValue,
                "total": money(order.totals.total), "createdAt": chrome.format.dateTime(order.createdAt), "market": order.marketCode]
    }

    func orderValues(_ order: Order, chrome: PageChrome) async throws -> [String: Any] {
        let money = try await orderFormat(order, chrome: chrome)
        let t = strings(chrome.preferences.language)
        var values = try await orderSummary(order, chrome: chrome)
        values["lines"] = order.lines.map { ["name": $0.productName, "code": $0.skuCode, "quantity": $0.quantity, "lineTotal": money($0.lineTotal)] as [String: Any] }
        values["totals"] = ["subtotal": money(order.totals.subtotal), "shipping": money(order.totals.shipping), "tax": money(order.totals.tax),
                            "total": money(order.totals.total), "taxIncluded": order.totals.pricesIncludeTax] as [String: Any]
        values["address"] = ["name": order.shippingAddress.name, "line1": order.shippingAddress.line1, "city": order.shippingAddress.city,
                             "postcode": order.shippingAddress.postcode]
        values["timeline"] = order.timeline.map { ["status": t["status_\($0.to.rawValue)"] ?? $0.to.rawValue, "note": $0.note, "actor": $0.actor,
                                                   "at": chrome.format.dateTime($0.at)] as [String: Any] }
        values["refunds"] = order.refunds.map {
            ["amount": money($0.amount), "status": t["refund_\($0.status.rawValue)"] ?? $0.status.rawValue, "reason": $0.reason,
             "at": chrome.format.dateTime($0.createdAt)] as [String: Any]
        }
        values["hasRefunds"] = !order.refunds.isEmpty
        let isStaff = chrome.account?.role.isStaff == true
        values["deliveredAt"] = order.deliveredAt.map { chrome.format.dateTime($0) }
        if let shipping = order.shipping {
            values["shippingMethod"] = shipping.methodName
            // The promise stands until the order arrives or is cancelled.
            if order.deliveredAt == nil, ![.cancelled, .refunded].contains(order.status) {
                values["arrives"] = arrives(shipping.delivery, chrome: chrome)
            }
        }
        values["hasShipments"] = !order.shipments.isEmpty
        values["shipments"] = order.shipments.map { shipment -> [String: Any] in
            var row: [String: Any] = [
                "id": shipment.id, "carrier": shipment.carrier, "units": shipment.units, "status": shipment.status.rawValue,
                "statusLabel": t["shipment_status_\(shipment.status.rawValue)"] ?? shipment.status.rawValue,
                "scans": shipment.scans.map { scan -> [String: Any] in
                    var line: [String: Any] = ["at": chrome.format.dateTime(scan.at), "status": t["shipment_status_\(scan.status.rawValue)"] ?? scan.status.rawValue]
                    line["location"] = scan.location
                    return line
                },
            ]
            row["trackingNumber"] = shipment.trackingNumber
            // Staff move a tracked parcel on as its carrier would, through the sandbox carrier.
            let scans = isStaff && shipment.trackingNumber != nil ? ShipmentStatus.allCases.filter { $0 != .created && shipment.status.accepts($0) } : []
            row["hasSandboxScans"] = !scans.isEmpty
            row["sandboxScans"] = scans.map {
                ["orderId": order.id, "shipmentId": shipment.id, "code": $0.rawValue, "label": t["shipment_status_\($0.rawValue)"] ?? $0.rawValue] as [String: Any]
            }
            return row
        }
        let shippable = order.unitsLeft(after: order.shipments).filter { $0.value > 0 }.sorted { $0.key < $1.key }
        values["shippable"] = isStaff && [.paid, .shipped].contains(order.status) && !shippable.isEmpty
        values["shippableLines"] = shippable.map { skuId, left in
            ["skuId": skuId, "name": order.lines.first { $0.skuId == skuId }?.productName ?? skuId, "left": left] as [String: Any]
        }
        // Staff may return part of what was paid from the order's page.
        values["refundable"] = chrome.account?.role.isStaff == true && [.paid, .shipped, .delivered, .completed].contains(order.status)
        values["currency"] = order.currency
        values["pending"] = order.status == .pendingPayment
        values["deadline"] = chrome.format.dateTime(order.paymentDeadline)
        values["cancellable"] = OrderLifecycle.events(from: order.status).contains(.cancel) && !(order.isServiceOnly && order.status != .pendingPayment)
        // An order of services only (a pre-order's deposit, a repair) has nothing to put in a parcel.
        values["staffEvents"] = OrderLifecycle.events(from: order.status).filter { $0 != .pay && $0 != .expire && !($0 == .ship && order.isServiceOnly) }
            .map { ["event": $0.rawValue, "label": t["event_\($0.rawValue)"] ?? $0.rawValue, "destructive": $0 == .cancel || $0 == .refund] }
        return values
    }
}

extension OrderPages {
    /// The order's page; a staff form refused on it (`refusedForm`, ``PageKit/refusal(_:strings:)``
    /// under `<form>Error` and what was typed under `<form>Typed`) shows again with its reason.
    func page(_ order: Order, chrome: PageChrome, refusedForm form: String? = nil, typed: [String: String] = [:], error: DomainError? = nil) async throws -> Response {
        var values = try await pages.orderValues(order, chrome: chrome)
        let documents = try await invoices.invoices(orderId: order.id)
        values["hasInvoices"] = !documents.isEmpty
        values["returnable"] = order.status == .delivered || order.status == .completed
        values["invoices"] = pages.invoiceLinks(documents, order: order, chrome: chrome)
        // Authorized and being captured: the page shows it and looks again shortly.
        if try await payments.payments(orderId: order.id).contains(where: { $0.status == .authorized }) {
            values["capturing"] = true
            values["pending"] = false
        }
        if let form, let error {
            values[form + "Error"] = PageKit.refusal(error, strings: pages.strings(chrome.preferences.language))
            values[form + "Typed"] = typed
            if let lines = values["shippableLines"] as? [[String: Any]] {
                values["shippableLines"] = lines.map { line in line.merging(["selected": line["skuId"] as? String == typed["skuId"]]) { $1 } }
            }
        }
        return pages.page("order", values, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }

    /// Runs a staff form of the order's page; a refusal shows the page again with it.
    func refusing(_ orderId: String, form: String, typed: [String: String], _ request: Request, _ context: MilletRequestContext,
                  _ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch let error as DomainError {
            guard Identifier.isWellFormed(orderId), let order = try await orders.order(id: orderId) else { throw error }
            return try await page(order, chrome: try await pages.chrome(request, context), refusedForm: form, typed: typed, error: error)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
