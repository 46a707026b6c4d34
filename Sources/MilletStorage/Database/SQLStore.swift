import Foundation
import Logging
import MilletCore
import SQLKit

/// Millet's storage on a real SQL database: SQLite (embedded, the default) or PostgreSQL.
/// One implementation of every repository protocol, the same SQL for both backends except
/// where a dialect needs its own.
///
/// ```swift
/// let store = try await SQLStore.open("millet.sqlite")
/// let store = try await SQLStore.open("postgres://millet:secret@127.0.0.1:5432/millet")
/// ```
public final class SQLStore: Sendable {
    /// Which database the store talks to.
    public enum Backend: String, Sendable {
        case sqlite, postgres
    }

    public let backend: Backend
    private let source: any ConnectionSource

    init(backend: Backend, source: any ConnectionSource) {
        self.backend = backend
        self.source = source
    }

    /// Opens a store: a `postgres://` or `postgresql://` URL for PostgreSQL, anything else is an
    /// SQLite file path (`:memory:` for a private in-memory database).
    public static func open(_ location: String, logger: Logger = Logger(label: "millet.storage")) async throws -> SQLStore {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            return SQLStore(backend: .postgres, source: try PostgresSource(url: location, connectionsPerLoop: 4, logger: logger))
        }
        return SQLStore(backend: .sqlite, source: try await SQLiteSource(path: location, logger: logger))
    }

    /// Closes every connection.
    public func close() async {
        await source.close()
    }

    /// The thread statements run on (SQLite's own); `nil` on PostgreSQL.
    var statementExecutor: (any TaskExecutor)? { source.statementExecutor }

    /// Runs `body` on one session outside a transaction (single statements, reads).
    func read<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await source.withSession(body)
    }

    /// Runs `body` in one transaction: all of it is committed, durably, or none of it.
    func sqlTransaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let begin = backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        let session: @Sendable (any SQLDatabase) async throws -> R = { db in
            try await db.raw("\(unsafeRaw: begin)").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
        return try await source.withSession(session)
    }
}

extension Date {
    /// Milliseconds since 1970, as stored in BIGINT columns.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(millis: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(millis) / 1000)
    }
}

extension SQLRow {
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func int(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func bool(_ column: String) throws -> Bool { try int(column) != 0 }
    func date(_ column: String) throws -> Date { Date(millis: try int(column)) }
    /// A nullable text column.
    func optionalString(_ column: String) throws -> String? { try decodeNil(column: column) ? nil : try string(column) }
    /// A nullable integer column.
    func optionalInt(_ column: String) throws -> Int64? { try decodeNil(column: column) ? nil : try int(column) }
    /// A nullable millisecond column.
    func optionalDate(_ column: String) throws -> Date? { try decodeNil(column: column) ? nil : try date(column) }
}
