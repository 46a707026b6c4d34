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

/// A product made to the buyer's choice over the API and the pages.
struct ProductOptionHTTPTests: HTTPHarness {
    @Test func aFanConfiguresAUnitWithALivePreviewAndStaffReadItsBuildList() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let note = try #require(try await services.catalog.product(slug: "millet-note-3"))
            // Anyone reads the options as a market buys them; staff replace them, held to the rules.
            let offered = try await client.execute(uri: "/api/v1/products/millet-note-3/options?market=GB&language=es", method: .get) { try decode($0) }
            let options = try #require(offered["options"] as? [[String: Any]])
            #expect(options.compactMap { $0["code"] as? String } == ["back-cover", "engraving", "bundle"] && options.first?["name"] as? String == "Tapa trasera")
            let definition = try await client.execute(uri: "/api/v1/staff/products/\(note.id)/options", method: .get, headers: bearer(staff)) { try decode($0) }
            #expect((definition["options"] as? [[String: Any]])?.count == 3)
            try await client.execute(uri: "/api/v1/staff/products/\(note.id)/options", method: .get, headers: bearer(fan)) { #expect($0.status == .forbidden) }
            let badCode = ["options": [["code": "Back Cover", "kind": "choice", "names": ["en": "Cover"], "choices": [["code": "a", "names": ["en": "A"], "prices": []]]]]]
            try await client.execute(uri: "/api/v1/staff/products/\(note.id)/options", method: .put, headers: bearer(staff), body: json(badCode)) { response in
                #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("options[0].code"))
            }
            let greedy = ["options": [["code": "bundle", "kind": "choice", "names": ["en": "Bundle"], "choices": [["code": "gold", "names": ["en": "Gold"],
                          "prices": [["marketCode": "GB", "price": 9_000, "cost": ["billOfMaterials": 100, "logistics": 0, "duty": 0]]]]]]]]
            try await client.execute(uri: "/api/v1/staff/products/\(note.id)/options", method: .put, headers: bearer(staff), body: json(greedy)) { response in
                #expect(response.status == .conflict && String(buffer: response.body).contains("margin_cap_exceeded"))
            }
            #expect(try await services.catalog.options(productId: note.id).options.count == 3)

            let skuId = note.skus[0].id
            _ = try await services.preorders.open(BatchPlan(skuId: skuId, marketCode: "GB", units: 5, shipFrom: clock.now().addingTimeInterval(10 * 86_400),
                                                            shipTo: clock.now().addingTimeInterval(20 * 86_400), deposit: 5_000))
            // The pre-order page shows the options, the live preview and each option's cost.
            let page = try await client.execute(uri: "/preorders/new?sku=\(skuId)", method: .get, headers: pageHeaders(session: fan, cookies: ["millet_market=GB"])) {
                String(buffer: $0.body)
            }
            #expect(page.contains("id=\"preview-cover\"") && page.contains("name=\"options[back-cover]\" value=\"walnut\"") && page.contains("id=\"option-cost-table\"")
                && page.contains("/static/js/configure.js"))
            let address = ["name": "Ada Fan", "line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA", "phone": "+44 113 496 0000"]
            // An engraving outside the rules is refused on the page, naming it, with what was typed kept.
            let refused = try await client.execute(uri: "/preorders", method: .post, headers: pageHeaders(session: fan, cookies: ["millet_market=GB"]),
                                                   body: form(address.merging(["skuId": skuId, "idempotencyKey": "made-key-0001", "options[back-cover]": "walnut",
                                                                               "options[engraving]": "Ada 🚀"]) { $1 })) { ($0.status, String(buffer: $0.body)) }
            // The walnut radio itself stays checked, and the refusal sits beside the engraving.
            let walnutInput = refused.1.components(separatedBy: "id=\"choice-back-cover_walnut\"").dropFirst().first?.prefix { $0 != ">" } ?? ""
            #expect(refused.0 == .unprocessableContent && refused.1.contains("preorder-error") && walnutInput.contains(" checked"))
            #expect(refused.1.contains("id=\"option-error-engraving\"") && refused.1.contains("Engraving: only letters, digits"))
            #expect(try await services.preorders.batches(openOnly: true).first?.reserved == 0)
            try await client.execute(uri: "/preorders", method: .post, headers: pageHeaders(session: fan, cookies: ["millet_market=GB"]),
                                     body: form(address.merging(["skuId": skuId, "idempotencyKey": "made-key-0001", "options[back-cover]": "walnut",
                                                                 "options[engraving]": "Ada", "options[bundle]": ""]) { $1 })) { #expect($0.status == .seeOther) }
            // Over the API: unknown choices are refused naming the option; a good one answers its price.
            var headers = bearer(fan)
            headers[.idempotencyKey] = "made-api-00001"
            try await client.execute(uri: "/api/v1/preorders", method: .post, headers: headers,
                                     body: json(["skuId": skuId, "market": "GB", "shippingAddress": address, "options": ["back-cover": "oak"]])) { response in
                #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("options.back-cover"))
            }
            let made = try await client.execute(uri: "/api/v1/preorders", method: .post, headers: headers,
                                                body: json(["skuId": skuId, "market": "GB", "shippingAddress": address, "options": ["bundle": "case-charger"]])) { response in
                #expect(response.status == .created)
                return try decode(response)
            }
            let batch = try #require(made["batch"] as? [String: Any])
            let chosen = try #require(made["options"] as? [[String: Any]])
            #expect(chosen.compactMap { $0["value"] as? String } == ["case-charger"])
            #expect(made["unitPrice"] as? Int == (batch["price"] as? Int ?? 0) + (chosen.first?["price"] as? Int ?? -1) && made["deposit"] as? Int == 5_000)
            // The fan's pre-order page lists the options; staff read the build list.
            let mine = try await services.preorders.preorders(of: try #require(try await services.accounts.account(email: "fan@millet.test")).id)
            let walnut = try #require(mine.first { $0.preorder.options.contains { $0.value == "walnut" } }).preorder
            let detail = try await client.execute(uri: "/preorders/\(walnut.id)", method: .get, headers: pageHeaders(session: fan)) { String(buffer: $0.body) }
            #expect(detail.contains("class=\"chosen-option\"") && detail.contains("“Ada”"))
            let batchId = try #require(batch["id"] as? String)
            let list = try await client.execute(uri: "/api/v1/staff/batches/\(batchId)/build-list", method: .get, headers: bearer(staff)) { try decode($0) }
            #expect((list["units"] as? [[String: Any]])?.count == 2 && (list["parts"] as? [[String: Any]])?.count == 3)
            let listPage = try await client.execute(uri: "/staff/batches/\(batchId)/build-list", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(listPage.contains("id=\"build-units\"") && listPage.contains("id=\"build-parts\"") && listPage.contains("“Ada”"))
            try await client.execute(uri: "/staff/batches/\(batchId)/build-list", method: .get, headers: pageHeaders(session: fan)) { #expect($0.status == .forbidden) }

            // Staff edit the definition on the console: broken JSON or rules are refused with the
            // text kept; a good one replaces it (here, without the bundle).
            let console = try await client.execute(uri: "/staff/products/\(note.id)/options", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(console.contains("id=\"option-prices\"") && console.contains("data-option=\"engraving\"") && console.contains("&quot;walnut&quot;"))
            let broken = try await client.execute(uri: "/staff/products/\(note.id)/options", method: .post, headers: pageHeaders(session: staff),
                                                  body: form(["definition": "[{\"code\": \"x\"}"])) { ($0.status, String(buffer: $0.body)) }
            #expect(broken.0 == .unprocessableContent && broken.1.contains("id=\"options-error\"") && broken.1.contains("[{&quot;code&quot;: &quot;x&quot;}"))
            let current = try await services.catalog.options(productId: note.id).options
            let withoutBundle = String(decoding: try JSONEncoder().encode(current.filter { $0.code != "bundle" }), as: UTF8.self)
            try await client.execute(uri: "/staff/products/\(note.id)/options", method: .post, headers: pageHeaders(session: staff),
                                     body: form(["definition": withoutBundle])) { #expect($0.status == .seeOther) }
            #expect(try await services.catalog.options(productId: note.id).options.map(\.code) == ["back-cover", "engraving"])
            try await client.execute(uri: "/staff/products/\(note.id)/options", method: .post, headers: pageHeaders(session: fan),
                                     body: form(["definition": "[]"])) { #expect($0.status == .forbidden) }
            #expect(try await services.catalog.options(productId: note.id).options.count == 2)
        }
    }
}

/// The waiting list on the site and the API.
struct WaitlistHTTPTests: HTTPHarness {
    @Test func aFanFindingEveryBatchFullWaitsFromThePageAndTheProductPageSaysSo() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let note = try #require(try await services.catalog.product(slug: "millet-note-3"))
            let skuId = note.skus[2].id
            let batch = try await services.preorders.open(BatchPlan(skuId: skuId, marketCode: "GB", units: 1, shipFrom: clock.now().addingTimeInterval(10 * 86_400),
                                                                   shipTo: clock.now().addingTimeInterval(20 * 86_400), deposit: 5_000))
            var headers = bearer(fan)
            headers[.idempotencyKey] = "wait-api-00001"
            try await client.execute(uri: "/api/v1/waitlist", method: .post, headers: bearer(fan), body: json(["skuId": skuId, "market": "GB"])) {
                #expect($0.status == .conflict)
            }
            let address = ["name": "Ada Fan", "line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA", "phone": "+44 113 496 0000"]
            try await client.execute(uri: "/api/v1/preorders", method: .post, headers: headers,
                                     body: json(["skuId": skuId, "market": "GB", "shippingAddress": address])) { #expect($0.status == .created) }
            #expect(try await services.preorders.batch(id: batch.id).free == 0)
            // Full: the product page says so and links to the waiting list; the pre-order page offers it.
            let cookies = ["millet_market=GB"]
            let product = try await client.execute(uri: "/products/millet-note-3", method: .get, headers: pageHeaders(session: fan, cookies: cookies)) { String(buffer: $0.body) }
            #expect(product.contains("id=\"waitlist-\(skuId)\""))
            let page = try await client.execute(uri: "/preorders/new?sku=\(skuId)", method: .get, headers: pageHeaders(session: fan, cookies: cookies)) { String(buffer: $0.body) }
            #expect(page.contains("id=\"waitlist-join\""))
            try await client.execute(uri: "/waitlist", method: .post, headers: pageHeaders(session: fan, cookies: cookies), body: form(["skuId": skuId])) {
                #expect($0.status == .seeOther)
            }
            let waiting = try await client.execute(uri: "/preorders/new?sku=\(skuId)", method: .get, headers: pageHeaders(session: fan, cookies: cookies)) { String(buffer: $0.body) }
            #expect(waiting.contains("id=\"waitlist-joined\"") && waiting.contains("id=\"waitlist-leave\""))
            let mine = try await client.execute(uri: "/api/v1/waitlist", method: .get, headers: bearer(fan)) { try decode($0)["items"] as? [[String: Any]] ?? [] }
            #expect(mine.compactMap { $0["skuId"] as? String } == [skuId])
            let demand = try await client.execute(uri: "/api/v1/staff/batches/demand", method: .get, headers: bearer(try await logIn(client, "staff@millet.test", "millet-staff"))) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(demand.first { $0["skuId"] as? String == skuId }?["waiting"] as? Int == 1)
            try await client.execute(uri: "/api/v1/waitlist/\(skuId)?market=GB", method: .delete, headers: bearer(fan)) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/waitlist/\(skuId)?market=GB", method: .delete, headers: bearer(fan)) { #expect($0.status == .notFound) }
        }
    }
}
