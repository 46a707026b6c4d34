import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MilletCore
@testable import MilletHTTP
import Testing

struct PreorderHTTPTests: HTTPHarness {
    @Test func staffOpenABatchAFanPreordersFromTheProductPageAndCancelsAfterASlip() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let note = try #require(try await services.catalog.product(slug: "millet-note-3"))
            let skuId = note.skus[0].id
            func day(_ days: Double) -> String { String(clock.now().addingTimeInterval(days * 86_400).formatted(.iso8601).prefix(10)) }
            // Staff open a batch from the console: 2 units, a deposit of 50.00.
            try await client.execute(uri: "/staff/batches", method: .post, headers: pageHeaders(session: staff),
                                     body: form(["skuId": skuId, "market": "GB", "units": "two", "shipFrom": day(10), "shipTo": day(20), "deposit": "50"])) {
                #expect($0.status == .unprocessableContent)
            }
            try await client.execute(uri: "/staff/batches", method: .post, headers: pageHeaders(session: staff),
                                     body: form(["skuId": skuId, "market": "GB", "units": "2", "shipFrom": day(10), "shipTo": day(20), "deposit": "50"])) {
                #expect($0.status == .seeOther)
            }
            let batch = try #require(try await services.preorders.batches(openOnly: true).first)
            #expect(batch.deposit == 5_000 && batch.units == 2 && batch.marketCode == "GB")
            // The product page offers it; the form takes an address and leads to the deposit order.
            let product = try await client.execute(uri: "/products/millet-note-3", method: .get, headers: pageHeaders(session: fan, cookies: ["millet_market=GB"])) {
                String(buffer: $0.body)
            }
            #expect(product.contains("id=\"preorder-\(skuId)\""))
            let page = try await client.execute(uri: "/preorders/new?sku=\(skuId)", method: .get, headers: pageHeaders(session: fan, cookies: ["millet_market=GB"])) {
                String(buffer: $0.body)
            }
            #expect(page.contains("id=\"preorder-form\"") && page.contains("id=\"preorder-window\""))
            let address = ["name": "Ada Fan", "line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA", "phone": "+44 113 496 0000"]
            let refused = try await client.execute(uri: "/preorders", method: .post, headers: pageHeaders(session: fan, cookies: ["millet_market=GB"]),
                                                   body: form(address.merging(["skuId": skuId, "idempotencyKey": "page-key-0001", "phone": "x"]) { $1 })) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(refused.0 == .unprocessableContent && refused.1.contains("preorder-error") && refused.1.contains("value=\"Leeds\""))
            let location = try await client.execute(uri: "/preorders", method: .post, headers: pageHeaders(session: fan, cookies: ["millet_market=GB"]),
                                                    body: form(address.merging(["skuId": skuId, "idempotencyKey": "page-key-0001"]) { $1 })) {
                #expect($0.status == .seeOther)
                return $0.headers[.location] ?? ""
            }
            #expect(location.hasPrefix("/orders/"))
            // Over the API, the same key answers the same pre-order; bad input changes nothing.
            var headers = bearer(fan)
            headers[.idempotencyKey] = "api-key-00001"
            let body = json(["skuId": skuId, "market": "GB", "shippingAddress": address])
            let first = try await client.execute(uri: "/api/v1/preorders", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as? String
            }
            let again = try await client.execute(uri: "/api/v1/preorders", method: .post, headers: headers, body: body) { try decode($0)["id"] as? String }
            #expect(first != nil && first == again)
            headers[.idempotencyKey] = "api-key-00002"
            try await client.execute(uri: "/api/v1/preorders", method: .post, headers: headers, body: body) {
                #expect($0.status == .conflict)  // both places are taken
            }
            try await client.execute(uri: "/api/v1/preorders", method: .post, headers: bearer(fan), body: body) { #expect($0.status == .unprocessableContent) }
            let mine = try await client.execute(uri: "/api/v1/preorders", method: .get, headers: bearer(fan)) { try decode($0)["items"] as? [[String: Any]] ?? [] }
            #expect(mine.count == 2)
            // Staff slip it from the console: the buyer is told; they cancel in one click.
            try await client.execute(uri: "/staff/batches/\(batch.id)/slip", method: .post, headers: pageHeaders(session: staff),
                                     body: form(["shipFrom": day(15), "shipTo": day(30)])) { #expect($0.status == .seeOther) }
            let preorderId = try #require(first)
            let detail = try await client.execute(uri: "/preorders/\(preorderId)", method: .get, headers: pageHeaders(session: fan)) { String(buffer: $0.body) }
            #expect(detail.contains("id=\"preorder-slipped\"") && detail.contains("id=\"cancel-preorder\""))
            try await client.execute(uri: "/preorders/\(preorderId)/cancel", method: .post, headers: pageHeaders(session: fan), body: form([:])) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/api/v1/preorders/\(preorderId)/cancel", method: .post, headers: bearer(fan)) { #expect($0.status == .conflict) }
            #expect(try await services.preorders.batch(id: batch.id).reserved == 1)
            let console = try await client.execute(uri: "/staff/batches", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(console.contains("id=\"demand-chart\"") && console.contains("data-batch=\"\(batch.id)\""))
            try await client.execute(uri: "/staff/batches", method: .get, headers: pageHeaders(session: fan)) { #expect($0.status == .forbidden) }
            // A crowdfunded batch of another variant: the form says what happens below the goal.
            let other = note.skus[1].id
            try await client.execute(uri: "/staff/batches", method: .post, headers: pageHeaders(session: staff),
                                     body: form(["skuId": other, "market": "GB", "units": "10", "shipFrom": day(40), "shipTo": day(50), "deposit": "",
                                                 "goal": "5", "fundingEnds": day(12)])) { #expect($0.status == .seeOther) }
            let campaign = try await client.execute(uri: "/preorders/new?sku=\(other)", method: .get, headers: pageHeaders(session: fan, cookies: ["millet_market=GB"])) {
                String(buffer: $0.body)
            }
            #expect(campaign.contains("id=\"campaign\"") && campaign.contains("<progress max=\"100\" value=\"0\">"))
            let api = try await client.execute(uri: "/api/v1/batches?skuId=\(other)&market=gb", method: .get) { try decode($0)["items"] as? [[String: Any]] ?? [] }
            #expect(api.first?["goal"] as? Int == 5 && api.first?["fundingEnds"] != nil)
        }
    }
}
