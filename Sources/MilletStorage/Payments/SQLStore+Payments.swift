import Foundation
import MilletCore
import SQLKit

extension SQLStore: PaymentRepository {
    public func createPayment(orderId: String, provider: String, now: Date) async throws -> Payment {
        try await sqlTransaction { db in
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
        try await read { db in try await Self.payments(db: db, orderId: orderId) }
    }

    static func payments(db: any SQLDatabase, orderId: String) async throws -> [Payment] {
        try await db.raw("SELECT * FROM payments WHERE order_id = \(bind: orderId) ORDER BY created_at, id").all().map(payment(from:))
    }

    static func payment(from row: any SQLRow) throws -> Payment {
        Payment(
            id: try row.string("id"), orderId: try row.string("order_id"), provider: try row.string("provider"),
            amount: try row.int("amount"), currency: try row.string("currency"),
            status: PaymentStatus(rawValue: try row.string("status")) ?? .pending, createdAt: try row.date("created_at"))
    }
}
