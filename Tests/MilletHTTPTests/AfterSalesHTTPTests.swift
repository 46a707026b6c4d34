import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// After-sales through the API: a delivered unit's warranty, a withdrawal refunded through the
/// sandbox when staff receive it, and the refusals a fan or a careless client meets.
struct AfterSalesHTTPTests: HTTPHarness {
    /// An order of one unit in `market`, paid, shipped with `serial` and delivered by staff;
    /// answers the fan's and staff's tokens and the order id.
    func deliveredOrder(
        _ client: any TestClientProtocol, _ services: MilletServices, market: String, serial: String, key: String, product: String = "millet-note-3"
    ) async throws -> (fan: String, staff: String, orderId: String) {
        let fan = try await logIn(client, "fan@millet.test", "millet-fan")
        let staff = try await logIn(client, "staff@millet.test", "millet-staff")
        let sku = try #require(try await services.catalog.product(slug: product)).skus[0].id
        let orderId = try await client.execute(
            uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: key]),
            body: json(["market": market, "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]]])
        ) { try decode($0)["id"] as! String }
        try await paySandbox(client, services, orderId: orderId)
        for body: [String: Any] in [["event": "ship", "serials": [serial]], ["event": "deliver"]] {
            try await client.execute(uri: "/api/v1/staff/orders/\(orderId)/events", method: .post, headers: bearer(staff), body: json(body)) {
                #expect($0.status == .ok)
            }
        }
        return (fan, staff, orderId)
    }

