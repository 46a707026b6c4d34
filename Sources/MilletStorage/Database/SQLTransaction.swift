import MilletCore
import SQLKit

/// One open transaction of an ``SQLStore``, as the domain's use cases see it: each feature's
/// ledger is implemented in that feature's folder (`SQLTransaction+Orders.swift`, ...).
struct SQLTransaction: Sendable {
    let db: any SQLDatabase
    let backend: SQLStore.Backend
}

extension SQLStore.Backend {
    /// ` FOR UPDATE` on PostgreSQL, where a row read to decide a write must stay as read until the
    /// commit; empty on SQLite, whose `BEGIN IMMEDIATE` already keeps every other writer out.
    var forUpdate: String { self == .postgres ? " FOR UPDATE" : "" }
}

extension SQLTransaction: Transaction {}

extension SQLStore: UnitOfWork {
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> R) async throws -> R {
        let backend = backend
        return try await sqlTransaction { db in try await body(SQLTransaction(db: db, backend: backend)) }
    }
}
