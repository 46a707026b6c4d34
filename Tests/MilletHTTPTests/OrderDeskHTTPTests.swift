import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// The order desk through HTTP: every way an order is cancelled gives its flash-sale unit back,
/// and a refund shows on the order and at the sandbox provider.
struct OrderDeskHTTPTests: HTTPHarness {
    func session(_ token: String) -> HTTPFields {
        [.cookie: "\(IdentityMiddleware.cookieName)=\(token); \(csrfCookie)", FormGuardMiddleware.header: formToken(session: token)]
    }

    /// A fan buys the sale's one unit; answers the order id.
    func buyTheUnit(_ client: any TestClientProtocol, _ saleId: String, _ name: String) async throws -> (fan: String, orderId: String) {
        let fan = try await newFan(client, name)
        let sale = FlashSaleHTTPTests()
        let (status, code, body) = try await sale.buy(client, saleId, fan, token: try await sale.token(client, saleId, fan))
        #expect(status == .created, "\(name): \(code)")
        return (fan, body["id"] as? String ?? "")
    }

    @Test func aCancelFromEveryPathGivesTheFlashSaleUnitBack() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let endsAt = ISO8601DateFormatter().string(from: clock.now().addingTimeInterval(4 * 3600))
            let saleId = try await scheduleSale(client, services, units: 1, extra: ["endsAt": endsAt])
            clock.advance(by: 60)
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let sale = FlashSaleHTTPTests()

