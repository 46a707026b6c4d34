import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import MilletStorage
import Testing
@testable import MilletHTTP

/// In-process tests of the API: every request goes through the real router, middleware and an
/// SQLite database loaded with the demo data.
@Suite struct HTTPTests: HTTPHarness {
    @Test func aFanRegistersBuysPaysThroughASignedWebhookAndSeesTheTimeline() async throws {
        try await withApp { client, services in
            let token = try await client.execute(uri: "/api/v1/accounts", method: .post,
                                                 body: json(["email": "new@fan.test", "password": "long-password", "displayName": "New"])) { response in
                #expect(response.status == .created)
                return try decode(response)["token"] as! String
            }
            let sku = try await client.execute(uri: "/api/v1/products/millet-note-3?market=IN", method: .get) { response in
                let product = try decode(response)
                return ((product["skus"] as! [[String: Any]])[0]["id"] as! String)
            }
            try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: bearer(token), body: json(["market": "IN", "skuId": sku, "quantity": 2])) { response in
                #expect(response.status == .created)
            }
            let order = try await client.execute(uri: "/api/v1/orders", method: .post, headers: bearer(token, [.init("Idempotency-Key")!: "checkout-0001"]),
                                                 body: json(["market": "IN", "shippingAddress": address])) { response in
                #expect(response.status == .created)
                return try decode(response)
            }
            let orderId = order["id"] as! String
            #expect(order["status"] as? String == "pending_payment")
            // The same key again: the same order, not a second one.
            try await client.execute(uri: "/api/v1/orders", method: .post, headers: bearer(token, [.init("Idempotency-Key")!: "checkout-0001"]),
                                     body: json(["market": "IN", "shippingAddress": address])) { response in
                #expect(response.status == .ok)
                let value = try decode(response); #expect(value["id"] as? String == orderId)
            }
            // The same key with another request is refused, not answered with the first order.
            try await client.execute(uri: "/api/v1/orders", method: .post, headers: bearer(token, [.init("Idempotency-Key")!: "checkout-0001"]),
                                     body: json(["market": "IN", "shippingAddress": address, "shippingMethod": "express"])) { response in
                let code = try errorCode(response)
                #expect(response.status == .unprocessableContent && code == "idempotency_key_reused")
            }
            let payment = try await client.execute(uri: "/api/v1/orders/\(orderId)/payments", method: .post, headers: bearer(token), body: json(["provider": "sandbox"])) { response in
                #expect(response.status == .created)
                return try decode(response)
            }
            let stored = try #require(try await services.payments.payment(id: payment["id"] as! String))
            let signed = services.sandbox.notice(for: stored, kind: .succeeded, now: services.clock.now())
            // A wrong signature is refused and changes nothing.
            try await client.execute(uri: "/api/v1/payments/sandbox/webhook", method: .post, headers: [.init("Millet-Signature")!: "t=1,v1=00"], body: ByteBuffer(bytes: signed.body)) { response in
                #expect(response.status == .unauthorized)
            }
            for expected in ["order_paid", "duplicate"] {
                try await client.execute(uri: "/api/v1/payments/sandbox/webhook", method: .post, headers: [.init("Millet-Signature")!: signed.signature], body: ByteBuffer(bytes: signed.body)) { response in
                    #expect(response.status == .ok)
                    let value = try decode(response); #expect(value["outcome"] as? String == expected)
                }
            }
            try await client.execute(uri: "/api/v1/orders/\(orderId)", method: .get, headers: bearer(token)) { response in
                let body = try decode(response)
                #expect(body["status"] as? String == "paid")
                #expect((body["timeline"] as! [[String: Any]]).map { $0["to"] as! String } == ["pending_payment", "paid"])
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] == "Bearer realm=\"metrics\"")
            }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(token)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(services.metricsToken)) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("millet_orders{status=\"paid\"} 1"))
                #expect(text.contains("millet_http_requests_total"))
                #expect(text.contains("# TYPE process_cpu_seconds_total counter") && text.contains("process_resident_memory_bytes "))
                #expect(text.contains("# HELP millet_orders "))
                #expect(text.contains("millet_outbox_pending{outbox=\"notices\"} ") && text.contains("millet_outbox_oldest_age_seconds{outbox=\"refunds\"} 0"))
            }
        }
    }

    @Test func badInputGetsAClearErrorAndChangesNothing() async throws {
        try await withApp { client, services in
            let token = try await logIn(client, "fan@millet.test", "millet-fan")
            let cases: [(ByteBuffer, HTTPResponse.Status, String)] = [
                (ByteBuffer(string: "{not json"), .badRequest, "malformed_json"),
                (json(["market": "IN", "skuId": "x", "quantity": "two"]), .unprocessableContent, "invalid_input"),
                (json(["market": "IN", "skuId": "x"]), .unprocessableContent, "invalid_input"),
                (json(["market": "IN", "skuId": Identifier.make(), "quantity": 1]), .unprocessableContent, "invalid_input"),
                (json(["market": "IN", "skuId": Identifier.make(), "quantity": -3]), .unprocessableContent, "invalid_input"),
                // Foundation on Linux rejects an integer field holding 1e30 as invalid JSON.
                (json(["market": "IN", "skuId": Identifier.make(), "quantity": 1e30]), .badRequest, "malformed_json"),
                (json(["market": "XX", "skuId": Identifier.make(), "quantity": 1]), .unprocessableContent, "invalid_input"),
                (ByteBuffer(repeating: 32, count: 70 * 1024), .contentTooLarge, "body_too_large"),
            ]
            for (body, status, code) in cases {
                try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: bearer(token), body: body) { response in
                    #expect(response.status == status)
                    let value = try errorCode(response); #expect(value == code)
                }
            }
            // JSON labelled as text or a form, as a cross-site form posts it, is refused unread.
            let good = json(["market": "IN", "skuId": try #require(try await services.catalog.product(slug: "millet-note-3")).skus[0].id, "quantity": 1])
            for label in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: bearer(token, [.contentType: label]), body: good) { response in
                    let code = try errorCode(response)
                    #expect(response.status == .unsupportedMediaType && code == "unsupported_media_type", "\(label)")
                }
            }
            let fan = try #require(try await services.accounts.account(email: "fan@millet.test"))
            #expect(try await services.carts.cart(for: .account(fan.id), marketCode: "IN").items.isEmpty)
            try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: bearer(token, [.contentType: "application/json; charset=utf-8"]), body: good) {
                #expect($0.status == .created || $0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/orders", method: .post, headers: bearer(token), body: json(["market": "IN", "shippingAddress": address])) { response in
                #expect(response.status == .unprocessableContent)
                let value = try decode(response); #expect(value["error"].flatMap { ($0 as? [String: Any])?["fields"] as? [String: String] }?["Idempotency-Key"] != nil)
            }
            try await client.execute(uri: "/api/v1/orders", method: .post, headers: bearer(token, [.init("Idempotency-Key")!: "currency-01"]),
                                     body: json(["market": "IN", "currency": "EUR", "shippingAddress": address])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                let value = try errorCode(response); #expect(value == "not_found")
            }
        }
    }

    @Test func rolesAndOwnershipAreCheckedOnTheServer() async throws {
        try await withApp { client, services in
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            try await client.execute(uri: "/api/v1/staff/orders", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/staff/orders", method: .get, headers: bearer(fan)) { response in
                #expect(response.status == .forbidden)
                let value = try errorCode(response); #expect(value == "forbidden")
            }
            try await client.execute(uri: "/api/v1/staff/orders", method: .get, headers: bearer(staff)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(String(repeating: "a", count: 64))) { #expect($0.status == .unauthorized) }

            // Another fan's order is not found, not forbidden: its existence is not confirmed.
            let sku = try #require(try await services.catalog.product(slug: "millet-band-2")).skus[0].id
            let orderId = try await client.execute(uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: "own-order-1"]),
                                                   body: json(["market": "GB", "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]]])) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as! String
            }
            let other = try await client.execute(uri: "/api/v1/accounts", method: .post, body: json(["email": "b@fan.test", "password": "password-b", "displayName": "B"])) {
                try decode($0)["token"] as! String
            }
            try await client.execute(uri: "/api/v1/orders/\(orderId)", method: .get, headers: bearer(other)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/orders/\(orderId)/cancel", method: .post, headers: bearer(other)) { #expect($0.status == .notFound) }
            // Staff can ship only what is paid: an illegal transition is a 409.
            try await client.execute(uri: "/api/v1/staff/orders/\(orderId)/events", method: .post, headers: bearer(staff), body: json(["event": "ship"])) { response in
                #expect(response.status == .conflict)
                let value = try errorCode(response); #expect(value == "illegal_transition")
            }
            try await client.execute(uri: "/api/v1/orders/\(orderId)/cancel", method: .post, headers: bearer(fan)) { response in
                let value = try decode(response); #expect(value["status"] as? String == "cancelled")
            }
        }
    }

    @Test func theMarginCapRefusesAPriceAndStaffCanSetOneWithinIt() async throws {
        try await withApp { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let sku = try #require(try await services.catalog.product(slug: "millet-band-2")).skus[0].id
            let body: [String: Any] = ["skuId": sku, "market": "GB", "price": 12_000, "billOfMaterials": 8_000, "logistics": 1_000, "duty": 1_000]
            try await client.execute(uri: "/api/v1/staff/prices", method: .put, headers: bearer(staff), body: json(body)) { response in
                #expect(response.status == .ok)
            }
            var tooHigh = body
            tooHigh["price"] = 12_700
            try await client.execute(uri: "/api/v1/staff/prices", method: .put, headers: bearer(staff), body: json(tooHigh)) { response in
                #expect(response.status == .conflict)
                let value = try errorCode(response); #expect(value == "margin_cap_exceeded")
            }
            #expect(try await services.catalog.price(skuId: sku, marketCode: "GB")?.shelfPrice == 12_000)
        }
    }

    @Test func repeatedFailedLogInsAreThrottled() async throws {
        try await withApp { client, _ in
            for _ in 0..<5 {
                try await client.execute(uri: "/api/v1/sessions", method: .post, body: json(["email": "fan@millet.test", "password": "wrong-password"])) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/api/v1/sessions", method: .post, body: json(["email": "fan@millet.test", "password": "millet-fan"])) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
            }
        }
    }

    @Test func pagesRenderInTheVisitorsLanguageAndMarket() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "es-ES,es;q=0.9"]) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("lang=\"es\""))
                #expect(html.contains(" €"))
            }
            try await client.execute(uri: "/products/millet-note-3", method: .get, headers: [.cookie: "millet_market=ID; millet_lang=id"]) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Rp "))
                #expect(html.contains("Apa yang Anda bayar"))
            }
            try await client.execute(uri: "/orders", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/login") == true)
            }
        }
    }
}

@Suite struct LocaleFormatTests {
    @Test func moneyIsWrittenTheLocalWay() {
        #expect(LocaleFormat(language: "en", region: "IN").money(12_345_678_90, currency: "INR", minorDigits: 2) == "₹1,23,45,678.90")
        #expect(LocaleFormat(language: "es", region: "ES").money(123_456, currency: "EUR", minorDigits: 2) == "1.234,56 €")
        #expect(LocaleFormat(language: "id", region: "ID").money(3_999_000, currency: "IDR", minorDigits: 0) == "Rp 3.999.000")
        #expect(LocaleFormat(language: "zh-Hans", region: "CN").money(149_900, currency: "CNY", minorDigits: 2) == "¥1,499.00")
        #expect(LocaleFormat(language: "en", region: "GB").money(5, currency: "GBP", minorDigits: 2) == "£0.05")
    }
}
