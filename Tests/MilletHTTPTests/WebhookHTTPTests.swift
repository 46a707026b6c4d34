import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdTesting
import Logging
import MilletCore
import MilletTesting
import NIOCore
import Synchronization
import Testing
@testable import MilletHTTP

/// Outbound webhooks over real HTTP: events wait in the outbox while the receiver is down and
/// arrive, signed, once it is back; none is sent twice.
struct WebhookHTTPTests: HTTPHarness {
    /// A receiver on 127.0.0.1 that keeps every request it gets.
    final class Receiver: Sendable {
        /// Each request's headers (lower-cased names) and body.
        let received = Mutex<[(headers: [String: String], body: [UInt8])]>([])

        func run(port: Int, running: @escaping @Sendable () -> Void) async throws {
            let router = Router()
            router.post("hooks") { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 1 << 20)
                var headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }) { $1 }
                headers["host"] = request.head.authority // HTTP/1's Host, as the request reads it
                self.received.withLock { $0.append((headers, Array(buffer: body))) }
                return .noContent
            }
            // Sends whatever comes here on to /hooks, as a receiver pointing inside a network would.
            router.post("moved") { _, _ in Response(status: .temporaryRedirect, headers: [.location: "/hooks"]) }
            var quiet = Logger(label: "receiver")
            quiet.logLevel = .critical
            let app = Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                onServerRunning: { _ in running() }, logger: quiet)
            try await app.runService(gracefulShutdownSignals: [])
        }
    }

    /// A port nothing listens on (yet): bind port 0 on 127.0.0.1, read the port, close.
    func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func theOutboxRetriesUntilTheReceiverIsBackAndSignsEachDelivery() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let asha = try await newFan(client, "Asha")
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                     body: json(["slug": "phones", "name": "Phones"])) { _ in }
            let port = try freePort()
            let url = "http://127.0.0.1:\(port)/hooks"
            let refused: [(String, [String: Any], HTTPResponse.Status)] = [
                (asha, ["url": url, "events": ["post.created"]], .forbidden),
                (staff, ["url": "ftp://127.0.0.1/hooks", "events": ["post.created"]], .unprocessableContent),
                (staff, ["url": url, "events": ["post.deleted"]], .unprocessableContent),
                (staff, ["url": url, "events": [] as [String]], .unprocessableContent),
            ]
            for (token, body, expected) in refused {
                try await client.execute(uri: "/api/v1/staff/webhooks", method: .post, headers: bearer(token), body: json(body)) {
                    #expect($0.status == expected)
                }
            }
            let (endpointId, secret) = try await client.execute(
                uri: "/api/v1/staff/webhooks", method: .post, headers: bearer(staff),
                body: json(["url": url, "events": ["post.created", "post.status_changed"]])
            ) { response in
                #expect(response.status == .created)
                let body = try decode(response)
                return (body["id"] as! String, body["secret"] as! String)
            }
            try await client.execute(uri: "/api/v1/staff/webhooks", method: .get, headers: bearer(staff)) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.count == 1 && items[0]["secret"] == nil)
            }
            let postId = try await client.execute(
                uri: "/api/v1/community/boards/phones/posts", method: .post, headers: bearer(asha),
                body: json(["kind": "bug", "title": "Wi-Fi drops", "body": "Every evening"])
            ) { try decode($0)["id"] as! String }
            try await client.execute(uri: "/api/v1/staff/community/posts/\(postId)/status", method: .post, headers: bearer(staff),
                                     body: json(["status": "acknowledged"])) { #expect($0.status == .ok) }
            // Comments were not asked for.
            try await client.execute(uri: "/api/v1/community/posts/\(postId)/comments", method: .post, headers: bearer(asha),
                                     body: json(["body": "More detail"])) { #expect($0.status == .created) }

            // The receiver is down: both fail and wait five seconds; operators see the failures.
            let down = try await WebhookService(dispatcher: services.webhookDispatcher, business: services.business, logger: Logger(label: "test")).sweep()
            #expect(down == (0, 2))
            try await client.execute(uri: "/metrics", method: .get, headers: bearer(services.metricsToken)) { response in
                #expect(String(buffer: response.body).contains("millet_webhook_deliveries_total{outcome=\"failed\"} 2"))
            }
            let notYet = try await services.webhookDispatcher.deliverDue()
            #expect(notYet == (0, 0))
            try await client.execute(uri: "/api/v1/staff/webhooks/\(endpointId)/deliveries", method: .get, headers: bearer(staff)) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.count == 2 && items.allSatisfy { $0["attempts"] as? Int == 1 && $0["lastError"] is String && $0["deliveredAt"] == nil })
            }

            // It comes back; the next sweep after the backoff delivers both, signed, and never again.
            let receiver = Receiver()
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let server = Task { try await receiver.run(port: port) { startedContinuation.yield() } }
            for await _ in started { break }
            clock.advance(by: 5)
            let back = try await services.webhookDispatcher.deliverDue()
            #expect(back == (2, 0))
            #expect(try await services.webhookDispatcher.deliverDue() == (0, 0))
            server.cancel()

            let received = receiver.received.withLock { $0 }
            #expect(received.count == 2)
            var events: [String] = []
            for delivery in received {
                try WebhookSignature(secret: secret).verify(header: delivery.headers["millet-signature"], body: delivery.body, now: clock.now())
                let message = try JSONSerialization.jsonObject(with: Data(delivery.body)) as! [String: Any]
                events.append(message["event"] as! String)
                #expect((message["data"] as? [String: String])?["postId"] == postId)
                #expect(delivery.headers["millet-event"] == message["event"] as? String)
            }
            #expect(events.sorted() == ["post.created", "post.status_changed"])
            #expect(throws: DomainError.self) {
                try WebhookSignature(secret: "whsec_wrong").verify(header: received[0].headers["millet-signature"], body: received[0].body, now: clock.now())
            }

            // A removed endpoint gets nothing more.
            try await client.execute(uri: "/api/v1/staff/webhooks/\(endpointId)", method: .delete, headers: bearer(staff)) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/staff/webhooks/\(endpointId)", method: .delete, headers: bearer(staff)) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/api/v1/community/boards/phones/posts", method: .post, headers: bearer(asha),
                body: json(["kind": "idea", "title": "Dark mode", "body": "Please"])) { #expect($0.status == .created) }
            #expect(try await services.webhooks.claimDue(now: clock.now(), limit: 10, lease: 60).isEmpty)
        }
    }
}

