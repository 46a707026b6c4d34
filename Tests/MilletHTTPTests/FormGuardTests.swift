import Foundation
import Hummingbird
import HummingbirdTesting
import CompressNIO
import MilletCore
import Testing
@testable import MilletHTTP

/// Forms other sites cannot submit, and the headers every answer carries.
@Suite struct FormGuardTests: HTTPHarness {
    @Test func aFormFromAnotherSiteOrWithoutItsTokenChangesNothing() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let saleId = try await scheduleSale(client, services, units: 1)
            clock.advance(by: 60)
            let (fan, orderId) = try await OrderDeskHTTPTests().buyTheUnit(client, saleId, "Asha")
            let session = "\(IdentityMiddleware.cookieName)=\(fan)"
            // A forged form: the fan's session cookie goes along, the token does not.
            try await client.execute(uri: "/orders/\(orderId)/cancel", method: .post, headers: [.cookie: session, .contentType: "application/x-www-form-urlencoded"]) {
                #expect($0.status == .forbidden)
            }
            // A token that is not the one in the visitor's cookie.
            try await client.execute(
                uri: "/orders/\(orderId)/cancel", method: .post, headers: [.cookie: "\(session); \(csrfCookie)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=" + String(repeating: "0", count: 64))
            ) { #expect($0.status == .forbidden) }
            // The token a page made before log-in, or for another session: a cookie someone
            // planted, or a form left open across a log-in, is worth nothing with this session.
            for other in [nil, "another-session"] as [String?] {
                try await client.execute(
                    uri: "/orders/\(orderId)/cancel", method: .post, headers: [.cookie: "\(session); \(csrfCookie)", .contentType: "application/x-www-form-urlencoded"],
                    body: form(["_csrf": formToken(session: other)])
                ) { #expect($0.status == .forbidden) }
            }
            // The right token, sent from another site's page.
            try await client.execute(
                uri: "/orders/\(orderId)/cancel", method: .post,
                headers: [.cookie: "\(session); \(csrfCookie)", .contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example"],
                body: form(["_csrf": formToken(session: fan)])
            ) { #expect($0.status == .forbidden) }
            // The store's own host over plain HTTP, when the store is served over HTTPS.
            try await client.execute(
                uri: "/orders/\(orderId)/cancel", method: .post,
                headers: [.cookie: "\(session); \(csrfCookie)", .contentType: "application/x-www-form-urlencoded", .origin: "http://shop.test"],
                body: form(["_csrf": formToken(session: fan)])
            ) { #expect($0.status == .forbidden) }
            #expect(try await services.orders.order(id: orderId)?.status == .pendingPayment)
            // From the store's own page, with the token its form carries, the cancel goes through.
            try await client.execute(
                uri: "/orders/\(orderId)/cancel", method: .post,
                headers: [.cookie: "\(session); \(csrfCookie)", .contentType: "application/x-www-form-urlencoded", .origin: "https://shop.test"],
                body: form(["_csrf": formToken(session: fan)])
            ) { #expect($0.status == .seeOther) }
            #expect(try await services.orders.order(id: orderId)?.status == .cancelled)
        }
    }

    @Test func aPageGivesItsVisitorAFormTokenAndItsFormsCarryIt() async throws {
        try await withApp { client, _ in
            // The cookie holds a nonce; the forms hold the token made from it (and no session yet).
            let nonce = try await client.execute(uri: "/login", method: .get) { response in
                let nonce = try #require(setCookie(response, FormGuardMiddleware.cookieName))
                let token = FormGuardMiddleware.token(nonce: nonce, session: nil, key: harnessFormKey)
                let html = String(buffer: response.body)
                #expect(html.contains("<input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">"))
                #expect(html.contains("<meta name=\"csrf-token\" content=\"\(token)\">") && !html.contains(nonce))
                return nonce
            }
            // The log-in form, sent as a browser sends it, works; the same nonce is not given again.
            let token = FormGuardMiddleware.token(nonce: nonce, session: nil, key: harnessFormKey)
            let session = try await client.execute(
                uri: "/login", method: .post, headers: [.cookie: "\(FormGuardMiddleware.cookieName)=\(nonce)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "email=fan%40millet.test&password=millet-fan&_csrf=\(token)")
            ) { response in
                #expect(response.status == .seeOther)
                #expect(setCookie(response, FormGuardMiddleware.cookieName) == nil)
                return try #require(setCookie(response, IdentityMiddleware.cookieName))
            }
            // Signed in, the pages' forms carry a token made for the session.
            try await client.execute(
                uri: "/account", method: .get, headers: [.cookie: "\(FormGuardMiddleware.cookieName)=\(nonce); \(IdentityMiddleware.cookieName)=\(session)"]
            ) { response in
                let html = String(buffer: response.body)
                let signedIn = FormGuardMiddleware.token(nonce: nonce, session: session, key: harnessFormKey)
                #expect(signedIn != token && html.contains("<meta name=\"csrf-token\" content=\"\(signedIn)\">"))
            }
        }
    }

    @Test func everyAnswerCarriesTheHeadersClientsAndCachesNeedAndCookiesAreSecureOverHTTPS() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/", method: .get) { response in
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[SecurityHeadersMiddleware.xFrameOptions] == "DENY")
                #expect(response.headers[SecurityHeadersMiddleware.referrerPolicy] == "strict-origin-when-cross-origin")
                // The harness's public address is https://shop.test.
                #expect(response.headers[.strictTransportSecurity] == "max-age=31536000")
                #expect(response.headers[values: .setCookie].allSatisfy { $0.hasSuffix("; Secure") } && !response.headers[values: .setCookie].isEmpty)
            }
            try await client.execute(uri: "/api/v1/markets", method: .get) { response in
                #expect(response.headers[.xContentTypeOptions] == "nosniff" && response.headers[.contentSecurityPolicy] == nil)
                #expect(response.headers[.cacheControl] == nil)
            }
            // Each page has its own title.
            for (path, title) in [("/cart", "<title>Cart · Millet</title>"), ("/login", "<title>Log in · Millet</title>"),
                                  ("/products/millet-note-3", "<title>Millet Note 3 · Millet</title>")] {
                try await client.execute(uri: path, method: .get) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains(title), "\(path): \(html.firstRange(of: "<title>").map { html[$0.lowerBound...].prefix(60) } ?? "")")
                }
            }
            // A page is the visitor's own, in their language.
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "es-ES"]) { response in
                #expect(response.headers[.contentLanguage] == "es" && response.headers[.cacheControl] == "private, no-cache")
                #expect(response.headers[.vary] == "Cookie, Accept-Language, Accept-Encoding")
            }
            // A token answer is never cached; a refusal for want of one names the scheme.
            try await client.execute(uri: "/api/v1/sessions", method: .post, body: json(["email": "fan@millet.test", "password": "millet-fan"])) { response in
                #expect(response.status == .created && response.headers[.cacheControl] == "no-store")
            }
            try await client.execute(uri: "/api/v1/me", method: .get) { response in
                #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] == "Bearer realm=\"millet\"")
            }
            // No page has inline script: the policy would stop it.
            for template in try FileManager.default.contentsOfDirectory(atPath: MilletResources.directory + "/templates") {
                let text = try String(contentsOfFile: MilletResources.directory + "/templates/" + template, encoding: .utf8)
                #expect(!text.contains("<script>") && !text.contains(" style=\""), "\(template)")
            }
        }
    }
}

