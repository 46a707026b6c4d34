import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import NIOCore
import Testing
@testable import MilletHTTP

/// Behind a reverse proxy the client is read from `X-Forwarded-For`, only as far as trusted
/// hops wrote it.
struct TrustedProxyTests {
    func address(_ text: String) throws -> SocketAddress { try SocketAddress(ipAddress: text, port: 40_000) }

    @Test func theClientIsTheFirstAddressFromTheRightNoTrustedProxyOwns() throws {
        let proxies = try TrustedProxies("127.0.0.1, 10.0.0.0/8, fd00::/8")
        let local = try address("127.0.0.1")
        func client(_ peer: SocketAddress, _ header: [String]) -> String? { proxies.client(peer: peer, forwardedFor: header).ipAddress }
        #expect(client(local, ["203.0.113.7, 10.1.2.3"]) == "203.0.113.7")
        // What the client wrote itself, to the left, is not believed.
        #expect(client(local, ["198.51.100.1, 203.0.113.7"]) == "203.0.113.7")
        #expect(client(local, ["198.51.100.1", "203.0.113.7, 10.9.9.9"]) == "203.0.113.7")
        // A peer that is no proxy is the client, whatever it sends.
        #expect(client(try address("198.51.100.9"), ["203.0.113.7"]) == "198.51.100.9")
        #expect(client(local, []) == "127.0.0.1")
        // Ports, brackets and IPv6 hops; an entry that is no address ends the walk.
        #expect(client(local, ["[2001:db8::5]:443, fd00::1"]) == "2001:db8::5")
        #expect(client(local, ["203.0.113.7:5000"]) == "203.0.113.7")
        #expect(client(local, ["203.0.113.7, unknown"]) == "127.0.0.1")
        #expect(client(try address("::ffff:10.0.0.2"), ["203.0.113.8"]) == "203.0.113.8")
        // Without trusted proxies the header means nothing.
        #expect(TrustedProxies().client(peer: local, forwardedFor: ["203.0.113.7"]).ipAddress == "127.0.0.1")
    }

    @Test func aBadListIsRefusedNamingTheEntry() {
        for list in ["10.0.0.0/33", "not-an-address", "::1/129", "10.0.0.0/-1"] {
            #expect(throws: DomainError.self, "\(list)") { _ = try TrustedProxies(list) }
        }
        #expect(throws: Never.self) { _ = try TrustedProxies(" 10.0.0.0/8 ,, ::1 ") }
        // An IPv4 network written inside IPv6 is that IPv4 network.
        let mapped = try? TrustedProxies("::ffff:10.0.0.0/104")
        #expect(mapped?.contains([10, 9, 8, 7]) == true && mapped?.contains([11, 0, 0, 1]) == false)
        #expect(throws: DomainError.self) { _ = try TrustedProxies("::ffff:10.0.0.0/95") }
    }

    /// Over a real connection from 127.0.0.1: a trusted peer's header names the client that
    /// limits count; an untrusted peer's does not.
    @Test(arguments: ["127.0.0.0/8", "192.0.2.1"]) func theMiddlewareSetsTheClientOverARealConnection(trusted: String) async throws {
        let router = Router(context: MilletRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(proxies: try TrustedProxies(trusted)))
        router.get("who") { _, context in context.clientIP }
        try await Application(router: router).test(.live) { client in
            try await client.execute(uri: "/who", method: .get, headers: [.init("X-Forwarded-For")!: "198.51.100.1, 203.0.113.7"]) { response in
                #expect(String(buffer: response.body) == (trusted == "192.0.2.1" ? "127.0.0.1" : "203.0.113.7"))
            }
        }
    }
}