/// Receivers inside the network are refused, when staff register them and again at send time.
@Suite struct WebhookReceiverTests: HTTPHarness {
    @Test func receiversOnLoopbackPrivateOrLinkLocalAddressesAreRefused() async throws {
        try await withApp(allowPrivateReceivers: false) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            for url in ["http://127.0.0.1:9/hooks", "http://localhost/hooks", "http://10.1.2.3/hooks", "http://192.168.0.10/hooks",
                        "http://169.254.169.254/latest/meta-data", "http://[::1]/hooks", "http://[fd00::1]/hooks", "http://0.0.0.0/hooks",
                        "https://user:secret@93.184.216.34/hooks"] {
                try await client.execute(uri: "/api/v1/staff/webhooks", method: .post, headers: bearer(staff),
                                         body: json(["url": url, "events": ["post.created"]])) { response in
                    let code = try errorCode(response)
                    #expect(response.status == .unprocessableContent && code == "invalid_input", "\(url)")
                }
            }
            #expect(try await services.webhooks.endpoints().isEmpty)
            // A public address is taken.
            try await client.execute(uri: "/api/v1/staff/webhooks", method: .post, headers: bearer(staff),
                                     body: json(["url": "https://93.184.216.34/hooks", "events": ["post.created"]])) { #expect($0.status == .created) }
        }
    }

    /// What a transport was asked to send.
    final class Recorder: WebhookTransport, @unchecked Sendable {
        var urls: [String] = []
        func post(url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int {
            urls.append(url)
            return 200
        }
    }

    @Test func aDeliveryDoesNotFollowARedirect() async throws {
        let harness = WebhookHTTPTests()
        let port = try harness.freePort()
        let receiver = WebhookHTTPTests.Receiver()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let server = Task { try await receiver.run(port: port) { startedContinuation.yield() } }
        for await _ in started { break }
        let status = try await PinnedTransport(receivers: ReceiverGuard(allowPrivate: true))
            .post(url: "http://127.0.0.1:\(port)/moved", body: Array("{}".utf8), headers: [])
        server.cancel()
        #expect(status == 307)
        #expect(receiver.received.withLock { $0.isEmpty })
    }