    @Test func aFanWithdrawsAndIsRefundedWhenStaffReceiveTheGoods() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let (fan, staff, orderId) = try await deliveredOrder(client, services, market: "ES", serial: "ES-API-1", key: "return-api-1")
            let sku = try #require(try await services.orders.order(id: orderId)).lines[0].skuId
            try await client.execute(uri: "/api/v1/warranty/es-api-1", method: .get, headers: bearer(fan)) { response in
                let covers = try #require(try decode(response)["covers"] as? [[String: Any]])
                #expect(covers.contains { $0["rule"] as? String == "withdrawal" && $0["part"] as? String == "main_unit" })
                #expect(covers.contains { $0["rule"] as? String == "legal-guarantee-repair" && $0["part"] as? String == "battery" })
            }
            try await client.execute(uri: "/api/v1/me/warranties", method: .get, headers: bearer(fan)) { response in
                let items = try decode(response)["items"] as? [[String: Any]]
                #expect(items?.map { $0["serial"] as? String } == ["ES-API-1"] && items?.first?["coverStartsAt"] is String)
            }
            let moderator = try await logIn(client, "moderator@millet.test", "millet-moderator")
            try await client.execute(uri: "/api/v1/warranty/ES-API-1", method: .get, headers: bearer(moderator)) { #expect($0.status == .notFound) }

            let open = { (token: String, body: [String: Any]) in
                try await client.execute(uri: "/api/v1/orders/\(orderId)/returns", method: .post, headers: bearer(token), body: json(body)) { response in
                    (response.status, response.status == .created ? try decode(response)["id"] as! String : try errorCode(response))
                }
            }
            let line: [[String: Any]] = [["skuId": sku, "quantity": 1]]
            #expect(try await open(fan, ["lines": line, "reason": "boredom"]) == (.unprocessableContent, "invalid_input"))
            #expect(try await open(fan, ["lines": [["skuId": sku, "quantity": "one"]], "reason": "withdrawal"]).0 == .unprocessableContent)
            #expect(try await open(fan, ["lines": line, "reason": "fault", "description": "x"]) == (.unprocessableContent, "invalid_input"))
            #expect(try await open(moderator, ["lines": line, "reason": "withdrawal"]) == (.notFound, "not_found"))
            clock.advance(by: 15 * 86_400)
            #expect(try await open(fan, ["lines": line, "reason": "withdrawal"]) == (.conflict, "out_of_window"))
            clock.advance(by: -2 * 86_400)
            let (status, caseId) = try await open(fan, ["lines": line, "reason": "withdrawal"])
            #expect(status == .created)
            #expect(try await services.serviceCases.serviceCases(accountId: try #require(try await services.accounts.account(email: "fan@millet.test")).id).count == 1)

            let step = { (token: String, body: [String: Any]) in
                try await client.execute(uri: "/api/v1/staff/service-cases/\(caseId)/events", method: .post, headers: bearer(token), body: json(body)) { response in
                    (response.status, response.status == .ok ? try decode(response)["status"] as! String : try errorCode(response))
                }
            }
            #expect(try await step(fan, ["event": "drop_off"]) == (.forbidden, "forbidden"))
            #expect(try await step(staff, ["event": "teleport"]) == (.unprocessableContent, "invalid_input"))
            #expect(try await step(staff, ["event": "receive"]) == (.conflict, "illegal_transition"))
            #expect(try await step(staff, ["event": "drop_off", "note": "Madrid centre"]) == (.ok, "dropped_off"))
            let refusal = try await client.execute(uri: "/api/v1/service-cases/\(caseId)/cancel", method: .post, headers: bearer(fan)) { try errorCode($0) }
            #expect(refusal == "goods_handed_over")
            try await client.execute(uri: "/api/v1/staff/service-cases?status=dropped_off&market=ES", method: .get, headers: bearer(staff)) { response in
                let items = try decode(response)["items"] as? [[String: Any]]
                #expect(items?.map { $0["id"] as? String } == [caseId])
            }
            try await client.execute(uri: "/api/v1/staff/service-cases?status=lost", method: .get, headers: bearer(staff)) { #expect($0.status == .unprocessableContent) }
            #expect(try await step(staff, ["event": "receive"]) == (.ok, "received"))
            #expect(try await services.refundSender.sendDue() == 1)
            #expect(try await step(staff, ["event": "inspect", "grade": "shiny"]) == (.unprocessableContent, "invalid_input"))
            #expect(try await step(staff, ["event": "inspect", "grade": "resell"]) == (.ok, "inspected"))
            try await client.execute(uri: "/api/v1/service-cases/\(caseId)", method: .get, headers: bearer(fan)) { response in
                let body = try decode(response)
                #expect(body["rule"] as? String == "withdrawal" && body["events"] as? [String] == ["refund"] && body["refundId"] is String)
                let history = body["history"] as? [[String: Any]]
                #expect(history?.map { $0["to"] as? String } == ["requested", "approved", "dropped_off", "received", "inspected"])
            }
            try await client.execute(uri: "/api/v1/orders/\(orderId)", method: .get, headers: bearer(fan)) { response in
                let refunds = try #require(try decode(response)["refunds"] as? [[String: Any]])
                #expect(refunds.count == 1 && refunds[0]["status"] as? String == "succeeded")
            }
            // The rules are the market's to edit.
            try await client.execute(
                uri: "/api/v1/staff/markets/ES/service-rules/withdrawal", method: .put, headers: bearer(staff),
                body: json(["remedy": "return", "ground": "any_reason", "period": "30d", "caseDays": 14, "title": "30 days to change your mind"])
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/staff/markets/ES/service-rules/odd", method: .put, headers: bearer(staff),
                body: json(["remedy": "repair_free", "ground": "any_reason", "period": "30d", "caseDays": 14, "title": "t"])
            ) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/staff/markets/ES/service-rules", method: .get, headers: bearer(staff)) { response in
                let rules = try #require(try decode(response)["items"] as? [[String: Any]])
                #expect(rules.first { $0["code"] as? String == "withdrawal" }?["period"] as? String == "30d" && rules.count == 3)
            }
        }
    }

    @Test func aFanBooksACourierAndStaffSeeTheDaysPickups() async throws {
        try await withApp { client, services in
            let (fan, staff, orderId) = try await deliveredOrder(client, services, market: "ES", serial: "ES-API-2", key: "pickup-api-1")
            let sku = try #require(try await services.orders.order(id: orderId)).lines[0].skuId
            let caseId = try await client.execute(
                uri: "/api/v1/orders/\(orderId)/returns", method: .post, headers: bearer(fan), body: json(["lines": [["skuId": sku, "quantity": 1]], "reason": "withdrawal"])
            ) { try decode($0)["id"] as! String }
            try await client.execute(
                uri: "/api/v1/staff/service-centres/madrid-centro", method: .put, headers: bearer(staff),
                body: json(["market": "ES", "name": "Madrid Centro", "address": "Preciados 9", "hours": "10–21", "pickupsPerDay": 2])
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/staff/service-centres/madrid-centro", method: .put, headers: bearer(staff),
                body: json(["market": "GB", "name": "Madrid Centro", "address": "Preciados 9", "hours": "10–21", "pickupsPerDay": 2])
            ) { #expect($0.status == .conflict) }
            let slot = try await client.execute(uri: "/api/v1/service-cases/\(caseId)/pickup-slots", method: .get, headers: bearer(fan)) { response in
                let items = try #require(try decode(response)["items"] as? [[String: Any]])
                #expect(items.allSatisfy { $0["centreId"] as? String == "madrid-centro" && $0["left"] as? Int == 2 } && items.count == 10)
                return try #require(items.first)
            }
            let day = try #require(slot["day"] as? String)
            let book = { (body: [String: Any]) in
                try await client.execute(uri: "/api/v1/service-cases/\(caseId)/pickup", method: .post, headers: bearer(fan), body: json(body)) { $0.status }
            }
            #expect(try await book(["centreId": "madrid-centro", "day": "2020-01-01"]) == .unprocessableContent)
            #expect(try await book(["centreId": "london-oxford-st", "day": day]) == .unprocessableContent)
            #expect(try await book(["centreId": "madrid-centro", "day": day]) == .ok)
            // Booking the same day again keeps one place, not two.
            #expect(try await book(["centreId": "madrid-centro", "day": day]) == .ok)
            #expect(try await services.serviceCentres.pickupsBooked(centreId: "madrid-centro", days: [day]) == [day: 1])
            try await client.execute(uri: "/api/v1/staff/pickups?day=\(day)&centre=madrid-centro", method: .get, headers: bearer(staff)) { response in
                let items = try decode(response)["items"] as? [[String: Any]]
                #expect(items?.map { $0["id"] as? String } == [caseId] && items?.first?["pickupOn"] as? String == day)
            }
            try await client.execute(uri: "/api/v1/staff/pickups?day=soon", method: .get, headers: bearer(staff)) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/markets/ES/service-centres", method: .get) { response in
                let items = try decode(response)["items"] as? [[String: Any]]
                #expect(items?.first?["name"] as? String == "Madrid Centro")
            }
        }
    }

    @Test func aFanSendsPhotosOfTheFaultAndOnlySheAndStaffSeeThem() async throws {
        try await withApp { client, services in
            let (fan, staff, orderId) = try await deliveredOrder(client, services, market: "CN", serial: "CN-PHOTO-1", key: "photo-api-1")
            let caseId = try await client.execute(
                uri: "/api/v1/service-cases", method: .post, headers: bearer(fan),
                body: json(["serial": "CN-PHOTO-1", "kind": "exchange", "part": "main_unit", "description": "cracked screen on arrival"])
            ) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as! String
            }
            #expect(try await services.orders.order(id: orderId)?.status == .delivered)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
            let upload = { (token: String, bytes: [UInt8]) in
                try await client.execute(
                    uri: "/api/v1/service-cases/\(caseId)/photos", method: .post, headers: bearer(token, [.contentType: "image/png"]),
                    body: ByteBuffer(bytes: bytes)) { $0.status }
            }
            try await client.execute(uri: "/api/v1/service-cases/\(caseId)/photos/1", method: .get, headers: bearer(fan)) { #expect($0.status == .notFound) }
            let moderator = try await logIn(client, "moderator@millet.test", "millet-moderator")
            #expect(try await upload(moderator, png) == .notFound)
            #expect(try await upload(fan, Array("not an image".utf8)) == .unprocessableContent)
            #expect(try await upload(fan, png) == .created)
            #expect(try await upload(staff, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]) == .created)
            #expect(try await upload(fan, Array(repeating: 0xFF, count: CasePhoto.maxSize + 1)) == .contentTooLarge)
            #expect(try await upload(fan, png) == .created)
            #expect(try await upload(fan, png) == .conflict)
            try await client.execute(uri: "/api/v1/service-cases/\(caseId)/photos/1", method: .get, headers: bearer(fan)) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/png" && Array(buffer: response.body) == png)
            }
            try await client.execute(uri: "/api/v1/service-cases/\(caseId)/photos/2", method: .get, headers: bearer(staff)) {
                #expect($0.headers[.contentType] == "image/jpeg")
            }
            try await client.execute(uri: "/api/v1/service-cases/\(caseId)/photos/1", method: .get, headers: bearer(moderator)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/service-cases/\(caseId)/photos/4", method: .get, headers: bearer(fan)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/service-cases/\(caseId)", method: .get, headers: bearer(fan)) { response in
                let body = try decode(response)
                #expect((body["photos"] as? [String])?.count == 3)
                #expect((body["history"] as? [[String: Any]])?.filter { $0["event"] as? String == "photo" }.count == 3)
            }
        }
    }

    @Test func aPaidRepairIsQuotedPaidAndMadeWithPartsFromTheShelf() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            _ = try await deliveredOrder(client, services, market: "CN", serial: "CN-REPAIR-1", key: "repair-api-1")
            // Month 7: sessions from then have expired.
            clock.advance(by: 200 * 86_400)
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let caseId = try await client.execute(
                uri: "/api/v1/service-cases", method: .post, headers: bearer(fan),
                body: json(["serial": "CN-REPAIR-1", "kind": "repair", "part": "battery", "description": "drains in an hour"])
            ) { response in
                let body = try decode(response)
                #expect(response.status == .created && body["remedy"] as? String == "repair_paid" && body["rule"] as? String == "paid-repair")
                return body["id"] as! String
            }
            let step = { (body: [String: Any]) in
                try await client.execute(uri: "/api/v1/staff/service-cases/\(caseId)/events", method: .post, headers: bearer(staff), body: json(body)) { response in
                    response.status == .ok ? "ok" : try errorCode(response)
                }
            }
            for body: [String: Any] in [["event": "approve"], ["event": "drop_off", "centreId": "shenzhen-futian"], ["event": "receive"], ["event": "inspect", "grade": "scrap"]] {
                #expect(try await step(body) == "ok")
            }
            #expect(try await step(["event": "repair", "parts": ["battery"]]) == "quote_unpaid")
            try await client.execute(uri: "/api/v1/markets/CN/spare-parts", method: .get) { response in
                let items = try decode(response)["items"] as? [[String: Any]]
                #expect(items?.first { $0["code"] as? String == "battery" }?["price"] as? Int == 12_900)
            }
            let quote = { (token: String, parts: Any) in
                try await client.execute(uri: "/api/v1/staff/service-cases/\(caseId)/quote", method: .post, headers: bearer(token), body: json(["parts": parts])) { response in
                    (response.status, response.status == .ok ? try decode(response)["quoteOrderId"] as? String ?? "" : try errorCode(response))
                }
            }
            #expect(try await quote(fan, ["battery"]).0 == .forbidden)
            #expect(try await quote(staff, ["warp-core"]) == (.unprocessableContent, "invalid_input"))
            #expect(try await quote(staff, []) == (.unprocessableContent, "invalid_input"))
            let (status, quoteId) = try await quote(staff, ["battery", "labour"])
            #expect(status == .ok)
            try await client.execute(uri: "/api/v1/orders/\(quoteId)", method: .get, headers: bearer(fan)) { response in
                let order = try decode(response)
                #expect(order["status"] as? String == "pending_payment" && (order["lines"] as? [[String: Any]])?.count == 2)
            }
            try await paySandbox(client, services, orderId: quoteId)
            try await client.execute(
                uri: "/api/v1/staff/service-centres/shenzhen-futian/spare-parts/battery", method: .put, headers: bearer(staff), body: json(["quantity": 0])
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/api/v1/staff/service-centres/shenzhen-futian/spare-parts/labour", method: .put, headers: bearer(staff), body: json(["quantity": 3])
            ) { #expect($0.status == .unprocessableContent) }
            #expect(try await step(["event": "repair", "parts": ["battery"]]) == "part_out_of_stock")
            try await client.execute(
                uri: "/api/v1/staff/service-centres/shenzhen-futian/spare-parts/battery", method: .put, headers: bearer(staff), body: json(["quantity": 2])
            ) { #expect($0.status == .ok) }
            #expect(try await step(["event": "repair", "parts": ["battery", "labour"]]) == "ok")
            try await client.execute(uri: "/api/v1/staff/service-centres/shenzhen-futian/spare-parts", method: .get, headers: bearer(staff)) { response in
                let stock = try decode(response)["stock"] as? [String: Int]
                #expect(stock?["battery"] == 1)
            }
            try await client.execute(uri: "/api/v1/service-cases/\(caseId)", method: .get, headers: bearer(fan)) { response in
                let body = try decode(response)
                #expect(body["status"] as? String == "repaired" && body["partsUsed"] as? [String] == ["battery", "labour"])
            }
        }
    }

    @Test func aFanBuysAScreenPlanAndClaimsADropUnderIt() async throws {
        try await withApp { client, services in
            let (fan, _, _) = try await deliveredOrder(client, services, market: "IN", serial: "IN-PLAN-API", key: "plan-api-1")
            try await client.execute(uri: "/api/v1/warranty/IN-PLAN-API/plans", method: .get, headers: bearer(fan)) { response in
                let offered = try decode(response)["offered"] as? [[String: Any]]
                #expect(offered?.map { $0["code"] as? String } == ["extended-12m", "screen-12m"])
            }
            let buy = { (plan: String) in
                try await client.execute(uri: "/api/v1/warranty/IN-PLAN-API/plans", method: .post, headers: bearer(fan), body: json(["plan": plan])) { response in
                    (response.status, response.status == .created ? try decode(response)["orderId"] as? String ?? "" : try errorCode(response))
                }
            }
            #expect(try await buy("gold-plated").0 == .unprocessableContent)
            let (status, orderId) = try await buy("screen-12m")
            #expect(status == .created)
            #expect(try await buy("screen-12m") == (.conflict, "plan_held"))
            try await paySandbox(client, services, orderId: orderId)
            try await client.execute(
                uri: "/api/v1/service-cases", method: .post, headers: bearer(fan),
                body: json(["serial": "IN-PLAN-API", "kind": "repair", "part": "main_unit", "description": "dropped on the stairs", "ground": "accident"])
            ) { response in
                let body = try decode(response)
                #expect(response.status == .created && body["rule"] as? String == "plan-screen-12m" && body["reason"] as? String == "accident")
            }
            try await client.execute(
                uri: "/api/v1/service-cases", method: .post, headers: bearer(fan),
                body: json(["serial": "IN-PLAN-API", "kind": "repair", "part": "main_unit", "description": "dropped", "ground": "whim"])
            ) { #expect($0.status == .unprocessableContent) }
            let planId = try await client.execute(uri: "/api/v1/warranty/IN-PLAN-API/plans", method: .get, headers: bearer(fan)) { response in
                let bought = try decode(response)["bought"] as? [[String: Any]]
                #expect(bought?.first?["status"] as? String == "active")
                return bought?.first?["id"] as? String ?? ""
            }
            let cancelled = try await client.execute(uri: "/api/v1/service-plans/\(planId)/cancel", method: .post, headers: bearer(fan)) {
                try decode($0)["status"] as? String
            }
            #expect(cancelled == "cancelled")
            try await client.execute(uri: "/api/v1/orders/\(orderId)", method: .get, headers: bearer(fan)) { response in
                let refunds = try decode(response)["refunds"] as? [[String: Any]]
                #expect(refunds?.count == 1)
            }
        }
    }
}