            // The fan cancels through the API.
            var holder = try await buyTheUnit(client, saleId, "Asha")
            let late = try await newFan(client, "Late")
            #expect(try await sale.buy(client, saleId, late, token: try await sale.token(client, saleId, late)).1 == "sold_out")
            // Operators see the attempts by outcome.
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(services.metricsToken)) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("millet_flash_sale_purchase_attempts_total{outcome=\"created\"} 1"))
                #expect(text.contains("millet_flash_sale_purchase_attempts_total{outcome=\"sold_out\"} 1"))
                #expect(text.contains("millet_sale_journal_purchases_total 1") && text.contains("millet_live_viewers 0"))
            }
            try await client.execute(uri: "/api/v1/orders/\(holder.orderId)/cancel", method: .post, headers: bearer(holder.fan)) {
                #expect($0.status == .ok)
            }
            // The fan cancels on the order page.
            holder = try await buyTheUnit(client, saleId, "Ravi")
            try await client.execute(uri: "/orders/\(holder.orderId)/cancel", method: .post, headers: session(holder.fan)) {
                #expect($0.status == .seeOther)
            }
            // Staff cancel.
            holder = try await buyTheUnit(client, saleId, "Meera")
            try await client.execute(
                uri: "/api/v1/staff/orders/\(holder.orderId)/events", method: .post, headers: bearer(staff), body: json(["event": "cancel"])
            ) { #expect($0.status == .ok) }
            // Staff cancel on the console.
            holder = try await buyTheUnit(client, saleId, "Sana")
            var console = session(staff)
            console[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(
                uri: "/staff/orders/\(holder.orderId)/events", method: .post, headers: console, body: form(["event": "cancel"])
            ) { #expect($0.status == .seeOther) }
            // Nobody pays before the deadline.
            holder = try await buyTheUnit(client, saleId, "Kiran")
            clock.advance(by: 31 * 60)
            #expect(try await services.orderDesk.expireOverdue() == [holder.orderId])
            // The payment arrives after the deadline, before the sweep: the order expires then and
            // the money goes back.
            holder = try await buyTheUnit(client, saleId, "Nila")
            let payment = try await services.payments.createPayment(orderId: holder.orderId, provider: "sandbox", now: services.clock.now())
            clock.advance(by: 31 * 60)
            let signed = services.sandbox.notice(for: payment, kind: .succeeded, now: services.clock.now())
            try await client.execute(
                uri: "/api/v1/payments/sandbox/webhook", method: .post, headers: [.init("Millet-Signature")!: signed.signature],
                body: ByteBuffer(bytes: signed.body)
            ) { response in
                let receipt = try decode(response)
                #expect(receipt["outcome"] as? String == "refunded_late")
            }
            let last = try await buyTheUnit(client, saleId, "Dev")

            try await services.engine.tick()
            let figures = try await sale.live(client, saleId)
            #expect(figures["sold"] as? Int == 1 && figures["left"] as? Int == 0)
            try await client.execute(uri: "/api/v1/orders/\(last.orderId)", method: .get, headers: bearer(last.fan)) {
                let order = try decode($0)
                #expect(order["status"] as? String == "pending_payment")
            }
        }
    }

    @Test func staffFindAnOrderByNumberEmailOrNameAndPageThroughThem() async throws {
        try await withApp { client, services in
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let ana = try await newFan(client, "Anabel")
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let sku = try #require(try await services.catalog.product(slug: "millet-note-3")).skus[0].id
            var numbers: [String: String] = [:]
            for (token, key) in [(fan, "search-1"), (ana, "search-2")] {
                numbers[key] = try await client.execute(
                    uri: "/api/v1/orders", method: .post, headers: bearer(token, [.init("Idempotency-Key")!: key]),
                    body: json(["market": "IN", "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]]])
                ) { try decode($0)["number"] as! String }
            }
            func found(_ query: String) async throws -> [String] {
                let q = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                return try await client.execute(uri: "/api/v1/staff/orders?q=\(q)", method: .get, headers: bearer(staff)) { response in
                    #expect(response.status == .ok)
                    return (try decode(response)["items"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
                }
            }
            #expect(try await found("ANABEL") == [numbers["search-2"]!])
            #expect(try await found("fan@millet") == [numbers["search-1"]!])
            #expect(try await found(String(numbers["search-1"]!.suffix(6)).lowercased()).contains(numbers["search-1"]!))
            let percent = try await found("%"), underscore = try await found("_")
            #expect(percent.isEmpty && underscore.isEmpty)
            try await client.execute(uri: "/api/v1/staff/orders?q=\(String(repeating: "x", count: 101))", method: .get, headers: bearer(staff)) {
                #expect($0.status == .unprocessableContent)
            }
            // The console's list: the customer and when, a search that finds nothing says so, and pages link on.
            let page = try await client.execute(uri: "/staff/orders?q=anabel", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(page.contains(numbers["search-2"]!) && page.contains("anabel@fans.test") && !page.contains(numbers["search-1"]!))
            #expect(!page.contains("id=\"next-page\"") && !page.contains("id=\"previous-page\""))
            let none = try await client.execute(uri: "/staff/orders?q=nobody-at-all", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(none.contains("id=\"no-orders\""))
            let second = try await client.execute(uri: "/staff/orders?page=2&status=pending_payment", method: .get, headers: pageHeaders(session: staff)) {
                String(buffer: $0.body)
            }
            #expect(second.contains("href=\"/staff/orders?page=1&amp;status=pending_payment\"") || second.contains("href=\"/staff/orders?page=1&status=pending_payment\""))
        }
    }

    @Test func aRefundShowsOnTheOrderAndAtTheSandbox() async throws {
        try await withApp { client, services in
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let sku = try #require(try await services.catalog.product(slug: "millet-note-3")).skus[0].id
            let orderId = try await client.execute(
                uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: "refund-order-1"]),
                body: json(["market": "IN", "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]]])
            ) { try decode($0)["id"] as! String }
            let payment = try await services.payments.createPayment(orderId: orderId, provider: "sandbox", now: services.clock.now())
            let signed = services.sandbox.notice(for: payment, kind: .succeeded, now: services.clock.now())
            try await client.execute(
                uri: "/api/v1/payments/sandbox/webhook", method: .post, headers: [.init("Millet-Signature")!: signed.signature],
                body: ByteBuffer(bytes: signed.body)) { #expect($0.status == .ok) }

            let refund = { (token: String, body: [String: Any]) in
                try await client.execute(uri: "/api/v1/staff/orders/\(orderId)/refunds", method: .post, headers: bearer(token), body: json(body)) {
                    ($0.status, $0.status == .created ? "" : try errorCode($0))
                }
            }
            #expect(try await refund(fan, ["amount": 1_000, "reason": "box damaged"]) == (.forbidden, "forbidden"))
            #expect(try await refund(staff, ["amount": 0, "reason": "box damaged"]) == (.unprocessableContent, "invalid_input"))
            #expect(try await refund(staff, ["amount": 1_000, "reason": "  "]) == (.unprocessableContent, "invalid_input"))
            #expect(try await refund(staff, ["amount": "1000", "reason": "box damaged"]).0 == .unprocessableContent)
            #expect(try await refund(staff, ["reason": "box damaged"]).0 == .unprocessableContent)
            #expect(try await refund(staff, ["amount": payment.amount + 1, "reason": "too much"]) == (.conflict, "refund_exceeds_capture"))
            try await client.execute(
                uri: "/api/v1/staff/orders/\(Identifier.make())/refunds", method: .post, headers: bearer(staff),
                body: json(["amount": 1_000, "reason": "box damaged"])) { #expect($0.status == .notFound) }
            #expect(try await refund(staff, ["amount": 1_000, "reason": "box damaged"]).0 == .created)

            let sandboxRefunds = { (token: String) in
                try await client.execute(uri: "/api/v1/payments/sandbox/refunds?paymentId=\(payment.id)", method: .get, headers: bearer(token)) {
                    ($0.status, (try? decode($0)["items"] as? [[String: Any]]) ?? [])
                }
            }
            #expect(try await sandboxRefunds(fan).0 == .forbidden)
            #expect(try await sandboxRefunds(staff).1.isEmpty)
            #expect(try await services.refundSender.sendDue() == 1)
            let recorded = try await sandboxRefunds(staff).1
            #expect(recorded.count == 1 && (recorded.first?["amount"] as? [String: Any])?["amount"] as? Int == 1_000)
            let reference = try #require(recorded.first?["reference"] as? String)

            try await client.execute(uri: "/api/v1/orders/\(orderId)", method: .get, headers: bearer(fan)) { response in
                let order = try decode(response)
                #expect(order["status"] as? String == "paid")
                let refunds = try #require(order["refunds"] as? [[String: Any]])
                #expect(refunds.count == 1 && refunds[0]["status"] as? String == "succeeded" && refunds[0]["providerReference"] as? String == reference)
                let notes = (order["timeline"] as? [[String: Any]] ?? []).compactMap { $0["note"] as? String }
                #expect(notes.contains("refund of INR 10.00 requested: box damaged"))
                #expect(notes.contains("refund of INR 10.00 succeeded (\(reference))"))
            }
            try await client.execute(uri: "/pay/sandbox/\(payment.id)", method: .get, headers: session(fan)) { response in
                #expect(String(buffer: response.body).contains(reference))
            }
            try await client.execute(uri: "/orders/\(orderId)", method: .get, headers: session(fan)) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("id=\"refunds\"") && !page.contains("refund-form"))
            }

            // Staff refund from the order's page, typing the amount as money.
            try await client.execute(uri: "/orders/\(orderId)", method: .get, headers: session(staff)) { response in
                #expect(String(buffer: response.body).contains("id=\"refund-form\""))
            }
            var headers = session(staff)
            headers[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(
                uri: "/staff/orders/\(orderId)/refunds", method: .post, headers: headers, body: form(["amount": "12.5", "reason": "missing charger"])
            ) { #expect($0.status == .seeOther) }
            try await client.execute(
                uri: "/staff/orders/\(orderId)/refunds", method: .post, headers: headers, body: form(["amount": "12.505", "reason": "too precise"])
            ) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/orders/\(orderId)", method: .get, headers: bearer(fan)) { response in
                let refunds = try decode(response)["refunds"] as? [[String: Any]] ?? []
                #expect(refunds.compactMap { ($0["amount"] as? [String: Any])?["amount"] as? Int }.sorted() == [1_000, 1_250])
            }
        }
    }
}
