import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MilletCore
@testable import MilletHTTP
import Testing

/// Partners over the API: every partner route called with another partner's key answers 404 (or
/// 403 without the scope), lists hold only the caller's own, and a key is limited and revocable.
struct PartnerHTTPTests: HTTPHarness {
    @Test func everyPartnerRouteAnswersOnlyAboutTheCallersOwnOrganisation() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let note = try #require(try await services.catalog.product(slug: "millet-note-3"))
            let warehouse = try #require(try await services.inventory.warehouses(marketCode: "GB").first)
            func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
                try await client.execute(uri: path, method: .post, headers: bearer(staff), body: json(body)) { response in
                    #expect(response.status == .created, "\(path)")
                    return try decode(response)
                }
            }
            // Two partners, each with a store, an allocation and a key; one more key without stock:read.
            var partners: [(id: String, store: String, allocation: String, token: String)] = []
            for name in ["Carphone", "Currys"] {
                let id = try #require(try await post("/api/v1/staff/partners", ["name": name, "kind": "retailer"])["id"] as? String)
                let store = try #require(try await post("/api/v1/staff/partners/\(id)/stores",
                                                       ["name": "\(name) Oxford St", "address": "1 Oxford Street", "city": "London", "phone": "+44 20 7946 0000", "market": "GB"])["id"] as? String)
                let allocation = try #require(try await post("/api/v1/staff/allocations", [
                    "storeId": store, "skuId": note.skus[0].id, "week": Allocation.week(of: clock.now()), "warehouseId": warehouse.id, "units": 5,
                ])["id"] as? String)
                let token = try #require(try await post("/api/v1/staff/partners/\(id)/keys", ["name": "till", "scopes": ["stock:read", "sales:write"]])["token"] as? String)
                partners.append((id, store, allocation, token))
            }
            let (mine, theirs) = (partners[0], partners[1])
            // A sale at my store, with my key: the buyer's serial is under warranty from today.
            let price = try #require(try await services.catalog.price(skuId: note.skus[0].id, marketCode: "GB")).shelfPrice
            let sale: [String: Any] = ["storeId": mine.store, "skuId": note.skus[0].id, "serials": ["MN3-GB-STORE-1"], "unitPrice": price,
                                       "customer": ["email": "fan@millet.test", "name": "Fan"]]
            var saleHeaders = bearer(mine.token)
            saleHeaders[.idempotencyKey] = "till-000001"
            let saleId = try await client.execute(uri: "/api/v1/partner/sales", method: .post, headers: saleHeaders, body: json(sale)) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as? String ?? ""
            }
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            try await client.execute(uri: "/api/v1/warranty/MN3-GB-STORE-1", method: .get, headers: bearer(fan)) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("coverStartsAt"))
            }
            // Every partner route with the other partner's key: a 404 for an id, only its own in a list.
            let router = try await buildRouter(services)
            let partnerRoutes = router.routes.map { "\($0.method) \($0.path.description)" }.filter { $0.contains("/api/v1/partner/") }.sorted()
            var tried: Set<String> = []
            for (route, path) in [("GET /api/v1/partner/stores/{id}", "/api/v1/partner/stores/\(mine.store)"),
                                  ("GET /api/v1/partner/allocations/{id}", "/api/v1/partner/allocations/\(mine.allocation)"),
                                  ("GET /api/v1/partner/sales/{id}", "/api/v1/partner/sales/\(saleId)")] {
                try await client.execute(uri: path, method: .get, headers: bearer(theirs.token)) { #expect($0.status == .notFound, "\(route)") }
                try await client.execute(uri: path, method: .get, headers: bearer(mine.token)) { #expect($0.status == .ok, "\(route)") }
                tried.insert(route)
            }
            for (route, path, key) in [("GET /api/v1/partner/stores", "/api/v1/partner/stores", "id"),
                                       ("GET /api/v1/partner/allocations", "/api/v1/partner/allocations", "id"),

                                       ("GET /api/v1/partner/sales", "/api/v1/partner/sales", "id")] {
                let items = try await client.execute(uri: path, method: .get, headers: bearer(theirs.token)) { try decode($0)["items"] as? [[String: Any]] ?? [] }
                let ids = items.compactMap { $0[key] as? String }
                #expect(!ids.contains(mine.store) && !ids.contains(mine.allocation) && !ids.contains(saleId), "\(route)")
                tried.insert(route)
            }
            var theirSale = bearer(theirs.token)
            theirSale[.idempotencyKey] = "till-000002"
            try await client.execute(uri: "/api/v1/partner/sales", method: .post, headers: theirSale,
                                     body: json(sale.merging(["serials": ["MN3-GB-STORE-2"]]) { $1 })) { #expect($0.status == .notFound) }
            tried.insert("POST /api/v1/partner/sales")
            let back: [String: Any] = ["serials": ["MN3-GB-STORE-1"], "reason": "changed her mind"]
            try await client.execute(uri: "/api/v1/partner/sales/\(saleId)/returns", method: .post, headers: bearer(theirs.token), body: json(back)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/partner/sales/\(saleId)/returns", method: .post, headers: bearer(mine.token),
                                     body: json(back.merging(["reason": 5]) { $1 })) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/partner/sales/\(saleId)/returns", method: .post, headers: bearer(mine.token), body: json(back)) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("\"returnedSerials\":[\"MN3-GB-STORE-1\"]"))
            }
            try await client.execute(uri: "/api/v1/warranty/MN3-GB-STORE-1", method: .get, headers: bearer(fan)) { #expect($0.status == .notFound) }
            tried.insert("POST /api/v1/partner/sales/{id}/returns")
            try await client.execute(uri: "/api/v1/partner/prices", method: .put, headers: bearer(theirs.token),
                                     body: json(["storeId": mine.store, "skuId": note.skus[0].id, "price": price])) { #expect($0.status == .notFound) }
            tried.insert("PUT /api/v1/partner/prices")
            try await client.execute(uri: "/api/v1/partner/prices", method: .put, headers: bearer(mine.token),
                                     body: json(["storeId": mine.store, "skuId": note.skus[0].id, "price": price])) { #expect($0.status == .ok) }
            let theirPrices = try await client.execute(uri: "/api/v1/partner/prices", method: .get, headers: bearer(theirs.token)) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(theirPrices.isEmpty)
            tried.insert("GET /api/v1/partner/prices")
            // An eco-chain brand's product: the retailer's key may not submit; another partner never sees it.
            let brand = try #require(try await post("/api/v1/staff/partners", ["name": "Roidmi", "kind": "eco_brand"])["id"] as? String)
            let brandKey = try #require(try await post("/api/v1/staff/partners/\(brand)/keys", ["name": "catalogue", "scopes": ["catalog:write"]])["token"] as? String)
            let retailerCatalogue = try #require(try await post("/api/v1/staff/partners/\(theirs.id)/keys", ["name": "catalogue", "scopes": ["catalog:write"]])["token"] as? String)
            let submitted: [String: Any] = ["slug": "roidmi-vacuum", "texts": ["en": ["name": "Roidmi Vacuum", "description": "Cordless."]],
                                            "skus": [["code": "RDM-V-1", "colour": "white", "storage": "-", "weightGrams": 2000,
                                                      "prices": [["market": "GB", "price": 12_000, "billOfMaterials": 9_500, "logistics": 500, "duty": 0]]]]]
            try await client.execute(uri: "/api/v1/partner/products", method: .post, headers: bearer(retailerCatalogue), body: json(submitted)) {
                #expect($0.status == .forbidden)
            }
            let productId = try await client.execute(uri: "/api/v1/partner/products", method: .post, headers: bearer(brandKey), body: json(submitted)) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as? String ?? ""
            }
            try await client.execute(uri: "/api/v1/partner/products/\(productId)", method: .get, headers: bearer(retailerCatalogue)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/partner/products/\(productId)", method: .get, headers: bearer(brandKey)) { #expect($0.status == .ok) }
            let theirProducts = try await client.execute(uri: "/api/v1/partner/products", method: .get, headers: bearer(retailerCatalogue)) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(theirProducts.isEmpty)
            for route in ["POST /api/v1/partner/products", "GET /api/v1/partner/products", "GET /api/v1/partner/products/{id}"] { tried.insert(route) }
            // A settlement is always the caller's own: a retailer has none, the brand reads its own.
            try await client.execute(uri: "/api/v1/partner/settlement", method: .get, headers: bearer(retailerCatalogue)) { #expect($0.status == .unprocessableContent) }
            let settled = try await client.execute(uri: "/api/v1/partner/settlement", method: .get, headers: bearer(brandKey)) { try decode($0) }
            #expect(settled["organisationId"] as? String == brand)
            tried.insert("GET /api/v1/partner/settlement")
            // Firmware is an eco-chain brand's, under its own organisation: a retailer's key is refused each route.
            for (method, path) in [(HTTPRequest.Method.post, "/api/v1/partner/device-models"), (.get, "/api/v1/partner/device-models"),
                                   (.post, "/api/v1/partner/firmware-builds?model=x&version=1.0.0"), (.post, "/api/v1/partner/rollouts"),
                                   (.get, "/api/v1/partner/rollouts"), (.get, "/api/v1/partner/rollouts/{id}"), (.post, "/api/v1/partner/rollouts/{id}/commands"),
                                   (.post, "/api/v1/partner/webhooks"), (.get, "/api/v1/partner/webhooks"),
                                   (.delete, "/api/v1/partner/webhooks/{id}"), (.put, "/api/v1/partner/service-centres/{id}"),
                                   (.get, "/api/v1/partner/service-centres"), (.get, "/api/v1/partner/service-cases"),
                                   (.get, "/api/v1/partner/service-cases/{id}"), (.get, "/api/v1/partner/service-cases/{id}/photos/{n}"),
                                   (.post, "/api/v1/partner/service-cases/{id}/events")] {
                try await client.execute(uri: path.replacingOccurrences(of: "{id}", with: Identifier.make()).replacingOccurrences(of: "{n}", with: "1"),
                                         method: method, headers: bearer(theirs.token), body: method == .post || method == .put ? json([:]) : nil) {
                    #expect($0.status == .forbidden, "\(path)")
                }
                tried.insert("\(method) \(path.split(separator: "?")[0])")
            }
            try await client.execute(uri: "/api/v1/staff/product-reviews/\(productId)", method: .post, headers: bearer(staff), body: json(["approve": true])) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/products/roidmi-vacuum?market=GB", method: .get) { #expect($0.status == .ok) }
            let report = ["items": [["storeId": mine.store, "skuId": note.skus[0].id, "day": MessageCourier.day(clock.now()), "sold": 1, "onHand": 1, "returned": 0]]]
            try await client.execute(uri: "/api/v1/partner/sellthrough", method: .post, headers: bearer(theirs.token), body: json(report)) {
                #expect($0.status == .forbidden)  // their key has no sellthrough:write
            }
            let theirReporter = try #require(try await post("/api/v1/staff/partners/\(theirs.id)/keys", ["name": "office", "scopes": ["sellthrough:write"]])["token"] as? String)
            try await client.execute(uri: "/api/v1/partner/sellthrough", method: .post, headers: bearer(theirReporter), body: json(report)) {
                #expect($0.status == .notFound)
            }
            tried.insert("POST /api/v1/partner/sellthrough")
            var csvHeaders = bearer(theirReporter)
            csvHeaders[.contentType] = "text/csv"
            let csv = "store_id,sku_id,day,sold,on_hand,returned\n\(mine.store),\(note.skus[0].id),\(MessageCourier.day(clock.now())),5,1,0\n"
            try await client.execute(uri: "/api/v1/partner/sellthrough/csv", method: .post, headers: csvHeaders, body: ByteBuffer(string: csv)) {
                #expect($0.status == .notFound)
            }
            tried.insert("POST /api/v1/partner/sellthrough/csv")
            // My own back office uploads a CSV; staff see it in the report, running out (1 left, 5 sold today).
            let myReporter = try #require(try await post("/api/v1/staff/partners/\(mine.id)/keys", ["name": "office", "scopes": ["sellthrough:write"]])["token"] as? String)
            var mineCSV = bearer(myReporter)
            mineCSV[.contentType] = "text/csv"
            try await client.execute(uri: "/api/v1/partner/sellthrough/csv", method: .post, headers: mineCSV, body: ByteBuffer(string: csv)) { response in
                #expect(response.status == .created && String(buffer: response.body).contains("\"lines\":1"))
            }
            mineCSV[.contentType] = "application/json"
            try await client.execute(uri: "/api/v1/partner/sellthrough/csv", method: .post, headers: mineCSV, body: ByteBuffer(string: csv)) {
                #expect($0.status == .unsupportedMediaType)
            }
            let staffReport = try await client.execute(uri: "/api/v1/staff/sellthrough?organisationId=\(mine.id)", method: .get, headers: bearer(staff)) { try decode($0) }
            let line = try #require((staffReport["lines"] as? [[String: Any]])?.first)
            #expect(line["storeId"] as? String == mine.store && line["lowCover"] as? Bool == true)
            let console = try await client.execute(uri: "/staff/partners", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(console.contains("id=\"low-cover\""))
            let partnerPage = try await client.execute(uri: "/staff/partners/\(mine.id)", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(partnerPage.contains("id=\"sellthrough-chart\"") && partnerPage.contains("low-cover"))
            // Narrowed to my store, their lists are a 404, not an empty answer.
            for path in ["/api/v1/partner/allocations?storeId=\(mine.store)", "/api/v1/partner/sales?storeId=\(mine.store)"] {
                try await client.execute(uri: path, method: .get, headers: bearer(theirs.token)) { #expect($0.status == .notFound, "\(path)") }
            }
            let me = try await client.execute(uri: "/api/v1/partner/organisation", method: .get, headers: bearer(theirs.token)) { try decode($0) }
            #expect((me["organisation"] as? [String: Any])?["id"] as? String == theirs.id)
            tried.insert("GET /api/v1/partner/organisation")
            #expect(tried == Set(partnerRoutes), "every partner route is tried: \(Set(partnerRoutes).subtracting(tried))")

            // A key without stock:read is refused stock; a session is no partner; a partner key opens nothing else.
            let salesOnly = try #require(try await post("/api/v1/staff/partners/\(mine.id)/keys", ["name": "sales", "scopes": ["sales:write"]])["token"] as? String)
            try await client.execute(uri: "/api/v1/partner/allocations", method: .get, headers: bearer(salesOnly)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/partner/stores", method: .get, headers: bearer(staff)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/orders", method: .get, headers: bearer(mine.token)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/staff/partners/\(mine.id)/keys", method: .post, headers: bearer(staff), body: json(["name": "x", "scopes": ["stock:write"]])) {
                #expect($0.status == .unprocessableContent)
            }
            // The staff view lists keys without their secrets.
            let detail = try await client.execute(uri: "/api/v1/staff/partners/\(mine.id)", method: .get, headers: bearer(staff)) { String(buffer: $0.body) }
            #expect(detail.contains("\"keys\"") && !detail.contains(mine.token.suffix(64)))

            // A key is limited (bursts of 40, the test clock standing still: one was spent above) and revoked at once.
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<45 {
                statuses.append(try await client.execute(uri: "/api/v1/partner/stores", method: .get, headers: bearer(salesOnly)) { $0.status })
            }
            #expect(statuses.prefix(39).allSatisfy { $0 == .ok } && statuses.suffix(6).allSatisfy { $0 == .tooManyRequests })
            // Another key of the same partner has its own allowance.
            try await client.execute(uri: "/api/v1/partner/stores", method: .get, headers: bearer(mine.token)) { #expect($0.status == .ok) }
            let keyId = try await client.execute(uri: "/api/v1/partner/organisation", method: .get, headers: bearer(mine.token)) { _ in
                try await services.partners.caller(token: mine.token)?.keyId ?? ""
            }
            try await client.execute(uri: "/api/v1/staff/partners/\(mine.id)/keys/\(keyId)/revoke", method: .post, headers: bearer(staff)) {
                #expect($0.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/partner/stores", method: .get, headers: bearer(mine.token)) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func staffSetUpAPartnerOnTheConsoleAndSeeItsKeyOnce() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let headers = pageHeaders(session: staff)
            try await client.execute(uri: "/staff/partners", method: .post, headers: headers, body: form(["name": "", "kind": "retailer"])) {
                #expect($0.status == .unprocessableContent && String(buffer: $0.body).contains("id=\"partner-error\""))
            }
            let location = try await client.execute(uri: "/staff/partners", method: .post, headers: headers, body: form(["name": "Mi Store Jakarta", "kind": "own_store"])) {
                #expect($0.status == .seeOther)
                return $0.headers[.location] ?? ""
            }
            let id = String(location.dropFirst("/staff/partners/".count))
            try await client.execute(uri: "\(location)/stores", method: .post, headers: headers,
                                     body: form(["name": "Grand Indonesia", "address": "Jl. M.H. Thamrin 1", "city": "Jakarta", "phone": "+62 21 2358 0000", "market": "ID"])) {
                #expect($0.status == .seeOther)
            }
            let issued = try await client.execute(uri: "\(location)/keys", method: .post, headers: headers,
                                                  body: ByteBuffer(string: "name=till&scopes%5B%5D=stock%3Aread&scopes%5B%5D=sales%3Awrite&_csrf=\(formToken(session: nil))")) { String(buffer: $0.body) }
            let token = try #require(issued.components(separatedBy: "id=\"issued-token\">").dropFirst().first?.prefix { $0 != "<" })
            #expect(try await services.partners.caller(token: String(token))?.scopes == [.stockRead, .salesWrite])
            // Shown once: the page afterwards has the key's name and scopes, not its token.
            let page = try await client.execute(uri: location, method: .get, headers: headers) { String(buffer: $0.body) }
            #expect(page.contains("sales:write stock:read") && !page.contains(String(token)))
            let store = try #require(try await services.partners.stores(organisationId: id).first)
            let sku = try #require(try await services.catalog.product(slug: "millet-band-2")).skus[0]
            let warehouse = try #require(try await services.inventory.warehouses(marketCode: "ID").first)
            try await client.execute(uri: "\(location)/allocations", method: .post, headers: headers, body: form([
                "storeId": store.id, "skuId": sku.id, "week": "2026-W50", "warehouseId": warehouse.id, "units": "100000",
            ])) { #expect($0.status == .conflict && String(buffer: $0.body).contains("id=\"partner-error\"")) }
            try await client.execute(uri: "\(location)/allocations", method: .post, headers: headers, body: form([
                "storeId": store.id, "skuId": sku.id, "week": "2026-W50", "warehouseId": warehouse.id, "units": "12",
            ])) { #expect($0.status == .seeOther) }
            let allocation = try #require(try await services.partners.allocations(organisationId: id).first)
            #expect(allocation.units == 12 && allocation.week == "2026-W50")
            try await client.execute(uri: "\(location)/allocations/\(allocation.id)/return", method: .post, headers: headers, body: form(["units": "2"])) {
                #expect($0.status == .seeOther)
            }
            let done = try await client.execute(uri: "\(location)?done=returned", method: .get, headers: headers) { String(buffer: $0.body) }
            #expect(done.contains("id=\"partner-done\"") && done.contains("data-allocation=\"\(allocation.id)\""))
            // One honest price: staff set a minimum on the console; a till's sale below it is refused and listed.
            try await client.execute(uri: "/staff/minimum-prices", method: .post, headers: headers,
                                     body: form(["skuId": sku.id, "market": "ID", "price": "500000", "startsAt": MessageCourier.day(clock.now())])) {
                #expect($0.status == .seeOther)
            }
            let caller = try #require(try await services.partners.caller(token: String(token)))
            await #expect(throws: DomainError.self) {
                _ = try await services.partners.sell(StoreSaleRequest(storeId: store.id, skuId: sku.id, serials: ["MB2-ID-0001"], unitPrice: 400_000,
                                                                      customerEmail: "fan@millet.test", customerName: "Fan"), idempotencyKey: "till-id-01", for: caller)
            }
            let console = try await client.execute(uri: "/staff/partners", method: .get, headers: headers) { String(buffer: $0.body) }
            #expect(console.contains("id=\"minimum-prices\"") && console.contains("id=\"price-refusals\"") && console.contains("Grand Indonesia"))
            let keyId = try #require(try await services.partners.keys(organisationId: id).first?.id)
            try await client.execute(uri: "\(location)/keys/\(keyId)/revoke", method: .post, headers: headers, body: form([:])) { #expect($0.status == .seeOther) }
            #expect(try await services.partners.caller(token: String(token)) == nil)
            try await client.execute(uri: "/staff/partners", method: .get, headers: pageHeaders(session: try await logIn(client, "fan@millet.test", "millet-fan"))) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func aClerkRecordsASaleInThePortalAndSeesOnlyTheirOrganisation() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let staffAccount = try #require(try await services.accounts.account(email: "staff@millet.test"))
            let desk = services.partners
            let shop = try await desk.createOrganisation(name: "Mi Home Delhi", kind: .ownStore)
            let rival = try await desk.createOrganisation(name: "Rival Retail", kind: .retailer)
            let store = try await desk.addStore(organisationId: shop.id, name: "Connaught Place", address: "N-Block 12", city: "New Delhi",
                                                phone: "+91 11 4000 0000", marketCode: "IN")
            _ = try await desk.addStore(organisationId: rival.id, name: "Rival Saket", address: "Select City Walk", city: "New Delhi",
                                        phone: "+91 11 4111 0000", marketCode: "IN")
            let note = try #require(try await services.catalog.product(slug: "millet-note-3"))
            let warehouse = try #require(try await services.inventory.warehouses(marketCode: "IN").first)
            _ = try await desk.allocate(storeId: store.id, skuId: note.skus[0].id, week: Allocation.week(of: clock.now()), warehouseId: warehouse.id, units: 4,
                                        by: staffAccount)
            // Staff make the demo fan a clerk of the shop; a staff account cannot be one; an email no account has is refused.
            try await client.execute(uri: "/api/v1/staff/partners/\(shop.id)/members", method: .post, headers: bearer(staff),
                                     body: json(["email": "fan@millet.test", "role": "clerk"])) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/staff/partners/\(rival.id)/members", method: .post, headers: bearer(staff),
                                     body: json(["email": "fan@millet.test", "role": "clerk"])) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/api/v1/staff/partners/\(shop.id)/members", method: .post, headers: bearer(staff),
                                     body: json(["email": "staff@millet.test", "role": "clerk"])) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/staff/partners/\(shop.id)/members", method: .post, headers: bearer(staff),
                                     body: json(["email": "nobody@millet.test", "role": "clerk"])) { #expect($0.status == .unprocessableContent) }
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let moderator = try await logIn(client, "moderator@millet.test", "millet-moderator")
            let cookies = ["millet_market=IN"]
            let portal = try await client.execute(uri: "/partner", method: .get, headers: pageHeaders(session: fan, cookies: cookies)) { String(buffer: $0.body) }
            #expect(portal.contains("Mi Home Delhi") && portal.contains("Connaught Place") && !portal.contains("Rival Saket") && !portal.contains("id=\"price-form\""))
            try await client.execute(uri: "/partner", method: .get, headers: pageHeaders(session: moderator)) { #expect($0.status == .forbidden) }
            // The clerk records a sale at the till: the buyer's serial has a warranty from today.
            let price = try #require(try await services.catalog.price(skuId: note.skus[0].id, marketCode: "IN")).shelfPrice
            let typed = ["storeId": store.id, "skuId": note.skus[0].id, "serials": "MN3-IN-0001, MN3-IN-0002", "unitPrice": String(price / 100),
                         "customerEmail": "ravi@example.test", "customerName": "Ravi", "idempotencyKey": "portal-sale-0001"]
            try await client.execute(uri: "/partner/sales", method: .post, headers: pageHeaders(session: fan, cookies: cookies), body: form(typed)) {
                #expect($0.status == .seeOther)
            }
            let ravi = try #require(try await services.accounts.account(email: "ravi@example.test"))
            #expect(try await services.serviceDesk.warranty(serial: "MN3-IN-0002", viewer: ravi).start == clock.now())
            // Too many units for the allocation: refused on the portal with what was typed.
            let refused = try await client.execute(uri: "/partner/sales", method: .post, headers: pageHeaders(session: fan, cookies: cookies),
                                                   body: form(typed.merging(["serials": "A-0003 A-0004 A-0005", "idempotencyKey": "portal-sale-0002"]) { $1 })) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(refused.0 == .conflict && refused.1.contains("id=\"portal-error\"") && refused.1.contains("A-0003 A-0004 A-0005"))
            // A price below the minimum is refused with the reason, not a form error.
            _ = try await desk.setMinimumPrice(skuId: note.skus[0].id, marketCode: "IN", price: price, startsAt: clock.now(), endsAt: nil)
            let below = try await client.execute(uri: "/partner/sales", method: .post, headers: pageHeaders(session: fan, cookies: cookies),
                                                 body: form(typed.merging(["serials": "MN3-IN-0009", "idempotencyKey": "portal-sale-0003",
                                                                           "unitPrice": String(price / 200)]) { $1 })) { ($0.status, String(buffer: $0.body)) }
            #expect(below.0 == .unprocessableContent && below.1.contains("That price is below the minimum advertised price."))
            // A clerk sets no prices and runs no keys.
            try await client.execute(uri: "/partner/prices", method: .post, headers: pageHeaders(session: fan, cookies: cookies),
                                     body: form(["storeId": store.id, "skuId": note.skus[0].id, "price": "1"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/partner/keys", method: .post, headers: pageHeaders(session: fan, cookies: cookies),
                                     body: form(["name": "mine"])) { #expect($0.status == .forbidden) }
            let after = try await client.execute(uri: "/partner?done=sale", method: .get, headers: pageHeaders(session: fan, cookies: cookies)) { String(buffer: $0.body) }
            #expect(after.contains("id=\"portal-done\"") && after.contains("MN3-IN-0001, MN3-IN-0002"))
            // Ravi brings one phone back: the clerk takes it back at the till from the portal.
            let saleId = try #require(try await desk.storeSales(for: PartnerCaller(keyId: "t", organisationId: shop.id, scopes: [.salesWrite])).first?.id)
            try await client.execute(uri: "/partner/sales/\(saleId)/returns", method: .post, headers: pageHeaders(session: fan, cookies: cookies),
                                     body: form(["serial": "MN3-IN-0002", "reason": ""])) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/partner/sales/\(saleId)/returns", method: .post, headers: pageHeaders(session: fan, cookies: cookies),
                                     body: form(["serial": "MN3-IN-0002", "reason": "does not fit his hand"])) { #expect($0.status == .seeOther) }
            let taken = try await client.execute(uri: "/partner?done=sale_returned", method: .get, headers: pageHeaders(session: fan, cookies: cookies)) {
                String(buffer: $0.body)
            }
            #expect(taken.contains("Taken back") && taken.contains("Brought back: MN3-IN-0002"))
            await #expect(throws: DomainError.self) { _ = try await services.serviceDesk.warranty(serial: "MN3-IN-0002", viewer: ravi) }
            // A manager sets an advertised price at the minimum and sees it listed.
            let manager = try await newFan(client, "Meera")
            let managerEmail = "meera@fans.test"
            try await client.execute(uri: "/api/v1/staff/partners/\(shop.id)/members", method: .post, headers: bearer(staff),
                                     body: json(["email": managerEmail, "role": "manager"])) { #expect($0.status == .created) }
            try await client.execute(uri: "/partner/prices", method: .post, headers: pageHeaders(session: manager, cookies: cookies),
                                     body: form(["storeId": store.id, "skuId": note.skus[0].id, "price": String(price / 100)])) { #expect($0.status == .seeOther) }
            let managed = try await client.execute(uri: "/partner", method: .get, headers: pageHeaders(session: manager, cookies: cookies)) { String(buffer: $0.body) }
            let listed = managed.components(separatedBy: "id=\"portal-prices\"").dropFirst().first?.components(separatedBy: "</table>").first ?? ""
            #expect(listed.contains("Connaught Place") && managed.contains("id=\"price-form\""))
            // Removed, the fan is no member.
            try await client.execute(uri: "/api/v1/staff/partners/\(shop.id)/members/\(try #require(try await services.accounts.account(email: "fan@millet.test")).id)",
                                     method: .delete, headers: bearer(staff)) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/partner", method: .get, headers: pageHeaders(session: fan)) { #expect($0.status == .forbidden) }
        }
    }

    @Test func staffPublishABrandsProductOnTheConsoleAndTheBrandReadsItsSettlement() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let brand = try await services.partners.createOrganisation(name: "Yeelight", kind: .ecoBrand)
            let token = try await services.partners.issueKey(organisationId: brand.id, name: "catalogue", scopes: [.catalogWrite]).token
            let product = try await client.execute(uri: "/api/v1/partner/products", method: .post, headers: bearer(token), body: json([
                "slug": "yeelight-lamp", "texts": ["en": ["name": "Yeelight Lamp", "description": "A desk lamp."]],
                "skus": [["code": "YL-LAMP-1", "colour": "white", "storage": "-", "weightGrams": 900,
                          "prices": [["market": "GB", "price": 3_000, "billOfMaterials": 2_300, "logistics": 100, "duty": 0]]]],
            ])) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as? String ?? ""
            }
            let headers = pageHeaders(session: staff)
            let console = try await client.execute(uri: "/staff/partners", method: .get, headers: headers) { String(buffer: $0.body) }
            #expect(console.contains("id=\"product-reviews\"") && console.contains("data-review=\"\(product)\""))
            try await client.execute(uri: "/staff/product-reviews/\(product)", method: .post, headers: headers, body: form(["decision": "reject", "note": ""])) {
                #expect($0.status == .unprocessableContent)
            }
            try await client.execute(uri: "/staff/product-reviews/\(product)", method: .post, headers: headers, body: form(["decision": "approve"])) {
                #expect($0.status == .seeOther)
            }
            #expect(try await services.catalog.product(slug: "yeelight-lamp")?.published == true)
            try await client.execute(uri: "/staff/partners/\(brand.id)/commission", method: .post, headers: headers, body: form(["percent": "12.5"])) {
                #expect($0.status == .seeOther)
            }
            #expect(try await services.partners.organisation(id: brand.id).commissionBasisPoints == 1_250)
            let page = try await client.execute(uri: "/staff/partners/\(brand.id)", method: .get, headers: headers) { String(buffer: $0.body) }
            #expect(page.contains("id=\"settlement\"") && page.contains("value=\"12.50\""))
            let statement = try await client.execute(uri: "/api/v1/partner/settlement", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .ok)
                return try decode(response)
            }
            #expect(statement["commissionBasisPoints"] as? Int == 1_250 && statement["organisationId"] as? String == brand.id)
            try await client.execute(uri: "/api/v1/staff/partners/\(brand.id)/settlement?from=2026-01-01&to=2026-02-01", method: .get, headers: bearer(staff)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/staff/partners/\(brand.id)/settlement?from=2026-02-01&to=2026-01-01", method: .get, headers: bearer(staff)) {
                #expect($0.status == .unprocessableContent)
            }
        }
    }

    @Test func aBrandsRolloutReachesOnlyItsOwnDevices() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            var brands: [(id: String, token: String, model: DeviceModel)] = []
            for (name, modelId) in [("Roidmi", "roidmi-x1"), ("Yeelight", "yeelight-l1")] {
                let brand = try await services.partners.createOrganisation(name: name, kind: .ecoBrand)
                let token = try await services.partners.issueKey(organisationId: brand.id, name: "firmware", scopes: [.firmwareWrite]).token
                let key = try await client.execute(uri: "/api/v1/partner/device-models", method: .post, headers: bearer(token),
                                                   body: json(["id": modelId, "name": "\(name) device", "kind": "other", "productLine": "eco-chain"])) { response in
                    #expect(response.status == .created)
                    return try decode(response)["factoryKey"] as? String ?? ""
                }
                brands.append((brand.id, token, DeviceModel(id: modelId, name: name, kind: .other, productLine: "eco-chain", factoryKey: key, createdAt: Date())))
            }
            let (roidmi, yeelight) = (brands[0], brands[1])
            func upload(_ token: String, model: String, version: String) async throws -> (HTTPResponse.Status, String?) {
                try await client.execute(uri: "/api/v1/partner/firmware-builds?model=\(model)&version=\(version)", method: .post,
                                         headers: bearer(token, [.contentType: "application/octet-stream"]), body: ByteBuffer(bytes: Array(repeating: UInt8(7), count: 2_000))) {
                    ($0.status, $0.status == .created ? try decode($0)["id"] as? String : nil)
                }
            }
            // Each brand uploads for its own model only; the other's is unknown to it.
            #expect(try await upload(yeelight.token, model: roidmi.model.id, version: "2.0.0").0 == .unprocessableContent)
            let roidmiBuild = try #require(try await upload(roidmi.token, model: roidmi.model.id, version: "2.0.0").1)
            _ = try await upload(yeelight.token, model: yeelight.model.id, version: "2.0.0")
            try await client.execute(uri: "/api/v1/partner/rollouts", method: .post, headers: bearer(yeelight.token),
                                     body: json(["buildId": roidmiBuild, "channel": "stable", "stages": [100]])) { #expect($0.status == .unprocessableContent) }
            let rolloutId = try await client.execute(uri: "/api/v1/partner/rollouts", method: .post, headers: bearer(roidmi.token),
                                                     body: json(["buildId": roidmiBuild, "channel": "stable", "stages": [100], "minReports": 1])) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as? String ?? ""
            }
            // Only Roidmi may steer it: Yeelight's key does not find it; Roidmi pauses and resumes it.
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/partner/rollouts/\(rolloutId)"), (.post, "/api/v1/partner/rollouts/\(rolloutId)/commands")] {
                try await client.execute(uri: path, method: method, headers: bearer(yeelight.token), body: method == .post ? json(["command": "pause"]) : nil) {
                    #expect($0.status == .notFound, "\(path)")
                }
            }
            for command in ["pause", "resume"] {
                let state = try await client.execute(uri: "/api/v1/partner/rollouts/\(rolloutId)/commands", method: .post, headers: bearer(roidmi.token),
                                                     body: json(["command": command])) { try decode($0)["state"] as? String }
                #expect(state == (command == "pause" ? "paused" : "active"))
            }
            let theirs = try await client.execute(uri: "/api/v1/partner/rollouts", method: .get, headers: bearer(yeelight.token)) { try decode($0)["items"] as? [[String: Any]] ?? [] }
            let models = try await client.execute(uri: "/api/v1/partner/device-models", method: .get, headers: bearer(yeelight.token)) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(theirs.isEmpty && models.compactMap { $0["id"] as? String } == [yeelight.model.id])
            // Devices of both brands check in on 1.0.0: only Roidmi's is offered Roidmi's build.
            var actions: [String: String] = [:]
            for brand in brands {
                let serial = "\(brand.model.id.uppercased())-0001"
                let token = try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                    "serial": serial, "model": brand.model.id, "secret": brand.model.factorySecret(serial: serial), "market": "GB", "channel": "stable", "version": "1.0.0",
                ])) { response in
                    #expect(response.status == .created)
                    return try decode(response)["token"] as? String ?? ""
                }
                actions[brand.model.id] = try await client.execute(uri: "/api/v1/devices/check-in", method: .post, headers: bearer(token), body: json(["version": "1.0.0"])) {
                    try decode($0)["action"] as? String ?? ""
                }
            }
            #expect(actions[roidmi.model.id] == "update" && actions[yeelight.model.id] != "update")
            // A retailer runs no firmware even with the scope.
            let retailer = try await services.partners.createOrganisation(name: "Croma", kind: .retailer)
            let retailerKey = try await services.partners.issueKey(organisationId: retailer.id, name: "x", scopes: [.firmwareWrite]).token
            try await client.execute(uri: "/api/v1/partner/device-models", method: .get, headers: bearer(retailerKey)) { #expect($0.status == .forbidden) }
        }
    }

    @Test func aBrandRegistersItsOwnReceiverForItsProductsServiceCases() async throws {
        try await withApp { client, services in
            var tokens: [String] = []
            for name in ["Roidmi", "Yeelight"] {
                let brand = try await services.partners.createOrganisation(name: name, kind: .ecoBrand)
                tokens.append(try await services.partners.issueKey(organisationId: brand.id, name: "service", scopes: [.serviceWrite]).token)
            }
            try await client.execute(uri: "/api/v1/partner/webhooks", method: .post, headers: bearer(tokens[0]),
                                     body: json(["url": "https://roidmi.example/hooks", "events": ["order.paid"]])) { #expect($0.status == .unprocessableContent) }
            let endpoint = try await client.execute(uri: "/api/v1/partner/webhooks", method: .post, headers: bearer(tokens[0]),
                                                    body: json(["url": "https://roidmi.example/hooks", "events": ["service_case.opened"]])) { response in
                #expect(response.status == .created)
                return try decode(response)
            }
            let id = try #require(endpoint["id"] as? String)
            #expect((endpoint["secret"] as? String)?.hasPrefix("whsec_") == true)
            let others = try await client.execute(uri: "/api/v1/partner/webhooks", method: .get, headers: bearer(tokens[1])) { try decode($0)["items"] as? [[String: Any]] ?? [] }
            #expect(others.isEmpty)
            try await client.execute(uri: "/api/v1/partner/webhooks/\(id)", method: .delete, headers: bearer(tokens[1])) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/partner/webhooks/\(id)", method: .delete, headers: bearer(tokens[0])) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/partner/webhooks/\(id)", method: .delete, headers: bearer(tokens[0])) { #expect($0.status == .notFound) }
        }
    }

    @Test func aBrandsCentreRepairsItsUnitsOverThePartnerAPI() async throws {
        try await withApp { client, services in
            var tokens: [String] = []
            for name in ["Roidmi", "Yeelight"] {
                let brand = try await services.partners.createOrganisation(name: name, kind: .ecoBrand)
                tokens.append(try await services.partners.issueKey(organisationId: brand.id, name: "service", scopes: [.serviceWrite, .catalogWrite]).token)
            }
            let (roidmi, yeelight) = (tokens[0], tokens[1])
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let productId = try await client.execute(uri: "/api/v1/partner/products", method: .post, headers: bearer(roidmi), body: json([
                "slug": "roidmi-cordless", "texts": ["en": ["name": "Roidmi Cordless", "description": "A vacuum."]],
                "skus": [["code": "RDM-C-1", "colour": "white", "storage": "-", "weightGrams": 2_000,
                          "prices": [["market": "CN", "price": 140_000, "billOfMaterials": 120_000, "logistics": 5_000, "duty": 0]]]],
            ])) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return try decode(response)["id"] as? String ?? ""
            }
            try await client.execute(uri: "/api/v1/staff/product-reviews/\(productId)", method: .post, headers: bearer(staff), body: json(["approve": true])) {
                #expect($0.status == .ok)
            }
            let sku = try #require(try await services.catalog.product(slug: "roidmi-cordless")).skus[0].id
            let warehouse = try #require(try await services.inventory.warehouses(marketCode: "CN").first)
            try await client.execute(uri: "/api/v1/staff/stock/receipts", method: .post, headers: bearer(staff),
                                     body: json(["skuId": sku, "warehouseId": warehouse.id, "quantity": 3])) { #expect($0.status.code < 300) }
            // Roidmi opens a centre in China; the store's id is not its to take, nor is a market it does not name.
            let centre: [String: Any] = ["market": "CN", "name": "Roidmi 上海服务中心", "address": "上海市徐汇区漕溪北路 88 号", "hours": "周一至周六 10:00–19:00", "pickupsPerDay": 3]
            try await client.execute(uri: "/api/v1/partner/service-centres/roidmi-shanghai", method: .put, headers: bearer(roidmi), body: json(centre)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/partner/service-centres/shenzhen-futian", method: .put, headers: bearer(roidmi), body: json(centre)) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/api/v1/partner/service-centres/roidmi-shanghai", method: .put, headers: bearer(yeelight), body: json(centre)) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/api/v1/partner/service-centres/roidmi-x", method: .put, headers: bearer(roidmi),
                                     body: json(centre.merging(["market": "ZZ"]) { $1 })) { #expect($0.status == .unprocessableContent) }
            let theirCentres = try await client.execute(uri: "/api/v1/partner/service-centres", method: .get, headers: bearer(yeelight)) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            let ownCentres = try await client.execute(uri: "/api/v1/partner/service-centres", method: .get, headers: bearer(roidmi)) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(theirCentres.isEmpty && ownCentres.compactMap { $0["id"] as? String } == ["roidmi-shanghai"])
            // A fan's Roidmi stops; staff approve the repair and the fan is offered Roidmi's centre only.
            let (fan, _, orderId) = try await AfterSalesHTTPTests().deliveredOrder(client, services, market: "CN", serial: "RDM-CN-0001", key: "brand-repair-1",
                                                                                  product: "roidmi-cordless")
            let caseId = try await client.execute(uri: "/api/v1/service-cases", method: .post, headers: bearer(fan),
                                                  body: json(["serial": "RDM-CN-0001", "kind": "repair", "part": "main_unit", "description": "The motor stops"])) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as? String ?? ""
            }
            try await client.execute(uri: "/api/v1/staff/service-cases/\(caseId)/events", method: .post, headers: bearer(staff), body: json(["event": "approve"])) {
                #expect($0.status == .ok)
            }
            let slots = try await client.execute(uri: "/api/v1/service-cases/\(caseId)/pickup-slots", method: .get, headers: bearer(fan)) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(!slots.isEmpty && Set(slots.compactMap { $0["centreId"] as? String }) == ["roidmi-shanghai"])
            try await client.execute(uri: "/api/v1/service-cases/\(caseId)/pickup", method: .post, headers: bearer(fan),
                                     body: json(["centreId": "roidmi-shanghai", "day": slots[0]["day"] as? String ?? ""])) { #expect($0.status == .ok) }
            // Yeelight knows nothing of the case; Roidmi reads it with where the unit goes back, and repairs it.
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/partner/service-cases/\(caseId)"), (.get, "/api/v1/partner/service-cases/\(caseId)/photos/1"),
                                   (.post, "/api/v1/partner/service-cases/\(caseId)/events")] {
                try await client.execute(uri: path, method: method, headers: bearer(yeelight), body: method == .post ? json(["event": "dispatch"]) : nil) {
                    #expect($0.status == .notFound, "\(path)")
                }
            }
            let theirCases = try await client.execute(uri: "/api/v1/partner/service-cases", method: .get, headers: bearer(yeelight)) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(theirCases.isEmpty)
            let listed = try await client.execute(uri: "/api/v1/partner/service-cases?status=pickup_scheduled", method: .get, headers: bearer(roidmi)) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(listed.compactMap { $0["id"] as? String } == [caseId])
            let read = try await client.execute(uri: "/api/v1/partner/service-cases/\(caseId)", method: .get, headers: bearer(roidmi)) { try decode($0) }
            #expect(read["orderId"] as? String == orderId && (read["shipTo"] as? [String: Any])?["city"] as? String != nil)
            try await client.execute(uri: "/api/v1/partner/service-cases/\(caseId)/events", method: .post, headers: bearer(roidmi),
                                     body: json(["event": "refund"])) { #expect($0.status == .unprocessableContent) }
            for step: [String: Any] in [["event": "dispatch"], ["event": "receive"], ["event": "inspect"]] {
                try await client.execute(uri: "/api/v1/partner/service-cases/\(caseId)/events", method: .post, headers: bearer(roidmi), body: json(step)) {
                    #expect($0.status == .ok, "\(step)")
                }
            }
            // Roidmi's manager finishes it in the portal, and opens a second centre there.
            let roidmiId = try #require(try await services.partners.caller(token: roidmi)?.organisationId)
            let manager = try await newFan(client, "Lin")
            try await client.execute(uri: "/api/v1/staff/partners/\(roidmiId)/members", method: .post, headers: bearer(staff),
                                     body: json(["email": "lin@fans.test", "role": "manager"])) { #expect($0.status == .created) }
            let headers = pageHeaders(session: manager, cookies: ["millet_market=CN"])
            let portal = try await client.execute(uri: "/partner", method: .get, headers: headers) { String(buffer: $0.body) }
            #expect(portal.contains("id=\"brand-cases\"") && portal.contains("data-case=\"\(caseId)\"") && portal.contains("data-event=\"repair\""))
            #expect(portal.contains("Roidmi 上海服务中心") && !portal.contains("data-event=\"refund\"") && portal.contains("id=\"nav-partner\""))
            let fanPage = try await client.execute(uri: "/service", method: .get, headers: pageHeaders(session: fan)) { String(buffer: $0.body) }
            #expect(fanPage.contains("id=\"nav-service\"") && !fanPage.contains("id=\"nav-partner\""))
            try await client.execute(uri: "/partner/service-cases/\(caseId)/events", method: .post, headers: headers, body: form(["event": "repair", "note": "new motor"])) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/partner/service-cases/\(caseId)/events", method: .post, headers: headers, body: form(["event": "close"])) { response in
                #expect(response.status == .conflict && String(buffer: response.body).contains("id=\"portal-error\""))
            }
            try await client.execute(uri: "/partner/service-cases/\(caseId)/events", method: .post, headers: headers, body: form(["event": "ship_back"])) {
                #expect($0.status == .seeOther)
            }
            let centreForm = ["id": "roidmi-beijing", "market": "CN", "name": "Roidmi 北京服务中心", "address": "北京市朝阳区建国路 1 号", "hours": "周一至周五 9:00–18:00",
                              "pickupsPerDay": "lots", "active": "on"]
            try await client.execute(uri: "/partner/service-centres", method: .post, headers: headers, body: form(centreForm)) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .unprocessableContent && page.contains("value=\"Roidmi 北京服务中心\"") && page.contains("value=\"CN\" selected"))
            }
            try await client.execute(uri: "/partner/service-centres", method: .post, headers: headers, body: form(centreForm.merging(["pickupsPerDay": "4"]) { $1 })) {
                #expect($0.status == .seeOther)
            }
            let beijing = try await services.serviceCentres.serviceCentre(id: "roidmi-beijing")
            #expect(beijing?.organisationId == roidmiId && beijing?.active == true)
            // Staff editing a brand's centre leave it the brand's.
            try await client.execute(uri: "/api/v1/staff/service-centres/roidmi-beijing", method: .put, headers: bearer(staff),
                                     body: json(["market": "CN", "name": "Roidmi 北京", "address": "北京市朝阳区建国路 1 号", "hours": "9:00–18:00", "pickupsPerDay": 2, "active": false])) {
                #expect($0.status == .ok)
            }
            let edited = try await services.serviceCentres.serviceCentre(id: "roidmi-beijing")
            #expect(edited?.organisationId == roidmiId && edited?.active == false && edited?.name == "Roidmi 北京")
            // The fan sees the repair shipped back.
            let seen = try await client.execute(uri: "/api/v1/service-cases/\(caseId)", method: .get, headers: bearer(fan)) { try decode($0) }
            #expect(seen["status"] as? String == "shipped_back")
        }
    }
}
