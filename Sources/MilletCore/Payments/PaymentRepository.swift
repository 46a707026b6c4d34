import Foundation

/// Stored payments and the webhook notices already applied.
public protocol PaymentRepository: Sendable {
    /// Starts a payment for an unpaid order, for its whole total; refuses any other order.
    func createPayment(orderId: String, provider: String, now: Date) async throws -> Payment
    func payment(id: String) async throws -> Payment?
    func payments(orderId: String) async throws -> [Payment]
    /// Applies a verified notice once: pays the order, marks the payment failed, or records a
    /// late payment as refunded. A notice id seen before changes nothing and answers `.duplicate`.
    func apply(_ notice: PaymentNotice, provider: String, now: Date) async throws -> (outcome: PaymentOutcome, payment: Payment)
}
