import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// Parcels through HTTP: staff ship through the API and the console, a carrier's signed webhook
/// moves a parcel on, and the fan sees tracking and the delivery on the order.
struct ShippingHTTPTests: HTTPHarness {
    /// A paid order of one unit in India; answers the fan's token, staff's token and the order id.
    func paidOrder(_ client: any TestClientProtocol, _ services: MilletServices, key: String) async throws -> (fan: String, staff: String, orderId: String) {
        let fan = try await logIn(client, "fan@millet.test", "millet-fan")
        let staff = try await logIn(client, "staff@millet.test", "millet-staff")
        let sku = try #require(try await services.catalog.product(slug: "millet-note-3")).skus[0].id
        let orderId = try await client.execute(
            uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: key]),
            body: json(["market": "IN", "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]]])
        ) { try decode($0)["id"] as! String }
        let payment = try await services.payments.createPayment(orderId: orderId, provider: "sandbox", now: services.clock.now())
        let signed = services.sandbox.notice(for: payment, kind: .succeeded, now: services.clock.now())
        try await client.execute(
            uri: "/api/v1/payments/sandbox/webhook", method: .post, headers: [.init("Millet-Signature")!: signed.signature],
            body: ByteBuffer(bytes: signed.body)) { #expect($0.status == .ok) }
        return (fan, staff, orderId)
    }

    @Test func aParcelShippedThroughTheAPIIsDeliveredByTheCarriersWebhook() async throws {
        try await withApp { client, services in
            let (fan, staff, orderId) = try await paidOrder(client, services, key: "ship-api-1")
            let ship = { (token: String, body: [String: Any]) in
                try await client.execute(uri: "/api/v1/staff/orders/\(orderId)/shipments", method: .post, headers: bearer(token), body: json(body)) {
                    ($0.status, $0.status == .created ? "" : try errorCode($0))
                }
            }
            #expect(try await ship(fan, ["carrier": "bluedart", "trackingNumber": "BD-100"]) == (.forbidden, "forbidden"))
            #expect(try await ship(staff, ["carrier": "Blue Dart"]) == (.unprocessableContent, "invalid_input"))
            #expect(try await ship(staff, ["carrier": "bluedart", "lines": [["skuId": "x", "quantity": 0]]]) == (.unprocessableContent, "invalid_input"))
            #expect(try await ship(staff, ["carrier": "bluedart", "serials": "SN-1"]).0 == .unprocessableContent)
            try await client.execute(
                uri: "/api/v1/staff/orders/\(Identifier.make())/shipments", method: .post, headers: bearer(staff), body: json(["carrier": "bluedart"])
            ) { #expect($0.status == .notFound) }
            #expect(try await ship(staff, ["carrier": "bluedart", "trackingNumber": "bd-100", "serials": ["SN-API-1"]]).0 == .created)

            let webhook = { (carrier: String, notice: [String: Any], signature: String?) in
                let body = Array(try JSONSerialization.data(withJSONObject: notice))
                var headers = HTTPFields()
                headers[.init("Millet-Signature")!] = signature ?? services.shippingDesk.signature.sign(body: body, timestamp: services.clock.now())
                return try await client.execute(
                    uri: "/api/v1/carriers/\(carrier)/webhook", method: .post, headers: headers, body: ByteBuffer(bytes: body)
                ) { ($0.status, $0.status == .ok ? (try decode($0)["outcome"] as? String ?? "") : try errorCode($0)) }
            }
            let at = ISO8601DateFormatter().string(from: services.clock.now())
            let delivered: [String: Any] = ["eventId": "bd-evt-1", "trackingNumber": "BD-100", "status": "delivered", "at": at, "location": "Bengaluru"]
            #expect(try await webhook("bluedart", delivered, "t=1,v1=00") == (.unauthorized, "unauthenticated"))
            #expect(try await webhook("bluedart", ["eventId": "bd-evt-0", "status": "teleported"], nil) == (.unprocessableContent, "invalid_input"))
            #expect(try await webhook("bluedart", ["eventId": "bd-evt-2", "trackingNumber": "BD-999", "status": "delivered", "at": at], nil).0 == .notFound)
            #expect(try await webhook("Blue Dart", delivered, nil).0 == .notFound)
            #expect(try await webhook("bluedart", delivered, nil) == (.ok, "order_delivered"))
            #expect(try await webhook("bluedart", delivered, nil) == (.ok, "duplicate"))

            try await client.execute(uri: "/api/v1/orders/\(orderId)", method: .get, headers: bearer(fan)) { response in
                let order = try decode(response)
                let shipment = try #require((order["shipments"] as? [[String: Any]])?.first)
                #expect(order["status"] as? String == "delivered" && order["deliveredAt"] as? String == at)
                #expect(shipment["trackingNumber"] as? String == "BD-100" && shipment["status"] as? String == "delivered")
                #expect(shipment["serials"] as? [String] == ["SN-API-1"] && (shipment["scans"] as? [[String: Any]])?.count == 2)
            }
        }
    }

    @Test func theConsoleShipsAParcelAndTheSandboxCarrierMovesItOn() async throws {
        try await withApp { client, services in
            let (fan, staff, orderId) = try await paidOrder(client, services, key: "ship-page-1")
            var console = pageHeaders(session: staff)
            let sku = try #require(try await services.orders.order(id: orderId)).lines[0].skuId
            // A tracking number too short: the order's page again, with the reason and what was typed.
            try await client.execute(
                uri: "/staff/orders/\(orderId)/shipments", method: .post, headers: console,
                body: form(["carrier": "sandbox-post", "trackingNumber": "SB2", "skuId": sku, "quantity": "1", "serials": "SN-PAGE-1"])
            ) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .unprocessableContent && page.contains("id=\"ship-error\"") && page.contains("value=\"SB2\""))
                #expect(page.contains("value=\"SN-PAGE-1\"") && page.contains("id=\"ship-form\""))
            }
            #expect(try await services.orders.order(id: orderId)?.shipments.isEmpty == true)
            // A refund above what was paid: refused by the form, which keeps the reason typed.
            try await client.execute(
                uri: "/staff/orders/\(orderId)/refunds", method: .post, headers: console, body: form(["amount": "99999999", "reason": "too much"])
            ) { response in
                let page = String(buffer: response.body)
                #expect(response.status.code >= 400 && page.contains("id=\"refund-error\"") && page.contains("value=\"too much\""))
            }
            try await client.execute(
                uri: "/staff/orders/\(orderId)/shipments", method: .post, headers: console,
                body: form(["carrier": "sandbox-post", "trackingNumber": "SP-42", "skuId": sku, "quantity": "1", "serials": "SN-PAGE-1"])
            ) { #expect($0.status == .seeOther) }
            let shipmentId = try #require(try await services.orders.order(id: orderId)?.shipments.first?.id)
            for status in ["in_transit", "out_for_delivery", "delivered"] {
                try await client.execute(
                    uri: "/staff/orders/\(orderId)/shipments/\(shipmentId)/scans", method: .post, headers: console, body: form(["status": status])
                ) { #expect($0.status == .seeOther, "\(status)") }
            }
            try await client.execute(
                uri: "/staff/orders/\(orderId)/shipments/\(shipmentId)/scans", method: .post, headers: console, body: form(["status": "in_transit"])
            ) { #expect($0.status == .conflict) }
            console = pageHeaders(session: fan)
            try await client.execute(
                uri: "/staff/orders/\(orderId)/shipments/\(shipmentId)/scans", method: .post, headers: console, body: form(["status": "delivered"])
            ) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/orders/\(orderId)", method: .get, headers: [.cookie: "\(IdentityMiddleware.cookieName)=\(fan)"]) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("data-status=\"delivered\"") && page.contains("<code class=\"tracking\">SP-42</code>"))
                #expect(page.contains("id=\"delivered-at\"") && !page.contains("sandbox-scan") && !page.contains("id=\"ship-form\""))
            }
        }
    }
}
