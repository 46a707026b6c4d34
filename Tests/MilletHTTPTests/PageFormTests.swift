import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import Testing
@testable import MilletHTTP

/// The HTML forms, posted as a browser without JavaScript posts them: cookies carry the guest cart
/// and the session, every answer is a redirect or a page.
@Suite struct PageFormTests: HTTPHarness {
    func cookies(_ pairs: [String: String]) -> HTTPFields {
        pageHeaders(session: pairs[IdentityMiddleware.cookieName],
                    cookies: pairs.filter { $0.key != IdentityMiddleware.cookieName }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
    }

    @Test func aGuestCartFollowsTheFanThroughLogInCheckoutAndPayment() async throws {
        try await withApp { client, services in
            let skus = try #require(try await services.catalog.product(slug: "millet-note-3")).skus.map(\.id)
            let market = ["millet_market": "GB", "millet_lang": "en"]
            // A guest adds a phone: the cart lives behind a cookie.
            let guest = try await client.execute(uri: "/cart/items", method: .post, headers: cookies(market), body: form(["skuId": skus[0], "quantity": "2"])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/cart")
                return try #require(setCookie(response, PageKit.guestCartCookie))
            }
            var withGuest = market
            withGuest[PageKit.guestCartCookie] = guest
            try await client.execute(uri: "/cart/items", method: .post, headers: cookies(withGuest), body: form(["skuId": skus[1], "quantity": "1"])) { _ in }
            try await client.execute(uri: "/cart/items/\(skus[1])/remove", method: .post, headers: cookies(withGuest)) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/cart", method: .get, headers: cookies(withGuest)) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(skus[0]) && !html.contains(skus[1]))
            }
            // The fan already had a router in their own cart; logging in folds the guest cart in.
            let fanToken = try await logIn(client, "fan@millet.test", "millet-fan")
            let router = try #require(try await services.catalog.product(slug: "millet-router-ax")).skus[0].id
            try await client.execute(uri: "/api/v1/cart/items", method: .post, headers: bearer(fanToken), body: json(["market": "GB", "skuId": router, "quantity": 1])) { _ in }
            try await client.execute(uri: "/login", method: .post, headers: cookies(withGuest),
                                     body: form(["email": "fan@millet.test", "password": "wrong-password", "next": "/checkout"])) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("fan@millet.test"))
            }
            let session = try await client.execute(uri: "/login", method: .post, headers: cookies(withGuest),
                                                   body: form(["email": "fan@millet.test", "password": "millet-fan", "next": "/checkout"])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/checkout")
                #expect(setCookie(response, PageKit.guestCartCookie) == "")
                return try #require(setCookie(response, IdentityMiddleware.cookieName))
            }
            try await client.execute(uri: "/api/v1/cart?market=GB", method: .get, headers: bearer(session)) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(Dictionary(uniqueKeysWithValues: items.map { ($0["skuId"] as! String, $0["quantity"] as! Int) }) == [skus[0]: 2, router: 1])
            }
            var signedIn = market
            signedIn[IdentityMiddleware.cookieName] = session
            let key = try await client.execute(uri: "/checkout", method: .get, headers: cookies(signedIn)) { response in
                let html = String(buffer: response.body)
                let match = try #require(html.firstMatch(of: /name="idempotencyKey" value="([0-9a-f]+)"/))
                return String(match.1)
            }
            let checkout = form(["name": "Sam", "line1": "1 High St", "city": "Leeds", "postcode": "LS1 1AA", "phone": "07700900000", "idempotencyKey": key])
            let payPath = try await client.execute(uri: "/checkout", method: .post, headers: cookies(signedIn), body: checkout) { response in
                #expect(response.status == .seeOther)
                return try #require(response.headers[.location])
            }
            #expect(payPath.hasPrefix("/pay/sandbox/"))
            // Pressing "Place order" twice gives one order.
            try await client.execute(uri: "/checkout", method: .get, headers: cookies(signedIn)) { #expect($0.headers[.location] == "/cart") }
            let orderPath = try await client.execute(uri: payPath, method: .post, headers: cookies(signedIn), body: form(["outcome": "pay"])) { response in
                #expect(response.status == .seeOther)
                return try #require(response.headers[.location])
            }
            // The sandbox authorized the money; the order is paid once the capture outbox is sent.
            try await client.execute(uri: orderPath, method: .get, headers: cookies(signedIn)) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("data-status=\"pending_payment\"") && page.contains("id=\"capturing\"") && !page.contains("id=\"pay-now\""))
            }
            #expect(try await services.captureSender.sendDue() == 1)
            try await client.execute(uri: orderPath, method: .get, headers: cookies(signedIn)) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("data-status=\"paid\"") && !page.contains("id=\"capturing\""))
            }
            let orders = try await services.orders.orders(accountId: try #require(try await services.accounts.account(email: "fan@millet.test")).id, offset: 0, limit: 10)
            #expect(orders.count == 1)
            // Log-out clears the cookie and ends the session on the server.
            try await client.execute(uri: "/logout", method: .post, headers: cookies(signedIn)) { response in
                #expect(setCookie(response, IdentityMiddleware.cookieName) == "")
            }
            try await client.execute(uri: "/orders", method: .get, headers: cookies(signedIn)) { #expect($0.status == .seeOther) }
        }
    }

    @Test func registrationFormsExplainWhatIsWrongInTheVisitorsLanguage() async throws {
        try await withApp { client, services in
            try await client.execute(uri: "/register", method: .post, headers: cookies(["millet_market": "ES", "millet_lang": "es"]),
                                     body: form(["email": "not-an-email", "password": "short", "displayName": "Ana"])) { response in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains("lang=\"es\"") && html.contains("Ana"))
            }
            #expect(try await services.accounts.account(email: "not-an-email") == nil)
            try await client.execute(uri: "/register", method: .post, headers: cookies([:]),
                                     body: form(["email": "ana@fan.test", "password": "a-long-password", "displayName": "Ana", "next": "//evil.test"])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
                #expect(setCookie(response, IdentityMiddleware.cookieName)?.isEmpty == false)
            }
            try await client.execute(uri: "/cart/items", method: .post, headers: cookies([:]), body: form(["skuId": "x"])) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func staffRunTheStoreFromTheConsoleForms() async throws {
        try await withApp { client, services in
            let staffSession = try await client.execute(uri: "/login", method: .post, headers: formHeaders,
                                                        body: form(["email": "staff@millet.test", "password": "millet-staff", "next": "/staff"])) {
                try #require(setCookie($0, IdentityMiddleware.cookieName))
            }
            let staff = cookies([IdentityMiddleware.cookieName: staffSession, "millet_market": "GB"])
            let product = try #require(try await services.catalog.product(slug: "millet-band-2"))
            let sku = product.skus[0].id
            try await client.execute(uri: "/staff/products/\(product.id)", method: .get, headers: staff) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(sku))
            }
            // Prices: within the cap is stored, above it is refused and the old price stays.
            try await client.execute(uri: "/staff/prices", method: .post, headers: staff,
                                     body: form(["skuId": sku, "market": "GB", "price": "12000", "billOfMaterials": "8000", "logistics": "1000", "duty": "1000"])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/staff/products/\(product.id)")
            }
            try await client.execute(uri: "/staff/prices", method: .post, headers: staff,
                                     body: form(["skuId": sku, "market": "GB", "price": "99000", "billOfMaterials": "8000", "logistics": "1000", "duty": "1000"])) { response in
                #expect(response.status == .conflict)
            }
            #expect(try await services.catalog.price(skuId: sku, marketCode: "GB")?.shelfPrice == 12_000)
            // Stock receipts.
            let warehouse = try await services.inventory.warehouses(marketCode: "GB")[0].id
            let before = try await services.inventory.stock(skuId: sku).first { $0.warehouseId == warehouse }?.received ?? 0
            try await client.execute(uri: "/staff/stock/receipts", method: .post, headers: staff, body: form(["skuId": sku, "warehouseId": warehouse, "quantity": "7"])) {
                #expect($0.status == .seeOther)
            }
            #expect(try await services.inventory.stock(skuId: sku).first { $0.warehouseId == warehouse }?.received == before + 7)
            // Publication.
            try await client.execute(uri: "/staff/products/\(product.id)/publication", method: .post, headers: staff, body: form(["published": "false"])) {
                #expect($0.status == .seeOther)
            }
            #expect(try await services.catalog.product(id: product.id)?.published == false)
            try await client.execute(uri: "/staff/products/\(product.id)/publication", method: .post, headers: staff, body: form(["published": "true"])) { _ in }
            #expect(try await services.catalog.product(id: product.id)?.published == true)
            // Order events: a paid order is shipped from the orders console.
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let orderId = try await client.execute(uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: "console-order"]),
                                                   body: json(["market": "GB", "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]]])) {
                try decode($0)["id"] as! String
            }
            try await client.execute(uri: "/staff/orders/\(orderId)/events", method: .post, headers: staff, body: form(["event": "ship"])) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(uri: "/staff/orders/\(orderId)/events", method: .post, headers: staff, body: form(["event": "cancel", "note": "fan called"])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/staff/orders?status=cancelled")
            }
            try await client.execute(uri: "/staff/orders?status=cancelled", method: .get, headers: staff) { response in
                #expect(String(buffer: response.body).contains("/orders/\(orderId)"))
            }
            // A fan's cookie does not open the console.
            try await client.execute(uri: "/staff/stock/receipts", method: .post, headers: cookies([IdentityMiddleware.cookieName: fan]),
                                     body: form(["skuId": sku, "warehouseId": warehouse, "quantity": "7"])) { #expect($0.status == .forbidden) }
        }
    }
}

/// Where a page sends the visitor back to after logging in stays on this site.
struct SafeNextTests: HTTPHarness {
    @Test func onlyLocalPathsAreFollowed() {
        #expect(PageKit.safeNext("/orders/1?x=2") == "/orders/1?x=2")
        for foreign in ["//evil.example", "/\t/evil.example", "/\n/evil.example", "/\\evil.example", "https://evil.example", "/ /evil.example", nil] {
            #expect(PageKit.safeNext(foreign) == "/", "\(foreign.debugDescription)")
        }
    }

    @Test func logInNeverRedirectsOffSite() async throws {
        try await withApp { client, _ in
            try await client.execute(
                uri: "/login", method: .post, headers: formHeaders,
                body: form(["email": "fan@millet.test", "password": "millet-fan", "next": "/\t/evil.example"])
            ) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/")
            }
        }
    }
}