    /// A delivery connects to the address the guard looked up and approved, never asking DNS
    /// again: here the name resolves only through the guard (to the local receiver), and the
    /// receiver gets the delivery under that name. A name whose answer the guard refuses gets
    /// nothing sent.
    @Test func aDeliveryGoesToTheAddressItsCheckApproved() async throws {
        let harness = WebhookHTTPTests()
        let port = try harness.freePort()
        let receiver = WebhookHTTPTests.Receiver()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let server = Task { try await receiver.run(port: port) { startedContinuation.yield() } }
        defer { server.cancel() }
        for await _ in started { break }
        let looked = Mutex<[String]>([])
        let local = ReceiverGuard(allowPrivate: true) { host in
            looked.withLock { $0.append(host) }
            return host == "receiver.invalid" ? [[127, 0, 0, 1]] : []
        }
        let url = "http://receiver.invalid:\(port)/hooks?from=millet"
        let status = try await PinnedTransport(receivers: local).post(url: url, body: Array(#"{"n":1}"#.utf8), headers: [("Millet-Signature", "s")])
        #expect(status == 204)
        #expect(looked.withLock { $0 } == ["receiver.invalid"])
        let delivered = try #require(receiver.received.withLock { $0.first })
        #expect(delivered.headers["host"] == "receiver.invalid:\(port)" && delivered.headers["millet-signature"] == "s")
        #expect(delivered.body == Array(#"{"n":1}"#.utf8))
        // The same name answering a private address, with private receivers not allowed.
        let strict = ReceiverGuard(allowPrivate: false) { _ in [[127, 0, 0, 1]] }
        await #expect(throws: DomainError.self) { _ = try await PinnedTransport(receivers: strict).post(url: url, body: [], headers: []) }
        #expect(receiver.received.withLock { $0.count } == 1)
        // A receiver that never answers is given up on at the timeout.
        let silent = try harness.freePort()
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(silent).bigEndian
        let listening = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        } && listen(listener, 4) == 0
        try #require(listening)
        await #expect(throws: PinnedTransport.NoAnswer.self) {
            _ = try await PinnedTransport(receivers: local, timeout: .milliseconds(200))
                .post(url: "http://receiver.invalid:\(silent)/hooks", body: [], headers: [])
        }
    }

    @Test func aDeliveryIsCheckedAgainBeforeItIsSent() async throws {
        let recorder = Recorder()
        let guarded = GuardedTransport(inner: recorder, receivers: ReceiverGuard(allowPrivate: false))
        await #expect(throws: DomainError.self) { _ = try await guarded.post(url: "http://127.0.0.1:9/hooks", body: [], headers: []) }
        #expect(recorder.urls.isEmpty)
        let open = GuardedTransport(inner: recorder, receivers: ReceiverGuard(allowPrivate: true))
        #expect(try await open.post(url: "http://127.0.0.1:9/hooks", body: [], headers: []) == 200)
    }

    @Test func publicAddressesAreTheOnlyOnesCountedPublic() {
        #expect(ReceiverAddress.isPublic([93, 184, 216, 34]) && ReceiverAddress.isPublic([8, 8, 8, 8]))
        for address in [[127, 0, 0, 1], [10, 0, 0, 1], [172, 16, 0, 1], [172, 31, 255, 255], [192, 168, 1, 1], [169, 254, 169, 254],
                        [100, 64, 0, 1], [0, 0, 0, 0], [255, 255, 255, 255], [224, 0, 0, 1]] as [[UInt8]] {
            #expect(!ReceiverAddress.isPublic(address), "\(address)")
        }
        #expect(ReceiverAddress.isPublic([172, 32, 0, 1]))
        var loopback6 = [UInt8](repeating: 0, count: 16); loopback6[15] = 1
        var mapped = [UInt8](repeating: 0, count: 16); mapped[10] = 0xff; mapped[11] = 0xff; mapped[12] = 10; mapped[15] = 1
        let linkLocal: [UInt8] = [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1]
        let unique: [UInt8] = [0xfd, 0x00] + [UInt8](repeating: 0, count: 13) + [1]
        let google: [UInt8] = [0x20, 0x01, 0x48, 0x60] + [UInt8](repeating: 0, count: 11) + [0x88]
        #expect(!ReceiverAddress.isPublic(loopback6) && !ReceiverAddress.isPublic(mapped) && !ReceiverAddress.isPublic(linkLocal) && !ReceiverAddress.isPublic(unique))
        #expect(ReceiverAddress.isPublic(google))
    }
}
