import Foundation
import MilletCore
import SQLKit

extension SQLStore: OutboxFigures {
    /// Counts what waits in each outbox through the index its sender reads.
    public func outboxDepths() async throws -> [OutboxDepth] {
        let outboxes: [(name: String, pending: String)] = [
            ("notices", "FROM notices WHERE next_at IS NOT NULL"),
            ("webhook_deliveries", "FROM webhook_deliveries WHERE next_attempt_at IS NOT NULL"),
            ("refunds", "FROM refunds WHERE status = 'requested'"),
            ("captures", "FROM payments WHERE status = 'authorized'"),
        ]
        return try await read { db in
            var depths: [OutboxDepth] = []
            for outbox in outboxes {
                let tries = outbox.name == "captures" ? "capture_attempts" : "attempts"
                guard let row = try await db.raw("""
                    SELECT COUNT(*) AS pending, COALESCE(SUM(CASE WHEN \(unsafeRaw: tries) > 0 THEN 1 ELSE 0 END), 0) AS retrying,
                        MIN(created_at) AS oldest \(unsafeRaw: outbox.pending)
                    """).first() else { continue }
                let oldest = try row.decodeNil(column: "oldest") ? nil : try row.date("oldest")
                depths.append(OutboxDepth(name: outbox.name, pending: Int(try row.int("pending")), retrying: Int(try row.int("retrying")), oldestAt: oldest))
            }
            return depths
        }
    }
}
