import Foundation
import MilletCore
import SQLKit

extension SQLTransaction: NoticeLedger {
    func notify(_ notice: Notice) async throws {
        try await SQLStore.insertNotice(db: db, notice)
    }
}

extension SQLStore {
    /// The columns every statement that writes notices fills, in this order.
    static let noticeColumns = "id, account_id, kind, subject_id, dedupe_key, params, created_at, email_status, sms_status, attempts, next_at"

    static func insertNotice(db: any SQLDatabase, _ notice: Notice) async throws {
        try await db.raw("""
            INSERT INTO notices (\(unsafeRaw: SQLStore.noticeColumns))
            VALUES (\(bind: notice.id), \(bind: notice.accountId), \(bind: notice.kind.rawValue), \(bind: notice.subjectId),
                \(bind: notice.key), \(bind: try json(notice.params)), \(bind: notice.createdAt.millis), 'pending', 'pending', 0,
                \(bind: notice.createdAt.millis))
            ON CONFLICT (dedupe_key) DO NOTHING
            """).run()
    }

    /// The notice an order's move to `status` gives its fan (``NoticeKind/forOrder(movingTo:)``),
    /// written with the move; its key is its id, so a move is told once.
    static func noticeOrderMove(db: any SQLDatabase, orderId: String, to status: OrderStatus, at: Date) async throws {
        guard let kind = NoticeKind.forOrder(movingTo: status) else { return }
        let key = "\(kind.rawValue):\(orderId)"
        try await db.raw("""
            INSERT INTO notices (\(unsafeRaw: SQLStore.noticeColumns))
            SELECT \(bind: key), account_id, \(bind: kind.rawValue), id, \(bind: key), '{}', \(bind: at.millis), 'pending', 'pending', 0,
                \(bind: at.millis)
            FROM orders WHERE id = \(bind: orderId)
            ON CONFLICT (dedupe_key) DO NOTHING
            """).run()
    }

    static func json(_ params: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(params), as: UTF8.self)
    }
}
