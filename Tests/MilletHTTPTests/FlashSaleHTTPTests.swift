import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// The flash-sale API end to end in process: staff schedule a sale, fans reserve, fetch tokens and
/// buy, and every refusal answers its own code and status and changes nothing.
struct FlashSaleHTTPTests: HTTPHarness {
    func token(_ client: any TestClientProtocol, _ saleId: String, _ fan: String) async throws -> String {
        try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/tokens", method: .post, headers: bearer(fan)) { response in
            #expect(response.status == .created)
            return try decode(response)["token"] as! String
        }
    }

    /// Tries to buy; answers the status and, for a refusal, its error code.
    func buy(
        _ client: any TestClientProtocol, _ saleId: String, _ fan: String, key: String = Identifier.make(), token: String?, extra: [String: Any] = [:]
    ) async throws -> (HTTPResponse.Status, String, [String: Any]) {
        var body: [String: Any] = ["shippingAddress": address]
        if let token { body["purchaseToken"] = token }
        body.merge(extra) { $1 }
        return try await client.execute(
            uri: "/api/v1/flash-sales/\(saleId)/purchases", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: key]), body: json(body)
        ) { response in
            let decoded = try decode(response)
            let code = (decoded["error"] as? [String: Any])?["code"] as? String ?? ""
            return (response.status, code, decoded)
        }
    }

    func live(_ client: any TestClientProtocol, _ saleId: String) async throws -> [String: Any] {
        try await client.execute(uri: "/api/v1/flash-sales/\(saleId)", method: .get) { try decode($0)["live"] as! [String: Any] }
    }

    @Test func onlyStaffScheduleSalesAndBadRequestsChangeNothing() async throws {
        try await withApp { client, services in
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            try await client.execute(uri: "/api/v1/staff/flash-sales", method: .post, headers: bearer(fan), body: json(["title": "x"])) { response in
                #expect(response.status == .forbidden)
            }
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let sku = try #require(try await services.catalog.product(slug: "millet-note-3")).skus[0].id
            let bad: [[String: Any]] = [
                ["title": "x", "skuId": sku, "market": "IN", "units": 0, "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-01T01:00:00Z"],
                ["title": "x", "skuId": sku, "market": "IN", "units": 5, "startsAt": "2030-01-01T02:00:00Z", "endsAt": "2030-01-01T01:00:00Z"],
                ["title": "x", "skuId": sku, "market": "IN", "units": 5, "startsAt": "soon", "endsAt": "2030-01-01T01:00:00Z"],
                ["title": "x", "skuId": sku, "market": "IN", "units": 5, "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-01T01:00:00Z",
                 "proofOfWorkBits": 40],
                ["title": "x", "skuId": sku, "market": "IN", "units": 5_000, "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-01T01:00:00Z"],
                ["title": "x", "skuId": sku, "market": "XX", "units": 5, "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-01T01:00:00Z"],
            ]
            for body in bad {
                try await client.execute(uri: "/api/v1/staff/flash-sales", method: .post, headers: bearer(staff), body: json(body)) { response in
                    #expect([.badRequest, .conflict, .unprocessableContent].contains(response.status), "\(body)")
                }
            }
            try await client.execute(uri: "/api/v1/flash-sales", method: .get) { response in
                let items = try decode(response)["items"] as? [Any]
                #expect(items?.isEmpty == true)
            }
            let held = try await services.inventory.stock(skuId: sku).reduce(Int64(0)) { $0 + $1.held }
            #expect(held == 0)
        }
    }

    @Test func fansReserveThenBuyWithATokenAndAKeyAnswersOnce() async throws {
        let clock = TestClock()
        try await withApp(clock, admission: Admission(perAccount: (100, 100), perIP: (1000, 1000))) { client, services in
            let saleId = try await scheduleSale(client, services)
            let asha = try await newFan(client, "Asha")
            try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/reservations", method: .post, headers: bearer(asha)) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/reservations", method: .post, headers: bearer(asha)) { response in
                #expect(response.status == .ok)
                let count = try decode(response)["reservations"] as? Int
                #expect(count == 1)
            }
            #expect(try await live(client, saleId)["reservations"] as? Int == 1)
            // Before the start: no token and no purchase.
            try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/tokens", method: .post, headers: bearer(asha)) { response in
                let code = try errorCode(response)
                #expect(response.status == .conflict && code == "not_started")
            }
            var result = try await buy(client, saleId, asha, token: nil)
            #expect(result.0 == .conflict && result.1 == "not_started")

            clock.advance(by: 60)
            try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/reservations", method: .post, headers: bearer(asha)) { response in
                let code = try errorCode(response)
                #expect(response.status == .conflict && code == "reservations_closed")
            }
            result = try await buy(client, saleId, asha, token: nil)
            #expect(result.0 == .forbidden && result.1 == "invalid_purchase_token")
            result = try await buy(client, saleId, asha, token: "forged.token")
            #expect(result.0 == .forbidden && result.1 == "invalid_purchase_token")
            let pass = try await token(client, saleId, asha)
            let first = try await buy(client, saleId, asha, key: "launch-key-0001", token: pass)
            #expect(first.0 == .created && first.2["status"] as? String == "pending_payment")
            #expect(first.2["paymentDeadline"] as? String == ISO8601DateFormatter().string(from: clock.now().addingTimeInterval(1800)))
            // The same key answers the same order, even with the spent token.
            let again = try await buy(client, saleId, asha, key: "launch-key-0001", token: pass)
            #expect(again.0 == .created && again.2["id"] as? String == first.2["id"] as? String)
            // A new key with the spent token, then with a fresh one over the limit.
            result = try await buy(client, saleId, asha, token: pass)
            #expect(result.0 == .forbidden && result.1 == "invalid_purchase_token")
            result = try await buy(client, saleId, asha, token: try await token(client, saleId, asha))
            #expect(result.0 == .conflict && result.1 == "limit_reached")
            // Another fan's token is not Asha's.
            let ravi = try await newFan(client, "Ravi")
            result = try await buy(client, saleId, asha, token: try await token(client, saleId, ravi))
            #expect(result.0 == .forbidden && result.1 == "invalid_purchase_token")

            let order = try #require(try await services.orders.order(id: first.2["id"] as! String))
            #expect(order.status == .pendingPayment)
            let figures = try await services.flashSales.figures(saleId: saleId, now: clock.now(), leaseLifetime: 5)
            #expect(figures.sold == 1)
        }
    }

    @Test func theLastUnitSellsOnceAndThenTheSaleIsSoldOutAndEnds() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, units: 1)
            clock.advance(by: 60)
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi")
            #expect(try await buy(client, saleId, asha, token: try await token(client, saleId, asha)).0 == .created)
            let refused = try await buy(client, saleId, ravi, token: try await token(client, saleId, ravi))
            #expect(refused.0 == .conflict && refused.1 == "sold_out")
            try await services.engine.tick()
            let figures = try await live(client, saleId)
            #expect(figures["soldOut"] as? Bool == true && figures["left"] as? Int == 0 && figures["sold"] as? Int == 1)

            clock.advance(by: 3600)
            let ended = try await buy(client, saleId, ravi, token: nil)
            #expect(ended.0 == .conflict && ended.1 == "ended")
            try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/tokens", method: .post, headers: bearer(ravi)) { response in
                let code = try errorCode(response)
                #expect(response.status == .conflict && code == "ended")
            }
            // An ended sale's stream says so once and closes.
            try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/events", method: .get) { response in
                #expect(response.headers[.contentType] == "text/event-stream")
                let text = String(buffer: response.body)
                #expect(text.contains("event: figures") && text.contains("\"phase\":\"ended\""))
            }
        }
    }

    @Test func aReservedOnlySaleRefusesThoseWhoDidNotReserve() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, extra: ["reservedOnly": true])
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi")
            try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/reservations", method: .post, headers: bearer(asha)) {
                #expect($0.status == .created)
            }
            clock.advance(by: 60)
            try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/tokens", method: .post, headers: bearer(ravi)) { response in
                let code = try errorCode(response)
                #expect(response.status == .forbidden && code == "not_reserved")
            }
            let refused = try await buy(client, saleId, ravi, token: nil)
            #expect(refused.0 == .forbidden && refused.1 == "not_reserved")
            #expect(try await buy(client, saleId, asha, token: try await token(client, saleId, asha)).0 == .created)
        }
    }

    /// The node loads a sale the first time anyone asks about it, which may be long before the
    /// start; fans who reserve after that still buy once it opens, on that node and on a node that
    /// never saw their reservation.
    @Test func aReservationAfterTheNodeLoadedTheSaleStillBuys() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, extra: ["reservedOnly": true])
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi"), meera = try await newFan(client, "Meera")
            try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/tokens", method: .post, headers: bearer(ravi)) { response in
                let code = try errorCode(response)
                #expect(code == "not_started")
            }
            #expect(try await buy(client, saleId, ravi, token: nil).1 == "not_started")
            // A second node on the same database, which also loaded the sale early.
            let other = FlashSaleEngine(
                repository: services.flashSales, catalog: services.catalog, orders: services.orders, markets: services.markets, clock: clock)
            let early = try await services.authenticator.account(forToken: asha)
            await #expect(throws: PurchaseRefusal.notStarted) { try await other.issueToken(saleId: saleId, accountId: try #require(early).id) }
            for fan in [asha, meera] {
                try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/reservations", method: .post, headers: bearer(fan)) {
                    #expect($0.status == .created)
                }
            }
            clock.advance(by: 60)
            #expect(try await buy(client, saleId, asha, token: try await token(client, saleId, asha)).0 == .created)
            let refused = try await buy(client, saleId, ravi, token: nil)
            #expect(refused.0 == .forbidden && refused.1 == "not_reserved")
            let meeraId = try #require(try await services.authenticator.account(forToken: meera)).id
            let pass = try await other.issueToken(saleId: saleId, accountId: meeraId)
            let bought = try await other.purchase(
                saleId: saleId, accountId: meeraId, ip: "192.0.2.7", idempotencyKey: "meera-key-0001",
                address: try ShippingAddress(name: "Meera", line1: "1 FC Road", city: "Pune", postcode: "411001", phone: "9845000001"),
                token: pass.token)
            #expect(!bought.replayed)
            // Well after the start the set is final: a fan who never reserved is still refused.
            clock.advance(by: 60)
            await #expect(throws: PurchaseRefusal.notReserved) {
                try await other.issueToken(saleId: saleId, accountId: try #require(try await services.authenticator.account(forToken: ravi)).id)
            }
            await other.close()
        }
    }

    /// Viewers of the live page share one event per sale for a tenth of a second: a sale bought
    /// from in between shows in the next event, not in the one already made.
    @Test func liveViewersShareTheSalesEvent() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, units: 3)
            let feed = LiveFeed(desk: services.saleDesk, clock: services.clock)
            await #expect(throws: DomainError.notFound(what: "flash sale")) { _ = try await services.saleDesk.sale(id: Identifier.make()) }
            clock.advance(by: 60)
            try await services.engine.tick()
            let sale = try await services.saleDesk.sale(id: saleId)
            #expect(services.saleDesk.knownSales[saleId]?.id == sale.id)
            let first = try await feed.event(for: sale)
            #expect(String(buffer: first.bytes).hasPrefix("event: figures\ndata: {") && !first.ended)
            #expect(String(buffer: first.bytes).contains("\"sold\":0"))
            let asha = try await newFan(client, "Asha")
            #expect(try await buy(client, saleId, asha, token: try await token(client, saleId, asha)).0 == .created)
            try await services.engine.tick()
            clock.advance(by: 0.05)
            #expect(try await feed.event(for: sale).bytes == first.bytes)
            clock.advance(by: 0.06)
            let second = try await feed.event(for: sale)
            #expect(String(buffer: second.bytes).contains("\"sold\":1") && second.bytes != first.bytes)
            clock.advance(by: 3600)
            #expect(try await feed.event(for: sale).ended)
        }
    }

    @Test func floodsAreRateLimitedAndAClosingNodeSheds() async throws {
        let clock = TestClock()
        try await withApp(clock, admission: Admission(perAccount: (2, 0.01), perIP: (1000, 1000))) { client, services in
            let saleId = try await scheduleSale(client, services)
            clock.advance(by: 60)
            let asha = try await newFan(client, "Asha")
            for _ in 0..<2 { #expect(try await buy(client, saleId, asha, token: nil).1 == "invalid_purchase_token") }
            try await client.execute(
                uri: "/api/v1/flash-sales/\(saleId)/purchases", method: .post,
                headers: bearer(asha, [.init("Idempotency-Key")!: "flood-key-0001"]), body: json(["shippingAddress": address])
            ) { response in
                let code = try errorCode(response)
                #expect(response.status == .tooManyRequests && code == "rate_limited")
                #expect(response.headers[.retryAfter] != nil)
            }
            let ravi = try await newFan(client, "Ravi")
            await services.engine.close()
            try await client.execute(
                uri: "/api/v1/flash-sales/\(saleId)/purchases", method: .post,
                headers: bearer(ravi, [.init("Idempotency-Key")!: "late-key-0001"]), body: json(["shippingAddress": address])
            ) { response in
                let code = try errorCode(response)
                #expect(response.status == .serviceUnavailable && code == "overloaded")
                #expect(response.headers[.retryAfter] == "1")
            }
            let figures = try await services.flashSales.figures(saleId: saleId, now: clock.now(), leaseLifetime: 5)
            #expect(figures.sold == 0)
        }
    }

    /// Another node still holds the sale's last units: this node, out of them, does not say sold
    /// out (a purchase under the fan's key may be committing there); it answers 409
    /// `purchase_in_progress` with `Retry-After`, and the retry is decided once the units are back.
    @Test func unitsHeldByAnotherNodeAnswerRetryNotSoldOut() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, units: 3)
            clock.advance(by: 60)
            #expect(try await services.flashSales.lease(saleId: saleId, node: "node-elsewhere", units: 2, now: clock.now(), leaseLifetime: 5) == 2)
            let asha = try await newFan(client, "Asha")
            #expect(try await buy(client, saleId, asha, token: try await token(client, saleId, asha)).0 == .created)
            let ravi = try await newFan(client, "Ravi")
            let pass = try await token(client, saleId, ravi)
            // A purchase labelled as text, as a cross-site form would post it, is refused unread.
            try await client.execute(
                uri: "/api/v1/flash-sales/\(saleId)/purchases", method: .post,
                headers: bearer(ravi, [.init("Idempotency-Key")!: "ravi-key-0001", .contentType: "text/plain"]),
                body: json(["shippingAddress": address, "purchaseToken": pass])
            ) { response in
                let code = try errorCode(response)
                #expect(response.status == .unsupportedMediaType && code == "unsupported_media_type")
            }
            try await client.execute(
                uri: "/api/v1/flash-sales/\(saleId)/purchases", method: .post,
                headers: bearer(ravi, [.init("Idempotency-Key")!: "ravi-key-0001"]), body: json(["shippingAddress": address, "purchaseToken": pass])
            ) { response in
                let code = try errorCode(response)
                #expect(response.status == .conflict && code == "purchase_in_progress")
                #expect(response.headers[.retryAfter] == "1")
            }
            // The other node stops renewing its lease; its units come back and the retry buys one.
            clock.advance(by: 6)
            try await services.engine.tick()
            #expect(try await buy(client, saleId, ravi, key: "ravi-key-0001", token: pass).0 == .created)
        }
    }

    @Test func proofOfWorkIsCheckedWhenTheSaleAsksForIt() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, extra: ["proofOfWorkBits": 8])
            clock.advance(by: 60)
            let asha = try await newFan(client, "Asha")
            let pass = try await client.execute(uri: "/api/v1/flash-sales/\(saleId)/tokens", method: .post, headers: bearer(asha)) { response in
                let body = try decode(response)
                #expect(body["proofOfWorkBits"] as? Int == 8)
                return body["token"] as! String
            }
            let wrong = (0...).lazy.map(String.init).first { !PurchaseToken.proofHolds(token: pass, proof: $0, bits: 8) }!
            let refused = try await buy(client, saleId, asha, token: pass, extra: ["proofOfWork": wrong])
            #expect(refused.0 == .forbidden && refused.1 == "proof_of_work_failed")
            let proof = PurchaseToken.solve(token: pass, bits: 8)
            #expect(try await buy(client, saleId, asha, token: pass, extra: ["proofOfWork": proof]).0 == .created)
        }
    }

    @Test func anFCodeBuysBeforeTheSaleOnceOnly() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, units: 3)
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let codes = try await client.execute(
                uri: "/api/v1/staff/flash-sales/\(saleId)/fcodes", method: .post, headers: bearer(staff), body: json(["count": 1])
            ) { response in
                #expect(response.status == .created)
                return try decode(response)["codes"] as! [String]
            }
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi")
            #expect(try await buy(client, saleId, asha, token: nil, extra: ["fcode": codes[0]]).0 == .created)
            let used = try await buy(client, saleId, ravi, token: nil, extra: ["fcode": codes[0]])
            #expect(used.0 == .conflict && used.1 == "fcode_used")
            let malformed = try await buy(client, saleId, ravi, token: nil, extra: ["fcode": "not-a-code"])
            #expect(malformed.0 == .unprocessableContent && malformed.1 == "invalid_input")
            try await client.execute(
                uri: "/api/v1/staff/flash-sales/\(saleId)/fcodes", method: .post, headers: bearer(staff), body: json(["count": 5])
            ) { response in
                #expect(response.status == .conflict)
            }
        }
    }
}

extension HTTPHarness {
    /// Staff schedule a sale of the Note 3 in India starting a minute from now; answers its id.
    func scheduleSale(
        _ client: any TestClientProtocol, _ services: MilletServices, units: Int = 5, extra: [String: Any] = [:]
    ) async throws -> String {
        let staff = try await logIn(client, "staff@millet.test", "millet-staff")
        let sku = try #require(try await services.catalog.product(slug: "millet-note-3")).skus[0].id
        let now = services.clock.now()
        var body: [String: Any] = [
            "title": "Note 3 launch", "skuId": sku, "market": "IN", "units": units,
            "startsAt": ISO8601DateFormatter().string(from: now.addingTimeInterval(60)),
            "endsAt": ISO8601DateFormatter().string(from: now.addingTimeInterval(3600)),
        ]
        body.merge(extra) { $1 }
        return try await client.execute(uri: "/api/v1/staff/flash-sales", method: .post, headers: bearer(staff), body: json(body)) { response in
            #expect(response.status == .created)
            return try decode(response)["id"] as! String
        }
    }
}
