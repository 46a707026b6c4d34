import Foundation
import MilletCore
import SQLKit

extension SQLStore: NoticeRepository {
    public func leaseDueNotices(now: Date, until: Date, limit: Int) async throws -> [PendingNotice] {
        // PostgreSQL: rows another sender is leasing are skipped, not waited for. On both, a row
        // leased meanwhile no longer matches `next_at <= now` when the UPDATE reaches it, so no
        // notice is sent twice.
        let skipLocked = backend == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await sqlTransaction { db in
            try await db.raw("""
                UPDATE notices SET next_at = \(bind: until.millis)
                WHERE id IN (
                    SELECT id FROM notices WHERE next_at <= \(bind: now.millis) ORDER BY next_at, id LIMIT \(bind: Int64(limit))\(unsafeRaw: skipLocked))
                    AND next_at <= \(bind: now.millis)
                RETURNING *
                """).all().map(Self.pendingNotice(from:)).sorted { $0.notice.createdAt < $1.notice.createdAt }
        }
    }

    public func recordDelivery(noticeId: String, email: DeliveryStatus, sms: DeliveryStatus, attempts: Int, nextAt: Date?, error: String?) async throws {
        try await read { db in
            // Once nothing is pending the parameters (a link's token) are dropped.
            try await db.raw("""
                UPDATE notices SET email_status = \(bind: email.rawValue), sms_status = \(bind: sms.rawValue),
                    attempts = \(bind: Int64(attempts)), next_at = \(bind: nextAt?.millis), last_error = \(bind: error),
                    params = CASE WHEN \(bind: nextAt == nil ? 1 : 0) = 1 THEN '{}' ELSE params END
                WHERE id = \(bind: noticeId)
                """).run()
        }
    }

    public func messagePreferences(accountId: String) async throws -> MessagePreferences {
        try await read { db in
            guard let row = try await db.raw("SELECT * FROM message_preferences WHERE account_id = \(bind: accountId)").first() else {
                return MessagePreferences()
            }
            return MessagePreferences(
                language: try row.optionalString("language"), phone: try row.optionalString("phone"),
                muted: Set(try JSONDecoder().decode([String].self, from: Data(try row.string("muted").utf8))))
        }
    }

    public func saveMessagePreferences(_ preferences: MessagePreferences, accountId: String) async throws {
        try await sqlTransaction { db in try await Self.savePreferences(db: db, preferences, accountId: accountId) }
    }

    static func savePreferences(db: any SQLDatabase, _ preferences: MessagePreferences, accountId: String) async throws {
        let muted = String(decoding: try JSONEncoder().encode(preferences.muted.sorted()), as: UTF8.self)
        try await db.raw("""
            INSERT INTO message_preferences (account_id, language, phone, muted)
            VALUES (\(bind: accountId), \(bind: preferences.language), \(bind: preferences.phone), \(bind: muted))
            ON CONFLICT (account_id) DO UPDATE SET language = excluded.language, phone = excluded.phone, muted = excluded.muted
            """).run()
    }

    public func noticeSalesOpening(now: Date, before: Date) async throws -> Int {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO notices (\(unsafeRaw: SQLStore.noticeColumns))
                SELECT 'sale_opening:' || r.sale_id || ':' || r.account_id, r.account_id, 'sale_opening', r.sale_id,
                    'sale_opening:' || r.sale_id || ':' || r.account_id, '{}', \(bind: now.millis), 'pending', 'pending', 0, \(bind: now.millis)
                FROM flash_sale_reservations r JOIN flash_sales s ON s.id = r.sale_id
                WHERE s.starts_at >= \(bind: now.millis) AND s.starts_at < \(bind: before.millis) AND s.closed = 0
                ON CONFLICT (dedupe_key) DO NOTHING
                RETURNING id
                """).all().count
        }
    }

    public func notices(accountId: String, limit: Int) async throws -> [PendingNotice] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM notices WHERE account_id = \(bind: accountId) ORDER BY created_at DESC, id LIMIT \(bind: Int64(limit))
                """).all().map(Self.pendingNotice(from:))
        }
    }

    static func pendingNotice(from row: any SQLRow) throws -> PendingNotice {
        guard let kind = NoticeKind(rawValue: try row.string("kind")) else {
            throw DomainError.conflict(code: "corrupt_notice", message: "unknown notice kind")
        }
        let notice = Notice(
            id: try row.string("id"), accountId: try row.string("account_id"), kind: kind, subjectId: try row.string("subject_id"),
            key: try row.string("dedupe_key"), params: try JSONDecoder().decode([String: String].self, from: Data(try row.string("params").utf8)),
            createdAt: try row.date("created_at"))
        return PendingNotice(
            notice: notice, email: DeliveryStatus(rawValue: try row.string("email_status")) ?? .failed,
            sms: DeliveryStatus(rawValue: try row.string("sms_status")) ?? .failed, attempts: Int(try row.int("attempts")))
    }
}

extension SQLStore: SandboxMessageRepository {
    public func record(_ message: SandboxMessage) async throws {
        try await read { db in
            try await db.raw("""
                INSERT INTO sandbox_messages (id, channel, recipient, subject, text, html, created_at)
                VALUES (\(bind: message.id), \(bind: message.channel.rawValue), \(bind: message.recipient), \(bind: message.subject),
                    \(bind: message.text), \(bind: message.html), \(bind: message.createdAt.millis))
                """).run()
        }
    }

    public func sandboxMessages(channel: MessageChannel?, limit: Int) async throws -> [SandboxMessage] {
        let wanted = channel?.rawValue ?? ""
        return try await read { db in
            try await db.raw("""
                SELECT * FROM sandbox_messages WHERE channel = \(bind: wanted) OR \(bind: wanted) = ''
                ORDER BY created_at DESC, id DESC LIMIT \(bind: Int64(limit))
                """).all().map { row in
                SandboxMessage(
                    id: try row.string("id"), channel: MessageChannel(rawValue: try row.string("channel")) ?? .email,
                    recipient: try row.string("recipient"), subject: try row.string("subject"), text: try row.string("text"),
                    html: try row.string("html"), createdAt: try row.date("created_at"))
            }
        }
    }
}
