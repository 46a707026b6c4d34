import Foundation
import MilletCore
import MilletTesting
import Testing
@testable import MilletStorage

/// Sessions answered from memory: a crowd does not read the database per request, log-out still
/// takes effect at once on this node, and on the others at their next sync of the revocations.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func recentSessionsAreAnsweredFromMemoryAndLogOutDropsThem(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            let (account, token) = try await AccountDesk(store: store, accounts: store, authenticator: authenticator, hasher: PlainHasher(), clock: clock)
                .register(try Registration(email: "cache@fan.test", password: "cache-password", displayName: "Cache"), language: nil, clientIP: "ip")
            #expect(try await authenticator.account(forToken: token)?.id == account.id)
            // Another node logs the session out, and this node does not sync: it answers from memory for the cache time.
            try await store.deleteSession(tokenHash: Authenticator.digest(token), now: clock.now())
            #expect(try await authenticator.account(forToken: token)?.id == account.id)
            clock.advance(by: authenticator.sessionCacheSeconds)
            #expect(try await authenticator.account(forToken: token) == nil)
            // Logging out on this node is immediate.
            let second = try await authenticator.logIn(email: "cache@fan.test", password: "cache-password", clientIP: "ip").token
            #expect(try await authenticator.account(forToken: second) != nil)
            try await authenticator.logOut(token: second)
            #expect(try await authenticator.account(forToken: second) == nil)
        }
    }

    @Test(arguments: Backends.all) func logOutsAndRoleChangesOnOneNodeReachTheOthersAtTheirNextSync(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let here = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            let there = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            let (account, token) = try await AccountDesk(store: store, accounts: store, authenticator: here, hasher: PlainHasher(), clock: clock)
                .register(try Registration(email: "nodes@fan.test", password: "nodes-password", displayName: "Nodes"), language: nil, clientIP: "ip")
            #expect(try await there.account(forToken: token)?.id == account.id)
            try await there.syncRevocations()
            try await here.logOut(token: token)
            #expect(try await there.account(forToken: token)?.id == account.id)
            #expect(try await there.syncRevocations() == 1)
            #expect(try await there.account(forToken: token) == nil)
            // A role change reaches the other node's sessions of that account: read again, with the new role.
            let second = try await here.logIn(email: "nodes@fan.test", password: "nodes-password", clientIP: "ip").token
            #expect(try await there.account(forToken: second)?.role == .customer)
            _ = try await here.setRole(.staff, accountId: account.id)
            #expect(try await here.account(forToken: second)?.role == .staff)
            #expect(try await there.account(forToken: second)?.role == .customer)
            #expect(try await there.syncRevocations() == 1)
            #expect(try await there.account(forToken: second)?.role == .staff)
            // Read again on every sync, revocations already applied are not applied twice.
            #expect(try await there.syncRevocations() == 0)
        }
    }

    @Test(arguments: Backends.all) func aSyncedNodeKeepsSessionsUntilTheyEnd(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            let tokens = ["long", "short", "idle"]
            let fans = tokens.map { token in
                Account(id: Identifier.make(), email: "\(token)@fan.test", displayName: token, role: .customer, passwordHash: "x", createdAt: clock.now())
            }
            try await store.importAccounts(fans, sessionTokenHashes: tokens.map(Authenticator.digest), expiresAt: clock.now().addingTimeInterval(3600))
            try await store.read { db in
                try await db.raw("UPDATE sessions SET expires_at = \(bind: clock.now().addingTimeInterval(50).millis) WHERE token_hash = \(bind: Authenticator.digest("short"))").run()
            }
            for (token, fan) in zip(tokens, fans) { #expect(try await authenticator.account(forToken: token)?.id == fan.id) }
            // Gone from the database without a revocation: only memory can answer now.
            try await store.read { db in try await db.raw("DELETE FROM sessions").run() }
            for _ in 0..<9 {
                clock.advance(by: 10)
                try await authenticator.syncRevocations()
            }
            #expect(try await authenticator.account(forToken: "long")?.id == fans[0].id)
            #expect(try await authenticator.account(forToken: "idle")?.id == fans[2].id)
            // A session ends at its own expiry, synced or not.
            #expect(try await authenticator.account(forToken: "short") == nil)
            // Without a sync for the cache time, memory is not trusted: the database has no such session.
            clock.advance(by: authenticator.sessionCacheSeconds)
            #expect(try await authenticator.account(forToken: "long") == nil)
            // Nor after the next sync: after such a gap, memory starts over.
            try await authenticator.syncRevocations()
            #expect(try await authenticator.account(forToken: "idle") == nil)
        }
    }

    @Test(arguments: Backends.all) func aRevocationThatCommitsLateIsStillApplied(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            let fans = (0..<7).map { i in
                Account(id: Identifier.make(), email: "late\(i)@fan.test", displayName: "Late \(i)", role: .customer, passwordHash: "x", createdAt: clock.now())
            }
            try await store.importAccounts(fans, sessionTokenHashes: (0..<7).map { Authenticator.digest("late-\($0)") }, expiresAt: clock.now().addingTimeInterval(3600))
            for i in 0..<7 { #expect(try await authenticator.account(forToken: "late-\(i)") != nil) }
            for i in 1..<6 { try await store.deleteSession(tokenHash: Authenticator.digest("late-\(i)"), now: clock.now()) }
            // A transaction takes the next number and has not committed yet; a later one commits.
            try await store.deleteSession(tokenHash: "not-yet", now: clock.now())
            let taken = try #require(try await store.sessionRevocations(after: nil, limit: 10).last?.seq)
            try await store.read { db in try await db.raw("DELETE FROM session_revocations WHERE seq = \(bind: taken)").run() }
            try await store.deleteSession(tokenHash: Authenticator.digest("late-6"), now: clock.now())
            // Read in pages of two; each of the six applied once.
            #expect(try await authenticator.syncRevocations(pageSize: 2) == 6)
            #expect(try await authenticator.account(forToken: "late-1") == nil)
            #expect(try await authenticator.account(forToken: "late-6") == nil)
            #expect(try await authenticator.account(forToken: "late-0")?.id == fans[0].id)
            // The first transaction commits, below the last number read: the next sync reads it all the same.
            try await store.read { db in
                try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Authenticator.digest("late-0"))").run()
                try await db.raw("""
                    INSERT INTO session_revocations (seq, token_hash, revoked_at)
                    VALUES (\(bind: taken), \(bind: Authenticator.digest("late-0")), \(bind: clock.now().millis))
                    """).run()
            }
            #expect(try await authenticator.account(forToken: "late-0")?.id == fans[0].id)
            #expect(try await authenticator.syncRevocations() == 1)
            #expect(try await authenticator.account(forToken: "late-0") == nil)
            #expect(try await authenticator.syncRevocations() == 0)
        }
    }

    @Test(arguments: Backends.all) func revocationsADayOldAreDeleted(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            try await store.deleteSession(tokenHash: "old", now: clock.now())
            try await authenticator.syncRevocations()
            clock.advance(by: 23 * 3600)
            try await store.deleteSession(tokenHash: "recent", now: clock.now())
            try await authenticator.syncRevocations()
            clock.advance(by: 2 * 3600)
            try await authenticator.syncRevocations()
            #expect(try await store.sessionRevocations(after: nil, limit: 10).map(\.target) == [.session(tokenHash: "recent")])
        }
    }

    @Test(arguments: Backends.all) func manySessionsAreReadAgainInOneStatement(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let accounts = (0..<600).map { i in
                Account(id: Identifier.make(), email: "crowd\(i)@fan.test", displayName: "Crowd \(i)", role: .customer, passwordHash: "x", createdAt: clock.now())
            }
            try await store.importAccounts(Array(accounts[..<300]), sessionTokenHashes: (0..<300).map { "live-\($0)" }, expiresAt: clock.now().addingTimeInterval(60))
            try await store.importAccounts(Array(accounts[300...]), sessionTokenHashes: (300..<600).map { "short-\($0)" }, expiresAt: clock.now().addingTimeInterval(1))
            try await store.deleteSession(tokenHash: "live-7", now: clock.now())
            clock.advance(by: 2)
            let asked = (0..<300).map { "live-\($0)" } + (300..<600).map { "short-\($0)" } + ["unknown"]
            let found = try await store.sessions(tokenHashes: asked, now: clock.now()).mapValues(\.account)
            // The live ones, each with its own account; not the logged-out, the expired or the unknown.
            #expect(found.count == 299 && found["live-7"] == nil && found["short-300"] == nil && found["unknown"] == nil)
            #expect(found["live-0"]?.id == accounts[0].id && found["live-299"]?.email == "crowd299@fan.test")
            #expect(try await store.sessions(tokenHashes: [], now: clock.now()).isEmpty)
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
            try await store.deleteSession(tokenHash: Authenticator.digest("token-3"), now: clock.now())
            // 700 requests at once, none cached: read together, more than one batch, each answered its own account.
            let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for i in 0..<701 { group.addTask { (i, try await authenticator.account(forToken: "token-\(i)")?.id) } }
                return try await group.reduce(into: [Int: String?]()) { $0[$1.0] = $1.1 }
            }
            #expect(answers.count == 701)
            #expect(answers[3]! == nil && answers[700]! == nil)
            #expect((0..<700).filter { $0 != 3 }.allSatisfy { answers[$0]! == accounts[$0].id })
            // Now in memory: answered without the database even after it forgets them.
            try await store.deleteSession(tokenHash: Authenticator.digest("token-9"), now: clock.now())
            #expect(try await authenticator.account(forToken: "token-9")?.id == accounts[9].id)
        }
    }
}