/// HEAD and 405 as RFC 9110 has them.
@Suite struct MethodTests: HTTPHarness {
    @Test func headAnswersWhatGetWouldWithoutTheBodyAndAWrongMethodIs405() async throws {
        try await withApp { client, _ in
            let length = try await client.execute(uri: "/api/v1/markets", method: .get) { $0.headers[.contentLength] }
            try await client.execute(uri: "/api/v1/markets", method: .head) { response in
                #expect(response.status == .ok && response.body.readableBytes == 0 && response.headers[.contentLength] == length)
            }
            try await client.execute(uri: "/health/live", method: .head) { #expect($0.status == .ok && $0.body.readableBytes == 0) }
            try await client.execute(uri: "/products/millet-note-3", method: .head) { #expect($0.status == .ok && $0.body.readableBytes == 0) }
            try await client.execute(uri: "/api/v1/markets", method: .delete) { response in
                let code = try errorCode(response)
                #expect(response.status == .methodNotAllowed && code == "method_not_allowed" && response.headers[.allow] == "GET, HEAD")
            }
            try await client.execute(uri: "/api/v1/orders/\(Identifier.make())/cancel", method: .get, headers: bearer(try await logIn(client, "fan@millet.test", "millet-fan"))) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "POST")
            }
            // A page says so too.
            try await client.execute(uri: "/login", method: .put, headers: formHeaders) { response in
                #expect(response.status == .methodNotAllowed && response.headers[.allow] == "GET, HEAD, POST")
            }
            // A path nothing answers is still 404, and so is a thing that does not exist.
            try await client.execute(uri: "/api/v1/nothing-here", method: .delete) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/products/no-such-phone", method: .head) { #expect($0.status == .notFound) }
        }
    }
}

