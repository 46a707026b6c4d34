import CMilletSQLite
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// Millet's own connection to an SQLite database, through the system SQLite's public C API:
/// every statement runs in turn on one thread (``SQLiteThread``), each prepared once and kept.
///
/// A driver that runs each statement on a thread pool and answers it, and each returned row,
/// through an event loop makes three thread hops a statement. On two busy cores each hop waits
/// behind the HTTP work: a ten-statement group commit took about 8 ms although SQLite needed about
/// 2.5. Here nothing hops.
///
/// Only ever used inside ``SQLiteSource``'s gate, one statement at a time; the handle is opened
/// in serialized mode besides.
final class SQLiteHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    /// Prepared statements by SQL text. Multi-row statements differ by their row count, so the
    /// cache is emptied when it grows past ``cacheLimit``: enough for the journal's five
    /// statements at every batch size up to a hundred, which 128 was not (a sale re-prepared
    /// statements all the time).
    private var statements: [String: UnsafeMutableRawPointer] = [:]
    private static let cacheLimit = 512

    /// Opens (creating if needed) the database at `path`; `:memory:` is a private in-memory one.
    init(path: String) throws {
        var opened: UnsafeMutableRawPointer?
        let code = millet_sqlite_open(path, &opened)
        guard code == MILLET_SQLITE_OK, let opened else {
            let message = opened.map { String(cString: millet_sqlite_errmsg($0)) } ?? "out of memory"
            if let opened { millet_sqlite_close(opened) }
            throw SQLiteHandleError(message: "cannot open \(path): SQLite error \(code): \(message)")
        }
        handle = opened
    }

    /// Rolls back a transaction a borrower left open (its `ROLLBACK` failed, or it never sent
    /// one), so the next borrower of this one shared connection starts clean. Answers whether
    /// there was one.
    @discardableResult
    func endOpenTransaction() throws -> Bool {
        guard millet_sqlite_get_autocommit(handle) == 0 else { return false }
        try run("ROLLBACK", []) { _ in }
        return true
    }

    /// Finalizes every kept statement and closes the connection.
    func close() {
        finalizeStatements()
        millet_sqlite_close(handle)
    }

    private func finalizeStatements() {
        for statement in statements.values { millet_sqlite_finalize(statement) }
        statements = [:]
    }

    /// Runs one statement with its binds, calling `onRow` for each row it returns.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (SQLiteHandleRow) -> Void) throws {
        let statement = try prepared(sql)
        defer {
            millet_sqlite_reset(statement)
            millet_sqlite_clear_bindings(statement)
        }
        for (offset, bind) in binds.enumerated() { try check(Self.bind(bind, at: Int32(offset + 1), to: statement)) }
        let count = millet_sqlite_column_count(statement)
        var names: [String]?
        while true {
            let step = millet_sqlite_step(statement)
            if step == MILLET_SQLITE_DONE { return }
            guard step == MILLET_SQLITE_ROW else { throw error(step) }
            let columns = names ?? (0..<count).map { String(cString: millet_sqlite_column_name(statement, $0)) }
            names = columns
            onRow(SQLiteHandleRow(names: columns, values: (0..<count).map { Self.value(of: statement, at: $0) }))
        }
    }

    private func prepared(_ sql: String) throws -> UnsafeMutableRawPointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.cacheLimit { finalizeStatements() }
        var statement: UnsafeMutableRawPointer?
        try check(millet_sqlite_prepare(handle, sql, &statement))
        guard let statement else { throw SQLiteHandleError(message: "empty statement") }
        statements[sql] = statement
        return statement
    }

    private static func bind(_ value: SQLiteData, at index: Int32, to statement: UnsafeMutableRawPointer) -> Int32 {
        switch value {
        case .integer(let int): millet_sqlite_bind_int64(statement, index, Int64(int))
        case .float(let double): millet_sqlite_bind_double(statement, index, double)
        case .text(let text): millet_sqlite_bind_text(statement, index, text, UInt64(text.utf8.count))
        case .null: millet_sqlite_bind_null(statement, index)
        case .blob(let buffer):
            buffer.withUnsafeReadableBytes { millet_sqlite_bind_blob(statement, index, $0.baseAddress, UInt64($0.count)) }
        }
    }

    private static func value(of statement: UnsafeMutableRawPointer, at column: Int32) -> SQLiteData {
        switch millet_sqlite_column_type(statement, column) {
        case MILLET_SQLITE_INTEGER: return .integer(Int(millet_sqlite_column_int64(statement, column)))
        case MILLET_SQLITE_FLOAT: return .float(millet_sqlite_column_double(statement, column))
        case MILLET_SQLITE_TEXT:
            let bytes = Int(millet_sqlite_column_bytes(statement, column))
            guard let text = millet_sqlite_column_text(statement, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: bytes), as: UTF8.self))
        case MILLET_SQLITE_BLOB:
            let bytes = Int(millet_sqlite_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: bytes)
            if let blob = millet_sqlite_column_blob(statement, column) { buffer.writeBytes(UnsafeRawBufferPointer(start: blob, count: bytes)) }
            return .blob(buffer)
        default: return .null
        }
    }

    private func check(_ code: Int32) throws {
        guard code == MILLET_SQLITE_OK else { throw error(code) }
    }

    private func error(_ code: Int32) -> SQLiteHandleError {
        SQLiteHandleError(message: "SQLite error \(code): " + String(cString: millet_sqlite_errmsg(handle)))
    }
}

/// A statement the connection could not run, with SQLite's own message.
struct SQLiteHandleError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// One row a statement returned, read through SQLKit's `SQLRow` like any other.
struct SQLiteHandleRow: SQLRow {
    let names: [String]
    let values: [SQLiteData]

    var allColumns: [String] { names }

    func contains(column: String) -> Bool { names.contains(column) }

    func decodeNil(column: String) throws -> Bool { try value(column) == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try SQLiteDataDecoder().decode(D.self, from: value(column))
    }

    private func value(_ column: String) throws -> SQLiteData {
        guard let index = names.firstIndex(of: column) else { throw SQLiteHandleError(message: "no column \(column)") }
        return values[index]
    }
}

/// SQLKit's view of ``SQLiteHandle``: SQLite's dialect and SQLiteKit's encoding of binds, each
/// statement finished before `execute` returns.
struct SQLiteHandleDatabase: SQLDatabase {
    let connection: SQLiteHandle
    let logger: Logger
    let eventLoop: any EventLoop
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = serialize(query)
        try connection.run(sql, try binds.map(Self.data), onRow)
    }

    private static let encoder = SQLiteDataEncoder()

    /// Text and integers, nearly every bind, directly; the rest as SQLiteKit encodes them.
    private static func data(_ bind: any Encodable) throws -> SQLiteData {
        switch bind {
        case let text as String: .text(text)
        case let int as Int64: .integer(Int(int))
        case let int as Int: .integer(int)
        default: try encoder.encode(bind)
        }
    }
}

/// The thread the SQLite connection's statements run on. They block while SQLite works and fsyncs;
/// on a thread of their own they never hold up one of the few threads all of Swift's tasks share.
final class SQLiteThread: TaskExecutor {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        group.next().execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}
