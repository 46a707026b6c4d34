import AsyncKit
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit

/// Lends a database session to one closure at a time.
protocol ConnectionSource: Sendable {
    func withSession<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R
    /// The thread the source's statements run on, if it has one of its own.
    var statementExecutor: (any TaskExecutor)? { get }
    func close() async
}

/// One SQLite connection in WAL mode with full fsync, used by one task at a time. SQLite
/// serialises writers anyway; one connection keeps transactions simple and commits durable.
/// Every borrower of the connection runs its statements on the connection's own thread (``SQLiteThread``), so they
/// never hold up one of the few threads all of Swift's tasks share while SQLite works and fsyncs.
final class SQLiteSource: ConnectionSource {
    private let connection: SQLiteHandle
    private let thread = SQLiteThread()
    private let gate = AsyncGate()
    private let logger: Logger
    /// SQLKit's view of the connection, lent to every borrower.
    private let database: SQLiteHandleDatabase

    init(path: String, logger: Logger) async throws {
        connection = try SQLiteHandle(path: path)
        self.logger = logger
        database = SQLiteHandleDatabase(connection: connection, logger: logger, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        for pragma in [
            "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
            // Scratch tables and statement journals in memory; a 32 MB page cache (the default is
            // 2 MB) keeps the upper levels of every index in memory for batched device writes.
            // A checkpoint every 10,000 WAL pages (about 40 MB) instead of 1,000: the pages a flash
            // sale's commits rewrite again and again (the sale row, the last pages of each index)
            // are copied into the database once per checkpoint, not ten times.
            "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -32768", "PRAGMA wal_autocheckpoint = 10000",
        ] {
            try connection.run(pragma, []) { _ in }
        }
    }

    func withSession<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let db = database
        await gate.enter()
        do {
            let result = try await withTaskExecutorPreference(thread) {
                do {
                    let result = try await body(db)
                    endOpenTransaction()
                    return result
                } catch {
                    endOpenTransaction()
                    throw error
                }
            }
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }

    /// A transaction a borrower left open would make every later `BEGIN` on this one connection
    /// fail; it is rolled back before the next borrower starts.
    private func endOpenTransaction() {
        do {
            if try connection.endOpenTransaction() { logger.warning("rolled back a transaction a borrower of the connection left open") }
        } catch {
            logger.error("could not roll back a transaction a borrower of the connection left open", metadata: ["error": "\(error)"])
        }
    }

    var statementExecutor: (any TaskExecutor)? { thread }

    func close() async {
        await gate.enter()
        connection.close()
        await gate.leave()
        await thread.shutdown()
    }
}

/// A pool of PostgreSQL connections; each closure gets one connection to itself.
// async-kit's pool guards its state with locks but predates Sendable annotations.
final class PostgresSource: ConnectionSource, @unchecked Sendable {
    private let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>

    init(url: String, connectionsPerLoop: Int, logger: Logger) throws {
        let configuration = try SQLPostgresConfiguration(url: url)
        pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: connectionsPerLoop, logger: logger,
            on: MultiThreadedEventLoopGroup.singleton)
    }

    func withSession<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let connection = try await pool.requestConnection().get()
        do {
            let result = try await body(connection.sql(queryLogLevel: nil))
            pool.releaseConnection(connection)
            return result
        } catch {
            pool.releaseConnection(connection)
            throw error
        }
    }

    /// PostgresNIO answers on the connection's event loop, without a thread of its own.
    var statementExecutor: (any TaskExecutor)? { nil }

    func close() async {
        try? await pool.shutdownAsync()
    }
}
