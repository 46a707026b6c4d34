import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// Messages end to end: each event's notice leaves through a real SMTP conversation with a local
/// server, in the fan's language with a plain-text and an HTML part; SMS go to the sandbox; a
/// fan's choices are kept (legal and security always go); a server that is down gets the message
/// on a later try; account links work once and expire.
@Suite(.serialized) struct MessagesHTTPTests: HTTPHarness {
    /// The link in a message's text that starts with `prefix`.
    func link(_ message: LocalSMTPServer.Received, _ prefix: String) throws -> String {
        let text = try #require(message.part("text/plain"))
        return try #require(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix(prefix) }).description
    }

    @Test func everyOrderEventReachesTheFanInHerLanguage() async throws {
        let smtp = try await LocalSMTPServer()
        let transport = try #require(SMTPTransport(url: "smtp://127.0.0.1:\(smtp.port)"))
        try await withApp(email: transport) { client, services in
            let send = { _ = try await services.courier.sendDue() }
            // Registered in Spanish: the verification link comes in Spanish and works once.
            let fan = try await client.execute(uri: "/api/v1/accounts", method: .post, body: json([
                "email": "lucia@fans.test", "password": "lucia-password", "displayName": "Lucía", "language": "es",
            ])) { response in
                #expect(response.status == .created)
                return try decode(response)["token"] as! String
            }
            try await send()
            var mail = try await smtp.waitFor(1)
            #expect(mail[0].to == ["lucia@fans.test"] && mail[0].header("Subject") == "Confirma tu dirección de correo")
            // The name is not plain ASCII: it travels as an encoded word, the address as it is.
            #expect(mail[0].data.contains("\r\nTo: =?UTF-8?B?THVjw61h?= <lucia@fans.test>\r\n"))
            #expect(mail[0].part("text/html")?.contains("<a href=\"https://shop.test/verify-email?token=") == true)
            let token = String(try link(mail[0], "https://shop.test/verify-email?token=").split(separator: "=").last!)
            let verify = { try await client.execute(uri: "/api/v1/email-verifications", method: .post, body: json(["token": token])) { $0.status } }
            let first = try await verify(), again = try await verify()
            #expect(first == .ok && again == .conflict)
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(fan)) { try decode($0) }
            #expect(me["emailVerified"] as? Bool == true)

            // An order in Spain: placed, paid, shipped, delivered, part refunded.
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let sku = try #require(try await services.catalog.product(slug: "millet-band-2")).skus[0].id
            let order = try await client.execute(
                uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: "message-order-1"]),
                body: json(["market": "ES", "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]]])
            ) { try decode($0) }
            let orderId = order["id"] as! String, number = order["number"] as! String
            let payment = try await services.payments.createPayment(orderId: orderId, provider: "sandbox", now: services.clock.now())
            let signed = services.sandbox.notice(for: payment, kind: .succeeded, now: services.clock.now())
            try await client.execute(uri: "/api/v1/payments/sandbox/webhook", method: .post, headers: [.init("Millet-Signature")!: signed.signature],
                                     body: ByteBuffer(bytes: signed.body)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/staff/orders/\(orderId)/shipments", method: .post, headers: bearer(staff),
                                     body: json(["carrier": "seur", "trackingNumber": "SEUR-4411"])) { #expect($0.status == .created) }
            let scan = Array(try JSONSerialization.data(withJSONObject: [
                "eventId": "seur-1", "trackingNumber": "SEUR-4411", "status": "delivered", "at": ISO8601DateFormatter().string(from: services.clock.now()),
            ]))
            var carrier = HTTPFields()
            carrier[.init("Millet-Signature")!] = services.shippingDesk.signature.sign(body: scan, timestamp: services.clock.now())
            try await client.execute(uri: "/api/v1/carriers/seur/webhook", method: .post, headers: carrier, body: ByteBuffer(bytes: scan)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/staff/orders/\(orderId)/refunds", method: .post, headers: bearer(staff),
                                     body: json(["amount": 500, "reason": "scratched strap"])) { #expect($0.status == .created) }
            _ = try await services.refundSender.sendDue()
            try await send()
            mail = try await smtp.waitFor(6)
            let subjects = mail.dropFirst().map { $0.header("Subject") ?? "" }
            #expect(subjects == [
                "Pedido \(number) realizado", "Pago recibido del pedido \(number)", "Tu pedido \(number) está en camino",
                "Pedido \(number) entregado", "Reembolso de EUR 5.00 del pedido \(number)",
            ])
            let shipped = try #require(mail.first { $0.header("Subject")?.contains("en camino") == true })
            #expect(shipped.part("text/plain")?.contains("seur, número de seguimiento SEUR-4411") == true)
            #expect(mail.allSatisfy { $0.part("text/plain") != nil && $0.part("text/html")?.hasPrefix("<!doctype html>") == true })
            // The parcel and the delivery are texted to the phone on the order's address.
            let texts = try await services.sandboxMessages.sandboxMessages(channel: .sms, limit: 10)
            #expect(texts.map(\.recipient) == ["9845000000", "9845000000"])
            #expect(texts.contains { $0.text.hasPrefix("Millet: pedido \(number) enviado con seur, seguimiento SEUR-4411") })

            // Payment updates turned off: the next order's confirmation still goes, its payment note does not.
            try await client.execute(uri: "/api/v1/me/message-preferences", method: .put, headers: bearer(fan),
                                     body: json(["muted": ["order_updates:email", "teleport:email"]])) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/me/message-preferences", method: .put, headers: bearer(fan),
                                     body: json(["language": "es", "muted": ["order_updates:email", "order_updates:sms"]])) { #expect($0.status == .ok) }
            let second = try await client.execute(
                uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: "message-order-2"]),
                body: json(["market": "ES", "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]]])
            ) { try decode($0)["id"] as! String }
            let secondPayment = try await services.payments.createPayment(orderId: second, provider: "sandbox", now: services.clock.now())
            let paid = services.sandbox.notice(for: secondPayment, kind: .succeeded, now: services.clock.now())
            try await client.execute(uri: "/api/v1/payments/sandbox/webhook", method: .post, headers: [.init("Millet-Signature")!: paid.signature],
                                     body: ByteBuffer(bytes: paid.body)) { #expect($0.status == .ok) }
            try await send()
            mail = try await smtp.waitFor(7)
            #expect(mail.count == 7 && mail[6].header("Subject")?.hasPrefix("Pedido ") == true && mail[6].header("Subject")?.hasSuffix(" realizado") == true)
            let notices = try await client.execute(uri: "/api/v1/me/notices", method: .get, headers: bearer(fan)) { try decode($0)["items"] as! [[String: Any]] }
            let paidNotices = notices.filter { $0["kind"] as? String == "order_paid" }.compactMap { $0["email"] as? String }
            #expect(paidNotices.sorted() == ["sent", "skipped"] && notices.allSatisfy { $0["email"] as? String != "pending" })
        }
        try await smtp.stop()
    }

