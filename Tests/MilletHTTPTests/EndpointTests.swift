import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import Testing
@testable import MilletHTTP

/// The API endpoints beyond the buying flow: markets, paging, cart lines, log-out and the staff's
/// stock and publication work.
@Suite struct EndpointTests: HTTPHarness {
    @Test func aMarketIsReadByItsCodeAndAnUnknownOneIsNotFound() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/api/v1/markets/id", method: .get) { response in
                #expect(response.status == .ok)
                let market = try decode(response)
                #expect(market["currency"] as? String == "IDR")
                #expect(market["minorDigits"] as? Int == 0)
                #expect(market["defaultLanguage"] as? String == "id")
            }
            try await client.execute(uri: "/api/v1/markets", method: .get) { response in
                let codes = (try decode(response)["items"] as! [[String: Any]]).map { $0["code"] as! String }
                #expect(Set(codes) == ["CN", "IN", "ES", "GB", "ID"])
            }
            try await client.execute(uri: "/api/v1/markets/ZZ", method: .get) { response in
                #expect(response.status == .notFound)
                let value = try errorCode(response); #expect(value == "not_found")
            }
        }
    }

    @Test func productsArePagedWithoutGapsOrRepeats() async throws {
        try await withApp { client, _ in
            var slugs: [String] = []
            for page in 1...3 {
                try await client.execute(uri: "/api/v1/products?market=GB&perPage=1&page=\(page)", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try decode(response)
                    let items = body["items"] as! [[String: Any]]
                    #expect(items.count == 1)
                    #expect(body["hasMore"] as? Bool == (page < 3))
                    slugs += items.map { $0["slug"] as! String }
                }
            }
            #expect(Set(slugs) == ["millet-note-3", "millet-band-2", "millet-router-ax"])
            for bad in ["perPage=0", "perPage=101", "page=0", "page=two"] {
                try await client.execute(uri: "/api/v1/products?market=GB&\(bad)", method: .get) { response in
                    #expect(response.status == .unprocessableContent)
                }
            }
            try await client.execute(uri: "/api/v1/products?market=GB&perPage=2&page=2", method: .get) { response in
                let body = try decode(response)
                #expect((body["items"] as! [Any]).count == 1 && body["hasMore"] as? Bool == false)
            }
        }
    }

    @Test func aCartLineIsRemovedAndLoggingOutEndsTheSession() async throws {
        try await withApp { client, services in
            let token = try await logIn(client, "fan@millet.test", "millet-fan")
            let skus = try #require(try await services.catalog.product(slug: "millet-note-3")).skus.map(\.id)
            for sku in skus.prefix(2) {
                try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: bearer(token), body: json(["market": "ES", "skuId": sku, "quantity": 1])) {
                    #expect($0.status == .created)
                }
            }
            try await client.execute(uri: "/api/v1/cart/items/\(skus[0])?market=ES", method: .delete, headers: bearer(token)) { response in
                #expect(response.status == .ok)
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.map { $0["skuId"] as! String } == [skus[1]])
            }
            try await client.execute(uri: "/api/v1/cart?market=ES", method: .get, headers: bearer(token)) { response in
                let items = try decode(response)["items"] as! [Any]
                #expect(items.count == 1)
            }
            // The line's quantity is set, not added to; eleven is refused and changes nothing.
            try await client.execute(uri: "/api/v1/cart/items/\(skus[1])", method: .put, headers: bearer(token), body: json(["market": "ES", "quantity": 3])) { response in
                let items = try decode(response)["items"] as? [[String: Any]]
                #expect(response.status == .ok && items?.first?["quantity"] as? Int == 3)
            }
            try await client.execute(uri: "/api/v1/cart/items/\(skus[1])", method: .put, headers: bearer(token), body: json(["market": "ES", "quantity": 11])) {
                #expect($0.status == .unprocessableContent)
            }
            // The cart page sets it too, and shows a refusal on the cart with the lines as they were.
            let page = pageHeaders(session: token, cookies: ["millet_market=ES"])
            try await client.execute(uri: "/cart/items/\(skus[1])/quantity", method: .post, headers: page, body: form(["quantity": "2"])) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/cart/items/\(skus[1])/quantity", method: .post, headers: page, body: form(["quantity": "many"])) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .unprocessableContent && html.contains("id=\"cart-error\"") && html.contains("value=\"2\""))
            }
            // A line removed since (an old tab) is not brought back.
            try await client.execute(uri: "/cart/items/\(skus[0])/quantity", method: .post, headers: page, body: form(["quantity": "4"])) { response in
                #expect(response.status == .notFound && String(buffer: response.body).contains("id=\"cart-error\""))
            }
            let after = try await client.execute(uri: "/api/v1/cart?market=ES", method: .get, headers: bearer(token)) { try decode($0)["items"] as? [[String: Any]] }
            #expect(after?.count == 1)
            #expect(after?.first?["quantity"] as? Int == 2)
            try await client.execute(uri: "/api/v1/sessions/current", method: .delete, headers: bearer(token)) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(token)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/sessions/current", method: .delete, headers: bearer(token)) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func staffReceiveStockIntoAWarehouseAndSeeIt() async throws {
        try await withApp { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let sku = try #require(try await services.catalog.product(slug: "millet-band-2")).skus[0].id
            let warehouse = try await client.execute(uri: "/api/v1/staff/warehouses?market=in", method: .get, headers: bearer(staff)) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(!items.isEmpty && items.allSatisfy { $0["marketCode"] as? String == "IN" })
                return items[0]["id"] as! String
            }
            let before = try await services.inventory.stock(skuId: sku).first { $0.warehouseId == warehouse }?.received ?? 0
            try await client.execute(uri: "/api/v1/staff/stock/receipts", method: .post, headers: bearer(staff),
                                     body: json(["skuId": sku, "warehouseId": warehouse, "quantity": 25])) { response in
                #expect(response.status == .created)
                let level = try decode(response)
                #expect(level["received"] as? Int == Int(before) + 25)
            }
            try await client.execute(uri: "/api/v1/staff/stock?skuId=\(sku)", method: .get, headers: bearer(staff)) { response in
                let row = (try decode(response)["items"] as! [[String: Any]]).first { $0["warehouseId"] as? String == warehouse }
                #expect(row?["available"] as? Int == Int(before) + 25)
            }
            let refused: [([String: Any], String)] = [
                (["skuId": sku, "warehouseId": warehouse, "quantity": 0], "quantity"),
                (["skuId": Identifier.make(), "warehouseId": warehouse, "quantity": 1], "skuId"),
                (["skuId": sku, "warehouseId": Identifier.make(), "quantity": 1], "warehouseId"),
            ]
            for (body, field) in refused {
                try await client.execute(uri: "/api/v1/staff/stock/receipts", method: .post, headers: bearer(staff), body: json(body)) { response in
                    #expect(response.status == .unprocessableContent)
                    let fields = (try decode(response)["error"] as! [String: Any])["fields"] as! [String: String]
                    #expect(fields[field] != nil)
                }
            }
            try await client.execute(uri: "/api/v1/staff/stock/receipts", method: .post, headers: bearer(fan),
                                     body: json(["skuId": sku, "warehouseId": warehouse, "quantity": 5])) { #expect($0.status == .forbidden) }
            let after = try await services.inventory.stock(skuId: sku).first { $0.warehouseId == warehouse }?.received
            #expect(after == before + 25)
        }
    }

    @Test func anUnpublishedProductLeavesTheStoreAndComesBack() async throws {
        try await withApp { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let product = try #require(try await services.catalog.product(slug: "millet-router-ax"))
            try await client.execute(uri: "/api/v1/staff/products/\(product.id)/publication", method: .post, headers: bearer(staff), body: json(["published": false])) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/products/millet-router-ax?market=GB", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/staff/products?market=GB&perPage=100", method: .get, headers: bearer(staff)) { response in
                let slugs = (try decode(response)["items"] as! [[String: Any]]).map { $0["slug"] as! String }
                #expect(slugs.contains("millet-router-ax"))
            }
            try await client.execute(uri: "/api/v1/staff/products/\(product.id)/publication", method: .post, headers: bearer(staff), body: json(["published": true])) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/products/millet-router-ax?market=GB", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/staff/products/\(Identifier.make())/publication", method: .post, headers: bearer(staff), body: json(["published": true])) {
                #expect($0.status == .notFound)
            }
        }
    }
}
