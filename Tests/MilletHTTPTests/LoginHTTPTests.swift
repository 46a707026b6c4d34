import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import NIOCore
import Synchronization
import Testing
@testable import MilletHTTP

/// Log-ins over HTTP: a device token handed out and honoured, in the API and as a cookie; bcrypt
/// on its own bounded pool, answering 503 with Retry-After when the pool is full.
@Suite struct LoginHTTPTests: HTTPHarness {
    @Test func aLogInHandsOutADeviceTokenThatTheNextLogInShows() async throws {
        try await withApp { client, _ in
            let device = try await client.execute(uri: "/api/v1/sessions", method: .post, body: json(["email": "fan@millet.test", "password": "millet-fan"])) { response in
                #expect(response.status == .created)
                return try #require(try decode(response)["deviceToken"] as? String)
            }
            // Five wrong guesses from this address (the in-process client has one, which the log-in
            // above made known) hold back whoever logs in from it without the token.
            for _ in 0..<5 {
                try await client.execute(uri: "/api/v1/sessions", method: .post, body: json(["email": "fan@millet.test", "password": "wrong-password", "deviceToken": NSNull()])) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/api/v1/sessions", method: .post, body: json(["email": "fan@millet.test", "password": "millet-fan", "deviceToken": device])) { response in
                #expect(response.status == .created)
                let again = try decode(response)["deviceToken"] as? String
                #expect(again == device)
            }
            // The log-in page keeps the token in a cookie and shows it back.
            let cookie = try await client.execute(
                uri: "/login", method: .post, headers: formHeaders, body: form(["email": "staff@millet.test", "password": "millet-staff"])
            ) { response in
                #expect(response.status == .seeOther)
                return try #require(setCookie(response, "millet_device"))
            }
            for _ in 0..<5 {
                try await client.execute(uri: "/api/v1/sessions", method: .post, body: json(["email": "staff@millet.test", "password": "wrong-password"])) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "millet_device=\(cookie); \(csrfCookie)"],
                body: form(["email": "staff@millet.test", "password": "millet-staff"])
            ) { #expect($0.status == .seeOther) }
            try await client.execute(
                uri: "/login", method: .post, headers: formHeaders, body: form(["email": "staff@millet.test", "password": "millet-staff"])
            ) { #expect($0.status == .tooManyRequests) }
        }
    }

    @Test func bcryptRunsOnABoundedPoolAndAFullOneAnswers503() async throws {
        let hasher = BcryptHasher(cost: 12, threads: 1, queueLimit: 1)
        try await withApp(hasher: hasher) { client, _ in
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for n in 0..<12 {
                    group.addTask {
                        try await client.execute(
                            uri: "/api/v1/accounts", method: .post,
                            body: json(["email": "pool\(n)@fans.test", "password": "fan-password-1", "displayName": "Pool"])
                        ) { ($0.status, $0.headers[.retryAfter]) }
                    }
                }
                return try await group.reduce(into: [(HTTPResponse.Status, String?)]()) { $0.append($1) }
            }
            let created = statuses.filter { $0.0 == .created }.count
            let refused = statuses.filter { $0.0 == .serviceUnavailable }
            #expect(created >= 1 && refused.count >= 1 && created + refused.count == 12)
            #expect(refused.allSatisfy { ($0.1.flatMap(Int.init) ?? 0) >= 1 })
            #expect(hasher.waiting == 0)
        }
    }
}

@Suite struct ClientNetworkTests {
    @Test func anIPv6PeerIsCountedByItsSlash64() throws {
        #expect(MilletRequestContext.network(try SocketAddress(ipAddress: "2001:db8:1:2:3:4:5:6", port: 1)) == "2001:db8:1:2::/64")
        #expect(MilletRequestContext.network(try SocketAddress(ipAddress: "2001:db8:1:2:ffff::9", port: 1)) == "2001:db8:1:2::/64")
        #expect(MilletRequestContext.network(try SocketAddress(ipAddress: "::ffff:198.51.100.7", port: 1)) == "198.51.100.7")
        #expect(MilletRequestContext.network(try SocketAddress(ipAddress: "198.51.100.7", port: 1)) == "198.51.100.7")
    }
}
