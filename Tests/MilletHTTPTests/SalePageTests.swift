import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// The flash-sale pages as a browser without JavaScript uses them: the calendar, reserving,
/// buying with a plain form, and a refusal shown on the page in the fan's language.
struct SalePageTests: HTTPHarness {
    func cookies(_ session: String, language: String = "en") -> HTTPFields {
        pageHeaders(session: session, cookies: ["millet_lang=\(language)", "millet_market=IN"])
    }

    func buyForm(_ key: String = Identifier.make()) -> ByteBuffer {
        form(["name": "Asha", "line1": "12 MG Road", "city": "Bengaluru", "postcode": "560001", "phone": "9845000000", "idempotencyKey": key])
    }

    @Test func aFanReservesThenBuysWithAFormAndTheNextFanSeesItSoldOut() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, units: 1)
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi")
            try await client.execute(uri: "/sales", method: .get, headers: cookies(asha, language: "hi")) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("फ़्लैश सेल कैलेंडर") && html.contains("data-sale=\"\(saleId)\"") && html.contains("जल्द आ रहा है"))
            }
            try await client.execute(uri: "/sales/\(saleId)/reserve", method: .post, headers: cookies(asha)) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/sales/\(saleId)")
            }
            try await client.execute(uri: "/sales/\(saleId)", method: .get, headers: cookies(asha)) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("id=\"reserved\"") && html.contains("<dd id=\"reservations\">1</dd>"))
                #expect(html.contains("<dd id=\"countdown\">0:01:00</dd>"))
            }
            // Before the start the form is refused on the page itself.
            try await client.execute(uri: "/sales/\(saleId)/buy", method: .post, headers: cookies(asha), body: buyForm()) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains("The sale has not started yet."))
            }
            clock.advance(by: 60)
            try await client.execute(uri: "/sales/\(saleId)/buy", method: .post, headers: cookies(asha), body: buyForm()) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/pay/sandbox/") == true)
            }
            try await client.execute(uri: "/sales/\(saleId)/buy", method: .post, headers: cookies(ravi, language: "es"), body: buyForm()) { response in
                #expect(response.status == .conflict)
                let html = String(buffer: response.body)
                #expect(html.contains("Agotado. Las unidades no pagadas a tiempo vuelven") && html.contains("data-state=\"sold_out\""))
            }
            let figures = try await services.flashSales.figures(saleId: saleId, now: clock.now(), leaseLifetime: 5)
            #expect(figures.sold == 1)
        }
    }

    /// "Try again" after `purchase_in_progress` is the same purchase: the page fills the form
    /// again with its Idempotency-Key and address and keeps it shown, and sending it buys once.
    @Test func aFanLoggedOutWhoReservesIsSentBackToTheSaleAfterLoggingIn() async throws {
        try await withApp { client, _ in
            let sale = Identifier.make()
            var fromPage = pageHeaders(session: nil)
            fromPage[.referer] = "https://shop.test/sales/\(sale)?market=IN"
            try await client.execute(uri: "/sales/\(sale)/reserve", method: .post, headers: fromPage, body: form([:])) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/login?next=%2Fsales%2F\(sale)")
            }
            // Without a page it came from, home; never the address a form posts to.
            try await client.execute(uri: "/sales/\(sale)/reserve", method: .post, headers: pageHeaders(session: nil), body: form([:])) { response in
                #expect(response.headers[.location] == "/login?next=%2F")
            }
            try await client.execute(uri: "/orders", method: .get) { response in
                #expect(response.headers[.location] == "/login?next=%2Forders")
            }
        }
    }

    @Test func staffScheduleASaleOnTheConsoleInTheMarketsTimeAndIssueFCodes() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            try await client.execute(uri: "/staff/sales", method: .get, headers: pageHeaders(session: fan)) { #expect($0.status == .forbidden) }
            let sku = try #require(try await services.catalog.product(slug: "millet-note-3")).skus[0].id
            // An hour from now, typed on India's clock (UTC+5:30).
            let india = DateFormatter()
            india.locale = Locale(identifier: "en_US_POSIX")
            india.timeZone = TimeZone(identifier: "Asia/Kolkata")
            india.dateFormat = "yyyy-MM-dd'T'HH:mm"
            let start = Date(timeIntervalSince1970: (clock.now().timeIntervalSince1970 / 60).rounded(.up) * 60 + 3600)
            var fields = ["title": "Note 3 Diwali", "market": "IN", "skuId": sku, "startsAt": india.string(from: start),
                          "endsAt": india.string(from: start.addingTimeInterval(3600)), "units": "lots", "perAccountLimit": "1", "price": ""]
            let refused = try await client.execute(uri: "/staff/sales", method: .post, headers: pageHeaders(session: staff), body: form(fields)) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(refused.0 == .unprocessableContent && refused.1.contains("id=\"sale-error\"") && refused.1.contains("value=\"Note 3 Diwali\""))
            fields["units"] = "20"
            try await client.execute(uri: "/staff/sales", method: .post, headers: pageHeaders(session: staff), body: form(fields)) { #expect($0.status == .seeOther) }
            let sale = try #require(try await services.saleDesk.calendar().first { $0.title == "Note 3 Diwali" })
            #expect(sale.startsAt == start && sale.units == 20 && sale.marketCode == "IN")
            // Two F-codes, shown once and not kept by the browser.
            try await client.execute(uri: "/staff/sales/\(sale.id)/fcodes", method: .post, headers: pageHeaders(session: staff),
                                     body: form(["count": "2", "seen": "0"])) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok && response.headers[.cacheControl] == "no-store" && page.contains("id=\"fcodes\""))
            }
            // The same form sent again (a reload) issues nothing.
            try await client.execute(uri: "/staff/sales/\(sale.id)/fcodes", method: .post, headers: pageHeaders(session: staff),
                                     body: form(["count": "2", "seen": "0"])) { #expect($0.status == .conflict) }
            #expect(try await services.saleDesk.figures(saleId: sale.id).fcodeUnits == 2)
            // A start already past on the market's clock is refused.
            try await client.execute(uri: "/staff/sales", method: .post, headers: pageHeaders(session: staff),
                                     body: form(fields.merging(["startsAt": india.string(from: clock.now().addingTimeInterval(-3600))]) { $1 })) {
                #expect($0.status == .unprocessableContent)
            }
            let list = try await client.execute(uri: "/staff/sales", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(list.contains("data-sale=\"\(sale.id)\"") && !list.contains("id=\"fcodes\""))
        }
    }

    @Test func aPurchaseInProgressKeepsTheFormsKeySoTryingAgainIsTheSamePurchase() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, units: 2)
            clock.advance(by: 60)
            // Another node holds every unit: this node cannot tell yet whether Asha bought.
            #expect(try await services.flashSales.lease(saleId: saleId, node: "node-elsewhere", units: 2, now: clock.now(), leaseLifetime: 5) == 2)
            let asha = try await newFan(client, "Asha")
            let key = Identifier.make()
            try await client.execute(uri: "/sales/\(saleId)/buy", method: .post, headers: cookies(asha), body: buyForm(key)) { response in
                #expect(response.status == .conflict && response.headers[.retryAfter] == "1")
                let html = String(buffer: response.body)
                #expect(html.contains("id=\"refusal\""))
                #expect(html.contains("name=\"idempotencyKey\" value=\"\(key)\""))
                #expect(html.contains("value=\"12 MG Road\"") && html.contains("value=\"560001\""))
                #expect(html.contains("<section id=\"buy-box\" data-retry=\"1\">"))
            }
            // The other node's lease lapses; the same form buys, and sent again answers that order.
            clock.advance(by: 6)
            try await services.engine.tick()
            let paid = try await client.execute(uri: "/sales/\(saleId)/buy", method: .post, headers: cookies(asha), body: buyForm(key)) { response in
                #expect(response.status == .seeOther)
                return response.headers[.location]
            }
            try await client.execute(uri: "/sales/\(saleId)/buy", method: .post, headers: cookies(asha), body: buyForm(key)) { response in
                #expect(response.status == .seeOther && response.headers[.location] != nil && paid != nil)
            }
            #expect(try await services.flashSales.figures(saleId: saleId, now: clock.now(), leaseLifetime: 5).sold == 1)
        }
    }

    @Test func aSaleWithProofOfWorkNeedsTheScriptsTokenAndProof() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, units: 2, extra: ["proofOfWorkBits": 6])
            clock.advance(by: 60)
            let asha = try await newFan(client, "Asha")
            try await client.execute(uri: "/sales/\(saleId)/buy", method: .post, headers: cookies(asha), body: buyForm()) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("Your browser could not confirm the purchase."))
            }
            // What the page's script does: fetch a token with the cookie, solve, post both.
            let token = try await client.execute(uri: "/sales/\(saleId)/token", method: .post, headers: cookies(asha)) { response in
                #expect(response.status == .ok)
                return try decode(response)["token"] as! String
            }
            var fields = ["name": "Asha", "line1": "12 MG Road", "city": "Bengaluru", "postcode": "560001", "phone": "9845000000"]
            fields["idempotencyKey"] = Identifier.make()
            fields["purchaseToken"] = token
            fields["proofOfWork"] = PurchaseToken.solve(token: token, bits: 6)
            try await client.execute(uri: "/sales/\(saleId)/buy", method: .post, headers: cookies(asha), body: form(fields)) { response in
                #expect(response.status == .seeOther)
            }
            // Without a session the page sends the fan to log in.
            try await client.execute(uri: "/sales/\(saleId)/reserve", method: .post, headers: formHeaders) { response in
                #expect(response.status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true)
            }
        }
    }
}
