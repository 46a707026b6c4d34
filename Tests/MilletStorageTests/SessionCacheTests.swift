import Foundation
import MilletCore
import MilletTesting
import Testing
@testable import MilletStorage

/// Sessions answered from memory: a crowd does not read the database per request, log-out still
/// takes effect at once on this node, and elsewhere within the cache time.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func recentSessionsAreAnsweredFromMemoryAndLogOutDropsThem(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            let (account, token) = try await authenticator.register(try Registration(email: "cache@fan.test", password: "cache-password", displayName: "Cache"))
            #expect(try await authenticator.account(forToken: token)?.id == account.id)
            // Another node logs the session out in the database: this node answers from memory for a while.
            try await store.deleteSession(tokenHash: Authenticator.digest(token))
            #expect(try await authenticator.account(forToken: token)?.id == account.id)
            clock.advance(by: authenticator.sessionCacheSeconds)
            #expect(try await authenticator.account(forToken: token) == nil)
            // Logging out on this node is immediate.
            let second = try await authenticator.logIn(email: "cache@fan.test", password: "cache-password", clientIP: "ip").token
            #expect(try await authenticator.account(forToken: second) != nil)
            try await authenticator.logOut(token: second)
            #expect(try await authenticator.account(forToken: second) == nil)
            // Used in the second half of its time in memory, a session is read again in the background.
            let third = try await authenticator.logIn(email: "cache@fan.test", password: "cache-password", clientIP: "ip").token
            #expect(try await authenticator.account(forToken: third) != nil)
            try await store.deleteSession(tokenHash: Authenticator.digest(third))
            clock.advance(by: authenticator.sessionCacheSeconds * 0.6)
            #expect(try await authenticator.account(forToken: third) != nil)
            var gone = false
            for _ in 0..<500 where !gone {
                try await Task.sleep(for: .milliseconds(10))
                gone = try await authenticator.account(forToken: third) == nil
            }
            #expect(gone)
        }
    }

    @Test(arguments: Backends.all) func manySessionsAreReadAgainInOneStatement(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let accounts = (0..<600).map { i in
                Account(id: Identifier.make(), email: "crowd\(i)@fan.test", displayName: "Crowd \(i)", role: .customer, passwordHash: "x", createdAt: clock.now())
            }
            try await store.importAccounts(Array(accounts[..<300]), sessionTokenHashes: (0..<300).map { "live-\($0)" }, expiresAt: clock.now().addingTimeInterval(60))
            try await store.importAccounts(Array(accounts[300...]), sessionTokenHashes: (300..<600).map { "short-\($0)" }, expiresAt: clock.now().addingTimeInterval(1))
            try await store.deleteSession(tokenHash: "live-7")
            clock.advance(by: 2)
            let asked = (0..<300).map { "live-\($0)" } + (300..<600).map { "short-\($0)" } + ["unknown"]
            let found = try await store.accounts(sessionTokenHashes: asked, now: clock.now())
            // The live ones, each with its own account; not the logged-out, the expired or the unknown.
            #expect(found.count == 299 && found["live-7"] == nil && found["short-300"] == nil && found["unknown"] == nil)
            #expect(found["live-0"]?.id == accounts[0].id && found["live-299"]?.email == "crowd299@fan.test")
            #expect(try await store.accounts(sessionTokenHashes: [], now: clock.now()).isEmpty)
        }
    }

    @Test(arguments: Backends.all) func aCrowdOfMissesIsAnsweredEachWithItsOwnAccount(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            let accounts = (0..<700).map { i in
                Account(id: Identifier.make(), email: "miss\(i)@fan.test", displayName: "Miss \(i)", role: .customer, passwordHash: "x", createdAt: clock.now())
            }
            try await store.importAccounts(accounts, sessionTokenHashes: (0..<700).map { Authenticator.digest("token-\($0)") },
                                           expiresAt: clock.now().addingTimeInterval(3600))
            try await store.deleteSession(tokenHash: Authenticator.digest("token-3"))
            // 700 requests at once, none cached: read together, more than one batch, each answered its own account.
            let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for i in 0..<701 { group.addTask { (i, try await authenticator.account(forToken: "token-\(i)")?.id) } }
                return try await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == 701)
            #expect(answers[3]! == nil && answers[700]! == nil)
            #expect((0..<700).filter { $0 != 3 }.allSatisfy { answers[$0]! == accounts[$0].id })
            // Now in memory: answered without the database even after it forgets them.
            try await store.deleteSession(tokenHash: Authenticator.digest("token-9"))
            #expect(try await authenticator.account(forToken: "token-9")?.id == accounts[9].id)
        }
    }
}
