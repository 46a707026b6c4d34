import Foundation
import MilletCore
import SQLKit

extension SQLStore: OutboxFigures {
    /// Counts what waits in each outbox through the index its sender reads.
    public func outboxDepths() async throws -> [OutboxDepth] {
        // Each outbox's rows, its attempts column, and when a row began to wait.
        let outboxes: [(name: String, pending: String, tries: String, since: String)] = [
            ("notices", "FROM notices WHERE next_at IS NOT NULL", "attempts", "created_at"),
            ("webhook_deliveries", "FROM webhook_deliveries WHERE next_attempt_at IS NOT NULL", "attempts", "created_at"),
            ("refunds", "FROM refunds WHERE status = 'requested'", "attempts", "created_at"),
            ("captures", "FROM payments WHERE status = 'authorized'", "capture_attempts", "COALESCE(capture_due_at, created_at)"),
        ]
        return try await read { db in
            var depths: [OutboxDepth] = []
            for outbox in outboxes {
                guard let row = try await db.raw("""
                    SELECT COUNT(*) AS pending, COALESCE(SUM(CASE WHEN \(unsafeRaw: outbox.tries) > 0 THEN 1 ELSE 0 END), 0) AS retrying,
                        MIN(\(unsafeRaw: outbox.since)) AS oldest \(unsafeRaw: outbox.pending)
                    """).first() else { continue }
                let oldest = try row.decodeNil(column: "oldest") ? nil : try row.date("oldest")
                depths.append(OutboxDepth(name: outbox.name, pending: Int(try row.int("pending")), retrying: Int(try row.int("retrying")), oldestAt: oldest))
            }
            return depths
        }
    }
}
