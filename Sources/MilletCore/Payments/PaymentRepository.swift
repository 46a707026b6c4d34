import Foundation

/// Stored payments. A provider's notice is applied by ``OrderDesk/receive(_:provider:)``.
public protocol PaymentRepository: Sendable {
    /// Starts a payment for an unpaid order, for its whole total; refuses any other order.
    func createPayment(orderId: String, provider: String, now: Date) async throws -> Payment
    func payment(id: String) async throws -> Payment?
    func payments(orderId: String) async throws -> [Payment]
}
