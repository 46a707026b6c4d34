import Foundation
import MilletCore
import SQLKit
import Testing
@testable import MilletStorage

/// Transactions on the connection's own thread (the flash-sale journal's): the same SQL and answers as any read, on
/// both databases; a failed statement rolls everything back and leaves the connection usable.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func anInlineTransactionAnswersRowsLikeAnySession(backend: SQLStore.Backend) async throws {
        let store = try await Backends.freshStore(backend)
        let row = try #require(try await store.sqlTransaction { db in
            try await db.raw("SELECT \(bind: Int64(42)) AS n, \(bind: "Xiaomi 小米 ü") AS t, \(bind: Optional<String>.none) AS z").first()
        })
        #expect(try row.int("n") == 42)
        #expect(try row.string("t") == "Xiaomi 小米 ü")
        #expect(try row.optionalString("z") == nil)
        #expect(row.allColumns == ["n", "t", "z"])
        await store.close()
    }

    @Test(arguments: Backends.all) func aFailedInlineStatementRollsBackTheWholeTransaction(backend: SQLStore.Backend) async throws {
        let store = try await Backends.freshStore(backend)
        @Sendable func notice(_ id: String) -> SQLQueryString {
            "INSERT INTO payment_notices (event_id, provider, payment_id, kind, outcome, received_at) VALUES (\(bind: id), 'sandbox', 'p', 'succeeded', 'applied', 0)"
        }
        await #expect(throws: (any Error).self) {
            try await store.sqlTransaction { db in
                try await db.raw(notice("evt-1")).run()
                try await db.raw(notice("evt-1")).run()
            }
        }
        // The same prepared statement runs again once the failure is behind it.
        try await store.sqlTransaction { db in try await db.raw(notice("evt-2")).run() }
        let ids = try await store.read { db in
            try await db.raw("SELECT event_id FROM payment_notices ORDER BY event_id").all().map { try $0.string("event_id") }
        }
        #expect(ids == ["evt-2"])
        await store.close()
    }

    @Test(arguments: Backends.all) func inlineStatementsStayRightPastTheStatementCache(backend: SQLStore.Backend) async throws {
        let store = try await Backends.freshStore(backend)
        // More distinct statements than the SQLite side keeps prepared, each asked twice.
        let answers = try await store.sqlTransaction { db in
            var answers: [Int64] = []
            for round in 0..<2 {
                for n in 0..<300 { answers.append(try await db.raw("SELECT \(unsafeRaw: String(n)) + \(bind: Int64(round)) AS n").first()!.int("n")) }
            }
            return answers
        }
        let expected: [Int64] = Array(0..<300) + Array(1...300)
        #expect(answers == expected)
        await store.close()
    }

    @Test func aTransactionLeftOpenIsRolledBackBeforeTheNextUse() async throws {
        let store = try await Backends.freshStore(.sqlite)
        // A use of the connection that begins and never ends, as one whose ROLLBACK failed would.
        try await store.read { db in
            try await db.raw("BEGIN IMMEDIATE").run()
            try await db.raw("INSERT INTO payment_notices (event_id, provider, payment_id, kind, outcome, received_at) VALUES ('left-open', 'sandbox', 'p', 'succeeded', '', 0)").run()
        }
        let committed = try await store.sqlTransaction { db in
            try await db.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM payment_notices").first()!.int("n")
        }
        #expect(committed == 0)
        await store.close()
    }
}
