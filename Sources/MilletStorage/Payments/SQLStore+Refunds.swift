import Foundation
import MilletCore
import SQLKit

extension SQLStore: RefundRepository {
    public func dueRefunds(provider: String, now: Date, limit: Int) async throws -> [Refund] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM refunds WHERE status = \(bind: RefundStatus.requested.rawValue) AND next_attempt_at <= \(bind: now.millis)
                    AND provider = \(bind: provider)
                ORDER BY next_attempt_at, id LIMIT \(bind: Int64(limit))
                """).all().map(Self.refund(from:))
        }
    }

    static func refund(from row: any SQLRow) throws -> Refund {
        Refund(
            id: try row.string("id"), orderId: try row.string("order_id"), paymentId: try row.string("payment_id"),
            provider: try row.string("provider"), amount: try row.int("amount"), currency: try row.string("currency"),
            status: RefundStatus(rawValue: try row.string("status")) ?? .requested, reason: try row.string("reason"),
            actor: try row.string("actor"), attempts: Int(try row.int("attempts")), nextAttemptAt: try row.optionalDate("next_attempt_at"),
            providerReference: try row.optionalString("provider_reference"), lastError: try row.optionalString("last_error"),
            createdAt: try row.date("created_at"), settledAt: try row.optionalDate("settled_at"))
    }
}

extension SQLStore: CaptureRepository {
    public func dueCaptures(provider: String, now: Date, limit: Int) async throws -> [PendingCapture] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM payments WHERE status = \(bind: PaymentStatus.authorized.rawValue) AND capture_next_at <= \(bind: now.millis)
                    AND provider = \(bind: provider)
                ORDER BY capture_next_at, id LIMIT \(bind: Int64(limit))
                """).all().map(Self.pendingCapture(from:))
        }
    }

    static func pendingCapture(from row: any SQLRow) throws -> PendingCapture {
        PendingCapture(
            paymentId: try row.string("id"), orderId: try row.string("order_id"), provider: try row.string("provider"),
            amount: try row.int("amount"), currency: try row.string("currency"), attempts: Int(try row.int("capture_attempts")),
            nextAttemptAt: try row.date("capture_next_at"), lastError: try row.optionalString("capture_error"))
    }
}

extension SQLStore: SandboxLedger {
    public func authorize(_ payment: Payment, capturable: Bool, now: Date) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO sandbox_authorizations (payment_id, amount, currency, capturable, created_at)
                VALUES (\(bind: payment.id), \(bind: payment.amount), \(bind: payment.currency), \(bind: Int64(capturable ? 1 : 0)),
                    \(bind: now.millis))
                ON CONFLICT (payment_id) DO UPDATE SET capturable = \(bind: Int64(capturable ? 1 : 0))
                """).run()
        }
    }

    public func capture(_ request: CaptureRequest, now: Date) async throws -> String {
        try await sqlTransaction { db in
            if let earlier = try await db.raw("SELECT reference FROM sandbox_captures WHERE idempotency_key = \(bind: request.idempotencyKey)").first() {
                return try earlier.string("reference")
            }
            guard let held = try await db.raw("SELECT * FROM sandbox_authorizations WHERE payment_id = \(bind: request.paymentId)").first()
            else { throw CaptureDeclined(reason: "no authorization for this payment") }
            guard try held.int("capturable") == 1 else { throw CaptureDeclined(reason: "the authorization was declined by the issuer") }
            guard try held.int("amount") == request.amount, try held.string("currency") == request.currency else {
                throw CaptureDeclined(reason: "another amount than was authorized")
            }
            let reference = "ch_" + Identifier.make()
            // A second send of the key racing this one fails on the unique key and is retried, then finds this record.
            try await db.raw("""
                INSERT INTO sandbox_captures (reference, idempotency_key, payment_id, amount, currency, created_at)
                VALUES (\(bind: reference), \(bind: request.idempotencyKey), \(bind: request.paymentId), \(bind: request.amount),
                    \(bind: request.currency), \(bind: now.millis))
                """).run()
            return reference
        }
    }

    public func record(_ request: RefundRequest, now: Date) async throws -> SandboxRefund {
        let backend = backend
        return try await sqlTransaction { db in
            // The payment's row first: two sends of one key (a retry racing a slow first try) wait
            // for each other here, and the second finds the first's record.
            let payment = try await db.raw("SELECT amount, currency FROM payments WHERE id = \(bind: request.paymentId)\(unsafeRaw: backend.forUpdate)").first()
            if let earlier = try await db.raw("SELECT * FROM sandbox_refunds WHERE idempotency_key = \(bind: request.idempotencyKey)").first() {
                return try Self.sandboxRefund(from: earlier)
            }
            guard let payment else { throw RefundDeclined(reason: "no such payment") }
            guard try payment.string("currency") == request.currency else { throw RefundDeclined(reason: "currency does not match the payment") }
            let before = try await db.raw("""
                SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM sandbox_refunds WHERE payment_id = \(bind: request.paymentId)
                """).first()!.int("total")
            guard request.amount > 0, before + request.amount <= (try payment.int("amount")) else {
                throw RefundDeclined(reason: "more than the payment's amount")
            }
            let refund = SandboxRefund(
                reference: "re_" + Identifier.make(), idempotencyKey: request.idempotencyKey, paymentId: request.paymentId,
                amount: request.amount, currency: request.currency, createdAt: now)
            try await db.raw("""
                INSERT INTO sandbox_refunds (reference, idempotency_key, payment_id, amount, currency, created_at)
                VALUES (\(bind: refund.reference), \(bind: refund.idempotencyKey), \(bind: refund.paymentId), \(bind: refund.amount),
                    \(bind: refund.currency), \(bind: now.millis))
                """).run()
            return refund
        }
    }

    public func sandboxRefunds(paymentId: String?, limit: Int) async throws -> [SandboxRefund] {
        let wanted = paymentId ?? ""
        return try await read { db in
            try await db.raw("""
                SELECT * FROM sandbox_refunds WHERE payment_id = \(bind: wanted) OR \(bind: wanted) = ''
                ORDER BY created_at DESC, reference LIMIT \(bind: Int64(limit))
                """).all().map(Self.sandboxRefund(from:))
        }
    }

    static func sandboxRefund(from row: any SQLRow) throws -> SandboxRefund {
        SandboxRefund(
            reference: try row.string("reference"), idempotencyKey: try row.string("idempotency_key"),
            paymentId: try row.string("payment_id"), amount: try row.int("amount"), currency: try row.string("currency"),
            createdAt: try row.date("created_at"))
    }
}
