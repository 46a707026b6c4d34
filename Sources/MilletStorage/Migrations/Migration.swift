import Foundation
import MilletCore
import SQLKit

/// One step of the schema. Versions only grow; a shipped migration is never renamed or edited.
///
/// Each migration lives in its own file beside this one, `NNN-snake_name.swift` (three-digit
/// version, then its name), as a `static let` on `Migration`; `SQLStore.migrations` lists them.
/// Integers are BIGINT, booleans 0/1, times milliseconds since 1970, money integer minor units:
/// the same columns read the same way on SQLite and PostgreSQL.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Statements for a backend; most are the same for both.
    let statements: @Sendable (SQLStore.Backend) -> [String]
}

extension Migration {
    /// `text` as an SQL string literal, for the rows a migration seeds.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The demo markets, whose seeded rows a migration adds for those a store already has.
    static let demoMarketCodes = DemoMarkets.all.map(\.code)
}

extension SQLStore {
    /// Every migration Millet has, in order.
    static let migrations: [Migration] = [
        .storeFoundation,
        .flashSales,
        .community,
        .weeklyReleases,
        .communityDiscussion,
        .communitySearch,
        .webhooks,
        .inboxKinds,
        .firmware,
        .deviceSales,
        .deviceTokenIndex,
        .ordersByAccountDropped,
        .deviceState,
        .sessionRevocations,
        .refunds,
        .captures,
        .shipments,
        .invoices,
        .shippingMethods,
        .buyerTaxIds,
        .messages,
        .afterSales,
        .serviceCentres,
        .serviceCasePhotos,
        .repairQuotes,
        .servicePlans,
        .settings,
        .orderNumbers,
        .orderRequests,
        .salePurchaseCount,
        .captureDue,
        .ddiGateways,
        .deviceAttributes,
        .ddiCancellations,
        .phoneNumbers,
        .hotspots,
        .auctions,
        .auctionSettlement,
        .uniqueBidAuctions,
        .preorders,
        .productOptions,
        .preorderWaitlist,
        .partners,
        .brandService,
        .storeSaleReturns,
    ]

    /// Applies the migrations this database has not had yet, up to `version` (all of them unless
    /// a test stops earlier to check one on existing rows), each in its own transaction, and
    /// returns the names applied.
    @discardableResult
    public func migrate(now: Date = Date(), through version: Int = .max) async throws -> [String] {
        try await createMigrationTable()
        var applied: [String] = []
        for migration in Self.migrations where migration.version <= version {
            let backend = backend
            let didApply = try await sqlTransaction { db in
                let done = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: Int64(migration.version))").first()
                guard done == nil else { return false }
                for statement in migration.statements(backend) {
                    try await db.raw("\(unsafeRaw: statement)").run()
                }
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: Int64(migration.version)), \(bind: migration.name), \(bind: now.millis))
                    """).run()
                return true
            }
            if didApply { applied.append("\(migration.version)_\(migration.name)") }
        }
        return applied
    }

    /// The highest applied migration version, 0 for an empty database.
    public func schemaVersion() async throws -> Int {
        try await createMigrationTable()
        return try await read { db in
            let row = try await db.raw("SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) AS v FROM schema_migrations").first()
            return Int(try row?.int("v") ?? 0)
        }
    }

    private func createMigrationTable() async throws {
        try await read { db in
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                """).run()
        }
    }
}
