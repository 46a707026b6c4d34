import Foundation
import MilletCore
import SQLKit

extension SQLTransaction: PaymentLedger {
    func payment(id: String) async throws -> Payment? {
        try await db.raw("SELECT * FROM payments WHERE id = \(bind: id)").first().map(SQLStore.payment(from:))
    }

    func payments(orderId: String) async throws -> [Payment] {
        try await SQLStore.payments(db: db, orderId: orderId)
    }

    func setStatus(_ status: PaymentStatus, paymentId: String) async throws {
        try await db.raw("UPDATE payments SET status = \(bind: status.rawValue) WHERE id = \(bind: paymentId)").run()
    }

    func claim(_ notice: PaymentNotice, provider: String, now: Date) async throws -> Bool {
        try await db.raw("""
            INSERT INTO payment_notices (event_id, provider, payment_id, kind, outcome, received_at)
            VALUES (\(bind: notice.eventId), \(bind: provider), \(bind: notice.paymentId), \(bind: notice.kind.rawValue),
                '', \(bind: now.millis))
            ON CONFLICT (event_id) DO NOTHING RETURNING event_id
            """).first() != nil
    }

    func settle(noticeId: String, outcome: PaymentOutcome) async throws {
        try await db.raw("UPDATE payment_notices SET outcome = \(bind: outcome.rawValue) WHERE event_id = \(bind: noticeId)").run()
    }

    func authorize(paymentId: String, captureAt: Date) async throws {
        try await db.raw("""
            UPDATE payments SET status = \(bind: PaymentStatus.authorized.rawValue), capture_attempts = 0,
                capture_next_at = \(bind: captureAt.millis), capture_due_at = \(bind: captureAt.millis), capture_error = NULL
            WHERE id = \(bind: paymentId)
            """).run()
    }

    func leaseCapture(paymentId: String, dueAt: Date, until: Date) async throws -> PendingCapture? {
        try await db.raw("""
            UPDATE payments SET capture_next_at = \(bind: until.millis)
            WHERE id = \(bind: paymentId) AND status = \(bind: PaymentStatus.authorized.rawValue) AND capture_next_at = \(bind: dueAt.millis)
            RETURNING *
            """).first().map(SQLStore.pendingCapture(from:))
    }

    func recordCapture(_ capture: PendingCapture, settled: Bool, reference: String?, leasedUntil: Date) async throws -> Bool {
        try await db.raw("""
            UPDATE payments SET capture_attempts = \(bind: Int64(capture.attempts)),
                capture_next_at = \(bind: settled ? nil : capture.nextAttemptAt.millis), capture_error = \(bind: capture.lastError),
                capture_reference = \(bind: reference)
            WHERE id = \(bind: capture.paymentId) AND status = \(bind: PaymentStatus.authorized.rawValue)
                AND capture_next_at = \(bind: leasedUntil.millis)
            RETURNING id
            """).first() != nil
    }
}

extension SQLTransaction: RefundLedger {
    func insert(_ refund: Refund) async throws {
        try await db.raw("""
            INSERT INTO refunds (id, order_id, payment_id, provider, amount, currency, status, reason, actor, attempts,
                next_attempt_at, created_at)
            VALUES (\(bind: refund.id), \(bind: refund.orderId), \(bind: refund.paymentId), \(bind: refund.provider),
                \(bind: refund.amount), \(bind: refund.currency), \(bind: refund.status.rawValue), \(bind: refund.reason),
                \(bind: refund.actor), \(bind: Int64(refund.attempts)), \(bind: refund.nextAttemptAt?.millis), \(bind: refund.createdAt.millis))
            """).run()
    }

    func refunds(orderId: String) async throws -> [Refund] {
        try await db.raw("SELECT * FROM refunds WHERE order_id = \(bind: orderId) ORDER BY created_at, id").all().map(SQLStore.refund(from:))
    }

    func update(_ refund: Refund, leasedUntil: Date) async throws -> Bool {
        try await db.raw("""
            UPDATE refunds SET status = \(bind: refund.status.rawValue), attempts = \(bind: Int64(refund.attempts)),
                next_attempt_at = \(bind: refund.nextAttemptAt?.millis), provider_reference = \(bind: refund.providerReference),
                last_error = \(bind: refund.lastError), settled_at = \(bind: refund.settledAt?.millis)
            WHERE id = \(bind: refund.id) AND status = \(bind: RefundStatus.requested.rawValue)
                AND next_attempt_at = \(bind: leasedUntil.millis)
            RETURNING id
            """).first() != nil
    }

    func lease(refundId: String, dueAt: Date, until: Date) async throws -> Refund? {
        try await db.raw("""
            UPDATE refunds SET next_attempt_at = \(bind: until.millis)
            WHERE id = \(bind: refundId) AND status = \(bind: RefundStatus.requested.rawValue) AND next_attempt_at = \(bind: dueAt.millis)
            RETURNING *
            """).first().map(SQLStore.refund(from:))
    }
}