/// Answers gzipped when the client takes gzip and it is worth it.
@Suite struct CompressionTests: HTTPHarness {
    @Test func textAndJSONAreGzippedForClientsThatAcceptItAndNothingElseIs() async throws {
        try await withApp { client, _ in
            let plain = try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.headers[.contentEncoding] == nil)
                return response.body
            }
            try await client.execute(uri: "/openapi.yaml", method: .get, headers: [.acceptEncoding: "br;q=1.0, gzip;q=0.8"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip" && response.headers[.vary]?.contains("Accept-Encoding") == true)
                var packed = response.body
                #expect(packed.readableBytes * 4 < plain.readableBytes)
                let unpacked = try packed.decompress(with: .gzip())
                #expect(unpacked == plain)
            }
            // A page keeps its own Vary and adds Accept-Encoding.
            try await client.execute(uri: "/products/millet-note-3", method: .get, headers: [.acceptEncoding: "gzip"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip" && response.headers[.vary] == "Cookie, Accept-Language, Accept-Encoding")
            }
            // A static file loses its byte ranges and gets its own validator once gzipped.
            try await client.execute(uri: "/static/css/millet.css", method: .get, headers: [.acceptEncoding: "gzip"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip" && response.headers[.acceptRanges] == nil)
                #expect(response.headers[.eTag]?.hasSuffix("-gzip\"") == true)
            }
            // Refused gzip, a tiny answer and a HEAD go as they are (HEAD says what GET would).
            try await client.execute(uri: "/openapi.yaml", method: .get, headers: [.acceptEncoding: "gzip;q=0"]) { response in
                #expect(response.headers[.contentEncoding] == nil && response.headers[.vary] == "Accept-Encoding")
            }
            try await client.execute(uri: "/health/live", method: .get, headers: [.acceptEncoding: "gzip"]) { #expect($0.headers[.contentEncoding] == nil) }
            try await client.execute(uri: "/openapi.yaml", method: .head, headers: [.acceptEncoding: "gzip"]) { response in
                #expect(response.body.readableBytes == 0 && response.headers[.contentEncoding] == "gzip")
            }
        }
    }

    @Test func theLiveEventStreamIsNeverCompressed() {
        #expect(!CompressionMiddleware.isCompressible("text/event-stream"))
        #expect(CompressionMiddleware.isCompressible("application/json; charset=utf-8") && !CompressionMiddleware.isCompressible("application/octet-stream"))
        #expect(CompressionMiddleware.acceptsGzip("deflate, gzip") && CompressionMiddleware.acceptsGzip("*") && !CompressionMiddleware.acceptsGzip("gzip;q=0.000"))
        #expect(!CompressionMiddleware.acceptsGzip(nil) && !CompressionMiddleware.acceptsGzip("br") && !CompressionMiddleware.acceptsGzip("gzip;q=0, *"))
    }
}