    @Test func aMailServerThatIsDownGetsTheMessageOnALaterTry() async throws {
        let smtp = try await LocalSMTPServer()
        let transport = try #require(SMTPTransport(url: "smtp://127.0.0.1:\(smtp.port)"))
        let clock = TestClock()
        try await withApp(clock, email: transport) { client, services in
            smtp.refuseNext(1)
            try await client.execute(uri: "/api/v1/password-resets", method: .post, body: json(["email": "fan@millet.test"])) { #expect($0.status == .accepted) }
            #expect(try await services.courier.sendDue() == 0)
            let fan = try #require(try await services.accounts.account(email: "fan@millet.test"))
            var notice = try #require(try await services.notices.notices(accountId: fan.id, limit: 1).first)
            #expect(notice.email == .pending && notice.attempts == 1 && smtp.received.isEmpty)
            // Not before its time: the next try waits 30 seconds.
            #expect(try await services.courier.sendDue() == 0)
            clock.advance(by: 31)
            #expect(try await services.courier.sendDue() == 1)
            notice = try #require(try await services.notices.notices(accountId: fan.id, limit: 1).first)
            #expect(notice.email == .sent && notice.attempts == 2 && notice.notice.params.isEmpty)
            #expect(try await smtp.waitFor(1).first?.header("Subject") == "Reset your password")
        }
        try await smtp.stop()
    }

    @Test func aPasswordResetWorksOnceAndThenExpires() async throws {
        let smtp = try await LocalSMTPServer()
        let transport = try #require(SMTPTransport(url: "smtp://127.0.0.1:\(smtp.port)"))
        let clock = TestClock()
        try await withApp(clock, email: transport) { client, services in
            let session = try await logIn(client, "fan@millet.test", "millet-fan")
            let ask = { (email: String) in
                try await client.execute(uri: "/api/v1/password-resets", method: .post, body: json(["email": email])) { #expect($0.status == .accepted) }
                _ = try await services.courier.sendDue()
            }
            try await ask("nobody@millet.test")
            try await ask("FAN@millet.test")
            var mail = try await smtp.waitFor(1)
            #expect(mail.count == 1 && mail[0].to == ["fan@millet.test"])
            let token = String(try link(mail[0], "https://shop.test/password-reset/").split(separator: "/").last!)
            let confirm = { (token: String, password: String) in
                try await client.execute(uri: "/api/v1/password-resets/confirm", method: .post, body: json(["token": token, "password": password])) {
                    ($0.status, $0.status == .noContent ? "" : try errorCode($0))
                }
            }
            #expect(try await confirm(token, "short") == (.unprocessableContent, "invalid_input"))
            #expect(try await confirm(token, "a-new-fan-password") == (.noContent, ""))
            #expect(try await confirm(token, "another-password") == (.conflict, "invalid_token"))
            // The old password and the old session no longer work; the new password does.
            try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(session)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/sessions", method: .post, body: json(["email": "fan@millet.test", "password": "millet-fan"])) {
                #expect($0.status == .unauthorized)
            }
            let fresh = try await logIn(client, "fan@millet.test", "a-new-fan-password")
            _ = try await services.courier.sendDue()
            mail = try await smtp.waitFor(2)
            #expect(mail[1].header("Subject") == "Your password was changed")

            // A link not used within the hour expires.
            try await ask("fan@millet.test")
            mail = try await smtp.waitFor(3)
            let late = String(try link(mail[2], "https://shop.test/password-reset/").split(separator: "/").last!)
            clock.advance(by: 3_601)
            #expect(try await confirm(late, "too-late-password") == (.conflict, "invalid_token"))

            // A new email: the old address is told, the new one gets a link to verify it, and links
            // sent to the old address stop working.
            try await ask("fan@millet.test")
            mail = try await smtp.waitFor(4)
            let beforeMove = String(try link(mail[3], "https://shop.test/password-reset/").split(separator: "/").last!)
            try await client.execute(uri: "/api/v1/me/email", method: .put, headers: bearer(fresh),
                                     body: json(["password": "wrong-password", "email": "asha@fans.test"])) { #expect($0.status == .unprocessableContent) }
            // An address that would end the SMTP command early is no address.
            try await client.execute(uri: "/api/v1/me/email", method: .put, headers: bearer(fresh),
                                     body: json(["password": "a-new-fan-password", "email": "a@b.test\r\n.\r\nRCPT TO:<x@y.test>"])) {
                #expect($0.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/me/email", method: .put, headers: bearer(fresh),
                                     body: json(["password": "a-new-fan-password", "email": "moderator@millet.test"])) { #expect($0.status == .conflict) }
            let moved = try await client.execute(uri: "/api/v1/me/email", method: .put, headers: bearer(fresh),
                                                 body: json(["password": "a-new-fan-password", "email": "Asha@Fans.test"])) { response in
                #expect(response.status == .ok)
                return try decode(response)
            }
            #expect((moved["account"] as? [String: Any])?["emailVerified"] as? Bool == false)
            #expect(try await confirm(beforeMove, "taken-over-password") == (.conflict, "invalid_token"))
            _ = try await services.courier.sendDue()
            mail = try await smtp.waitFor(6)
            let changed = try #require(mail.first { $0.header("Subject") == "Your email address was changed" })
            #expect(changed.to == ["fan@millet.test"] && changed.part("text/plain")?.contains("from fan@millet.test to asha@fans.test") == true)
            #expect(mail.contains { $0.to == ["asha@fans.test"] && $0.header("Subject") == "Confirm your email address" })
        }
        try await smtp.stop()
    }

    @Test func aCancelAndAReservedSaleAboutToOpenAreToldInTheMarketsLanguage() async throws {
        let smtp = try await LocalSMTPServer()
        let transport = try #require(SMTPTransport(url: "smtp://127.0.0.1:\(smtp.port)"))
        let clock = TestClock()
        try await withApp(clock, email: transport) { client, services in
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let account = try #require(try await services.accounts.account(email: "fan@millet.test"))
            let sku = try #require(try await services.catalog.product(slug: "millet-note-3")).skus[0].id
            // An order in Indonesia, cancelled by the fan: told in Indonesian, the market's language.
            let orderId = try await client.execute(
                uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: "message-cancel-1"]),
                body: json(["market": "ID", "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]]])
            ) { try decode($0)["id"] as! String }
            try await client.execute(uri: "/api/v1/orders/\(orderId)/cancel", method: .post, headers: bearer(fan)) { #expect($0.status == .ok) }
            // A sale the fan reserved, opening in 15 minutes: no reminder yet; at 9 minutes, one.
            let sale = try await SaleScheduler(
                catalog: services.catalog, inventory: services.inventory, markets: services.markets, sales: services.flashSales,
                pricing: services.pricing, clock: clock
            ).schedule(SaleRequest(
                title: "Note 3 launch", skuId: sku, marketCode: "IN", startsAt: clock.now().addingTimeInterval(900),
                endsAt: clock.now().addingTimeInterval(4_000), units: 5))
            _ = try await services.flashSales.reserve(saleId: sale.id, accountId: account.id, now: clock.now())
            try await client.execute(uri: "/api/v1/me/message-preferences", method: .put, headers: bearer(fan),
                                     body: json(["phone": "+91 98450 11111", "muted": []])) { #expect($0.status == .ok) }
            _ = try await services.courier.sendDue()
            var mail = try await smtp.waitFor(2)
            #expect(mail.map { $0.header("Subject") ?? "" }.filter { $0.contains("dibatalkan") || $0.hasPrefix("Pesanan") }.count == 2)
            #expect(!mail.contains { $0.header("Subject")?.contains("Note 3 launch") == true })
            clock.advance(by: 360)
            _ = try await services.courier.sendDue()
            _ = try await services.courier.sendDue()
            mail = try await smtp.waitFor(3)
            #expect(mail.filter { $0.header("Subject") == "Note 3 launch opens at \(MessageCourier.when(sale.startsAt))" }.count == 1)
            let texts = try await services.sandboxMessages.sandboxMessages(channel: .sms, limit: 5)
            #expect(texts.map(\.recipient) == ["+91 98450 11111"] && texts[0].text.contains("https://shop.test/sales/\(sale.id)"))
        }
        try await smtp.stop()
    }
}
