import Foundation
import MilletCore
import SQLKit

extension SQLStore: PaymentRepository {
    public func createPayment(orderId: String, provider: String, now: Date) async throws -> Payment {
        try await transaction { db in
            guard let order = try await Self.loadOrder(db: db, id: orderId) else { throw DomainError.notFound(what: "order") }
            guard order.status == .pendingPayment, order.paymentDeadline > now else {
                throw DomainError.conflict(code: "not_payable", message: "the order is \(order.status.rawValue) and cannot be paid")
            }
            if let row = try await db.raw("""
                SELECT * FROM payments WHERE order_id = \(bind: orderId) AND provider = \(bind: provider)
                AND status = \(bind: PaymentStatus.pending.rawValue)
                """).first() {
                return try Self.payment(from: row)
            }
            let payment = Payment(
                id: Identifier.make(), orderId: orderId, provider: provider, amount: order.totals.total,
                currency: order.currency, status: .pending, createdAt: now)
            try await db.raw("""
                INSERT INTO payments (id, order_id, provider, amount, currency, status, created_at)
                VALUES (\(bind: payment.id), \(bind: orderId), \(bind: provider), \(bind: payment.amount),
                    \(bind: payment.currency), \(bind: payment.status.rawValue), \(bind: now.millis))
                """).run()
            return payment
        }
    }

    public func payment(id: String) async throws -> Payment? {
        try await read { db in try await db.raw("SELECT * FROM payments WHERE id = \(bind: id)").first().map(Self.payment(from:)) }
    }

    public func payments(orderId: String) async throws -> [Payment] {
        try await read { db in
            try await db.raw("SELECT * FROM payments WHERE order_id = \(bind: orderId) ORDER BY created_at, id").all().map(Self.payment(from:))
        }
    }

    public func apply(_ notice: PaymentNotice, provider: String, now: Date) async throws -> (outcome: PaymentOutcome, payment: Payment) {
        try await transaction { db in
            guard let row = try await db.raw("SELECT * FROM payments WHERE id = \(bind: notice.paymentId) AND provider = \(bind: provider)").first() else {
                throw DomainError.notFound(what: "payment")
            }
            var payment = try Self.payment(from: row)
            // The notice id is claimed first: a second delivery, even a concurrent one, finds it taken.
            let claimed = try await db.raw("""
                INSERT INTO payment_notices (event_id, provider, payment_id, kind, outcome, received_at)
                VALUES (\(bind: notice.eventId), \(bind: provider), \(bind: notice.paymentId), \(bind: notice.kind.rawValue),
                    '', \(bind: now.millis))
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id
                """).first()
            guard claimed != nil else { return (.duplicate, payment) }
            guard notice.amount == payment.amount, notice.currency == payment.currency else {
                throw DomainError.conflict(code: "amount_mismatch", message: "the notice's amount does not match the payment")
            }
            let outcome = try await Self.settle(db: db, payment: &payment, kind: notice.kind, now: now)
            try await db.raw("UPDATE payments SET status = \(bind: payment.status.rawValue) WHERE id = \(bind: payment.id)").run()
            try await db.raw("UPDATE payment_notices SET outcome = \(bind: outcome.rawValue) WHERE event_id = \(bind: notice.eventId)").run()
            return (outcome, payment)
        }
    }

    /// Decides what a notice does to the payment and its order.
    static func settle(db: any SQLDatabase, payment: inout Payment, kind: PaymentNotice.Kind, now: Date) async throws -> PaymentOutcome {
        guard payment.status == .pending || payment.status == .failed else { return .duplicate }
        if kind == .failed {
            payment.status = .failed
            return .paymentFailed
        }
        guard let order = try await loadOrder(db: db, id: payment.orderId) else { throw DomainError.notFound(what: "order") }
        let actor = "provider:\(payment.provider)"
        if order.status == .pendingPayment && now >= order.paymentDeadline {
            _ = try await apply(db: db, event: .expire, orderId: order.id, actor: actor, note: "payment arrived after the deadline", now: now)
        } else if order.status == .pendingPayment {
            _ = try await apply(db: db, event: .pay, orderId: order.id, actor: actor, note: "payment \(payment.id) captured", now: now)
            payment.status = .captured
            return .orderPaid
        }
        // Cancelled, expired, or paid by another payment: the money goes back; stock is untouched.
        payment.status = .refunded
        let status = try await currentStatus(db: db, orderId: order.id)
        try await recordTransition(
            db: db, orderId: order.id, from: status, to: status, actor: actor,
            note: "late payment \(payment.id) refunded", at: now)
        return .refundedLate
    }

    static func currentStatus(db: any SQLDatabase, orderId: String) async throws -> OrderStatus {
        let row = try await db.raw("SELECT status FROM orders WHERE id = \(bind: orderId)").first()
        return OrderStatus(rawValue: try row!.string("status")) ?? .cancelled
    }

    static func payment(from row: any SQLRow) throws -> Payment {
        Payment(
            id: try row.string("id"), orderId: try row.string("order_id"), provider: try row.string("provider"),
            amount: try row.int("amount"), currency: try row.string("currency"),
            status: PaymentStatus(rawValue: try row.string("status")) ?? .pending, createdAt: try row.date("created_at"))
    }
}
