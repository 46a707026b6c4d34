import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// Shipping methods through HTTP: the cart offers each method priced with its totals, an order
/// carries the chosen one, and staff change a method, which new carts see at once.
struct ShippingMethodHTTPTests: HTTPHarness {
    @Test func theCartOffersEachMethodAndTheOrderCarriesTheChosenOne() async throws {
        try await withApp { client, services in
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let band = try #require(try await services.catalog.product(slug: "millet-band-2")).skus[0].id
            try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: bearer(fan), body: json(["market": "ES", "skuId": band, "quantity": 1])) {
                #expect($0.status == .created)
            }
            let options = { () async throws -> [[String: Any]] in
                try await client.execute(uri: "/api/v1/cart?market=ES", method: .get, headers: bearer(fan)) { response in
                    let cart = try decode(response)
                    let options = cart["shippingOptions"] as! [[String: Any]]
                    // The cart's own totals are those of its first (default) option.
                    #expect((cart["totals"] as! NSDictionary) == (options[0]["totals"] as! NSDictionary))
                    return options
                }
            }
            let amount = { (value: Any?) in ((value as? [String: Any])?["amount"] as? Int) ?? -1 }
            var offered = try await options()
            #expect(offered.map { $0["code"] as! String } == ["standard", "express"])
            #expect(offered.map { $0["name"] as! String } == ["Envío estándar", "Envío urgente 24 h"])
            #expect(offered.map { amount($0["price"]) } == [499, 899])
            #expect(amount(offered[0]["freeOver"]) == 5_000 && offered[0]["free"] as? Bool == false)
            let subtotal = amount((offered[1]["totals"] as! [String: Any])["subtotal"])
            #expect(amount((offered[1]["totals"] as! [String: Any])["total"]) == subtotal + 899)
            // Placed on Friday 15 January 2027: express arrives on the next working day.
            #expect(offered[1]["delivery"] as? NSDictionary == ["earliest": "2027-01-18", "latest": "2027-01-18"] as NSDictionary)

            let put = { (token: String, market: String, code: String, body: [String: Any]) in
                try await client.execute(uri: "/api/v1/staff/markets/\(market)/shipping-methods/\(code)", method: .put, headers: bearer(token), body: json(body)) {
                    ($0.status, $0.status == .ok ? "" : try errorCode($0))
                }
            }
            let cheap: [String: Any] = ["names": ["es": "Envío urgente"], "rate": ["kind": "flat", "amount": 650], "minDays": 1, "maxDays": 1, "position": 1]
            #expect(try await put(fan, "ES", "express", cheap) == (.forbidden, "forbidden"))
            for bad: [String: Any] in [
                ["names": ["en": "Express"], "rate": ["kind": "flat", "amount": 650], "minDays": 1, "maxDays": 1],
                ["names": ["es": "Urgente"], "rate": ["kind": "flat", "firstKg": 650], "minDays": 1, "maxDays": 1],
                ["names": ["es": "Urgente"], "rate": ["kind": "flat", "amount": 650], "minDays": 100, "maxDays": 1],
                ["names": ["es": "Urgente"], "rate": ["kind": "flat", "amount": -5], "minDays": 1, "maxDays": 1],
            ] {
                #expect(try await put(staff, "ES", "express", bad) == (.unprocessableContent, "invalid_input"))
            }
            #expect(try await put(staff, "ES", "Express 2", cheap) == (.unprocessableContent, "invalid_input"))
            #expect(try await put(staff, "XX", "express", cheap).0 == .unprocessableContent)
            #expect(try await put(staff, "es", "express", cheap) == (.ok, ""))
            offered = try await options()
            #expect(offered.map { amount($0["price"]) } == [499, 650] && offered[1]["name"] as? String == "Envío urgente")
            try await client.execute(uri: "/api/v1/markets/ES/shipping-methods", method: .get) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.map { $0["code"] as! String } == ["standard", "express"])
                #expect((items[1]["rate"] as! [String: Any])["kind"] as? String == "flat")
            }

            let place = { (method: String?, key: String) in
                var body: [String: Any] = ["market": "ES", "shippingAddress": address, "items": [["skuId": band, "quantity": 1]]]
                body["shippingMethod"] = method
                return try await client.execute(
                    uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: key]), body: json(body)
                ) { ($0.status, $0.status == .created ? try decode($0) : ["error": try errorCode($0)]) }
            }
            let (status, order) = try await place("express", "ship-method-http-1")
            #expect(status == .created && amount((order["totals"] as! [String: Any])["shipping"]) == 650)
            #expect((order["shipping"] as! NSDictionary) == [
                "method": "express", "name": "Envío urgente", "delivery": ["earliest": "2027-01-18", "latest": "2027-01-18"],
            ] as NSDictionary)
            let refused = try await place("teleport", "ship-method-http-2")
            #expect(refused.0 == .unprocessableContent && refused.1["error"] as? String == "invalid_input")
        }
    }
}
