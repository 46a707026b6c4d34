import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import MilletStorage
import Testing
@testable import MilletHTTP

let harnessSecret = "test-webhook-secret"
/// The form token of the tests' browser (``FormGuardMiddleware``).
/// The nonce the tests' `millet_csrf` cookie holds, and the key their form tokens are made with.
let testFormNonce = String(repeating: "c5", count: 32)
let harnessFormKey = [UInt8](repeating: 7, count: 32)

/// In-process HTTP tests: every request goes through the real router, middleware and an
/// SQLite database loaded with the demo data.
protocol HTTPHarness {}

extension HTTPHarness {
    func withApp(
        _ clock: TestClock = TestClock(), admission: Admission = Admission(), email: (any EmailTransport)? = nil,
        hasher: any PasswordHasher = PlainHasher(), allowPrivateReceivers: Bool = true,
        _ body: @escaping @Sendable (any TestClientProtocol, MilletServices) async throws -> Void) async throws {
        let store = try await SQLStore.open(":memory:")
        try await store.migrate()
        try await DemoData().load(markets: store, accounts: store, catalog: store, inventory: store, shipping: store, service: store, hasher: PlainHasher(), now: clock.now())
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("millet-test-files-\(Identifier.make())").path
        defer { try? FileManager.default.removeItem(atPath: files) }
        let services = MilletServices(
            store: store, clock: clock, hasher: hasher, sandboxSecret: harnessSecret, admission: admission, firmwareDirectory: files,
            email: email, publicURL: "https://shop.test", allowPrivateReceivers: allowPrivateReceivers, formKey: harnessFormKey)
        let app = Application(router: HeadAsGet(try await buildRouter(services)))
        do {
            try await app.test(.router) { client in try await body(client, services) }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    func json(_ value: [String: Any]) -> ByteBuffer { ByteBuffer(data: try! JSONSerialization.data(withJSONObject: value)) }

    func decode(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    func logIn(_ client: any TestClientProtocol, _ email: String, _ password: String) async throws -> String {
        try await client.execute(uri: "/api/v1/sessions", method: .post, body: json(["email": email, "password": password])) { response in
            #expect(response.status == .created)
            return try decode(response)["token"] as! String
        }
    }

    /// Registers a fan and answers their bearer token.
    func newFan(_ client: any TestClientProtocol, _ name: String) async throws -> String {
        let email = "\(name.lowercased())@fans.test"
        try await client.execute(
            uri: "/api/v1/accounts", method: .post, body: json(["email": email, "password": "fan-password-1", "displayName": name])
        ) { #expect($0.status == .created) }
        return try await logIn(client, email, "fan-password-1")
    }

    /// Pays an order through the sandbox provider's signed webhook, as its pay page would.
    func paySandbox(_ client: any TestClientProtocol, _ services: MilletServices, orderId: String) async throws {
        let payment = try await services.payments.createPayment(orderId: orderId, provider: "sandbox", now: services.clock.now())
        let signed = services.sandbox.notice(for: payment, kind: .succeeded, now: services.clock.now())
        try await client.execute(
            uri: "/api/v1/payments/sandbox/webhook", method: .post, headers: [.init("Millet-Signature")!: signed.signature],
            body: ByteBuffer(bytes: signed.body)) { #expect($0.status == .ok) }
    }

    func bearer(_ token: String, _ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        headers[.authorization] = "Bearer \(token)"
        return headers
    }

    func errorCode(_ response: TestResponse) throws -> String {
        let error = try #require(try decode(response)["error"] as? [String: Any])
        #expect(error["message"] is String && error["fields"] is [String: Any])
        return error["code"] as! String
    }

    var address: [String: Any] { ["name": "Asha", "line1": "12 MG Road", "city": "Bengaluru", "postcode": "560001", "phone": "9845000000"] }

    /// An HTML form body.
    /// A page form's body, with the form token every page form carries.
    func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.merging(["_csrf": formToken(session: nil)]) { given, _ in given }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    /// A browser's form post: the form token's cookie, and the token again in a header for posts
    /// without a body (a script's).
    var formHeaders: HTTPFields { pageHeaders(session: nil) }

    /// The cookie of the form token's nonce the tests' page requests carry.
    var csrfCookie: String { "\(FormGuardMiddleware.cookieName)=\(testFormNonce)" }

    /// The form token a page shows a visitor with `session` (none before log-in).
    func formToken(session: String?) -> String { FormGuardMiddleware.token(nonce: testFormNonce, session: session, key: harnessFormKey) }

    /// A browser's form post with these cookies (`cookies` first, then the session and the form
    /// nonce) and the form token made for the session in a header.
    func pageHeaders(session: String?, cookies: [String] = []) -> HTTPFields {
        let all = cookies + [session.map { "\(IdentityMiddleware.cookieName)=\($0)" }, csrfCookie].compactMap { $0 }
        return [.contentType: "application/x-www-form-urlencoded", .cookie: all.joined(separator: "; "), FormGuardMiddleware.header: formToken(session: session)]
    }

    /// The value a response sets for a cookie.
    func setCookie(_ response: TestResponse, _ name: String) -> String? {
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";")[0]
            if pair.hasPrefix("\(name)=") { return String(pair.dropFirst(name.count + 1)) }
        }
        return nil
    }
}
