import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import VaporCSQLite

/// The SQLite connection's own handle, driven directly, one statement after another.
///
/// SQLiteNIO runs every statement on a thread pool and answers it, and each returned row, through
/// an event loop: three thread hops a statement. On two busy cores each hop waits behind the HTTP
/// work, so a ten-statement group commit took about 8 ms although SQLite needed about 2.5.
/// A short transaction on the critical path (the flash-sale journal) runs here instead: all of its
/// statements in turn on one thread (``SQLiteThread``), each prepared once and kept.
///
/// Only ever used inside ``SQLiteSource``'s gate, so no SQLiteNIO statement runs at the same time;
/// the handle is opened in serialized mode besides.
final class InlineSQLite: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Prepared statements by SQL text. Multi-row statements differ by their row count, so the
    /// cache is emptied when it grows past ``cacheLimit``: enough for the journal's five
    /// statements at every batch size up to a hundred, which 128 was not (a sale re-prepared
    /// statements all the time).
    private var statements: [String: OpaquePointer] = [:]
    private static let cacheLimit = 512

    /// The handle of an open SQLiteNIO connection. SQLiteNIO keeps it internal; it is read once by
    /// reflection, and a layout that no longer has it fails at open, not later.
    init(connection: SQLiteConnection) throws {
        guard let box = Mirror(reflecting: connection).descendant("handle"),
              let raw = Mirror(reflecting: box).descendant("raw") as? OpaquePointer
        else { throw InlineSQLiteError(message: "SQLiteNIO no longer exposes its connection handle to reflection") }
        handle = raw
    }

    /// Finalizes every kept statement; call before the connection closes.
    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
    }

    /// Runs one statement with its binds, calling `onRow` for each row it returns.
    func run(_ sql: String, _ binds: [SQLiteData], _ onRow: (InlineSQLiteRow) -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (offset, bind) in binds.enumerated() { try check(Self.bind(bind, at: Int32(offset + 1), to: statement)) }
        let count = sqlite_nio_sqlite3_column_count(statement)
        var names: [String]?
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { throw error(step) }
            let columns = names ?? (0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) }
            names = columns
            onRow(InlineSQLiteRow(names: columns, values: (0..<count).map { Self.value(of: statement, at: $0) }))
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.cacheLimit { close() }
        var statement: OpaquePointer?
        try check(sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil))
        guard let statement else { throw InlineSQLiteError(message: "empty statement") }
        statements[sql] = statement
        return statement
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ value: SQLiteData, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let int): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(int))
        case .float(let double): sqlite_nio_sqlite3_bind_double(statement, index, double)
        case .text(let text): sqlite_nio_sqlite3_bind_text64(statement, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        case .blob(let buffer):
            buffer.withUnsafeReadableBytes { sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient) }
        }
    }

    private static func value(of statement: OpaquePointer, at column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            let bytes = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: bytes), as: UTF8.self))
        case SQLITE_BLOB:
            let bytes = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: bytes)
            if let blob = sqlite_nio_sqlite3_column_blob(statement, column) { buffer.writeBytes(UnsafeRawBufferPointer(start: blob, count: bytes)) }
            return .blob(buffer)
        default: return .null
        }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw error(code) }
    }

    private func error(_ code: Int32) -> InlineSQLiteError {
        InlineSQLiteError(message: "SQLite error \(code): " + String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }
}

/// A statement the inline connection could not run, with SQLite's own message.
struct InlineSQLiteError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// One row a statement returned, read through SQLKit's `SQLRow` like any other.
struct InlineSQLiteRow: SQLRow {
    let names: [String]
    let values: [SQLiteData]

    var allColumns: [String] { names }

    func contains(column: String) -> Bool { names.contains(column) }

    func decodeNil(column: String) throws -> Bool { try value(column) == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try SQLiteDataDecoder().decode(D.self, from: value(column))
    }

    private func value(_ column: String) throws -> SQLiteData {
        guard let index = names.firstIndex(of: column) else { throw InlineSQLiteError(message: "no column \(column)") }
        return values[index]
    }
}

/// SQLKit's view of ``InlineSQLite``: the same SQL, dialect and binds as the SQLiteNIO session,
/// each statement finished before `execute` returns.
struct InlineSQLiteDatabase: SQLDatabase {
    let connection: InlineSQLite
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

/// The thread inline transactions run on. Their statements block while SQLite works and fsyncs;
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
