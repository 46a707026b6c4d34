import Foundation

/// Payments and provider notices inside a ``Transaction``.
public protocol PaymentLedger: Sendable {
    /// The payment; read it again after locking its order to decide on its status.
    func payment(id: String) async throws -> Payment?
    /// Every payment of an order, oldest first.
    func payments(orderId: String) async throws -> [Payment]
    /// Moves a payment to `status` (captured, failed, refunded).
    func setStatus(_ status: PaymentStatus, paymentId: String) async throws
    /// Claims a provider notice's id; `false` when it was claimed before (even concurrently).
    func claim(_ notice: PaymentNotice, provider: String, now: Date) async throws -> Bool
    /// Records what a claimed notice came to.
    func settle(noticeId: String, outcome: PaymentOutcome) async throws
    /// Moves a payment to `authorized` with its first capture try due at `at`.
    func authorize(paymentId: String, captureAt: Date) async throws
    /// Takes a due capture for one send: moves its next try to `until` unless another node took
    /// it first, or it was settled meanwhile (then `nil`).
    func leaseCapture(paymentId: String, dueAt: Date, until: Date) async throws -> PendingCapture?
    /// Stores a capture that must be tried again (its attempts, next try and error), or one that
    /// settled (`nextAttemptAt` nil, with the provider's reference when it was captured), if the
    /// sender still holds the lease ending at `leasedUntil`; `false` (nothing written) otherwise.
    func recordCapture(_ capture: PendingCapture, settled: Bool, reference: String?, leasedUntil: Date) async throws -> Bool
}

/// The refund outbox inside a ``Transaction``.
public protocol RefundLedger: Sendable {
    /// Writes a refund to the outbox.
    func insert(_ refund: Refund) async throws
    /// Every refund of an order, oldest first.
    func refunds(orderId: String) async throws -> [Refund]
    /// Stores a refund's new status, attempts and next try, if the sender still holds the lease
    /// that ends at `leasedUntil`; `false` (nothing written) when another sender took it over.
    func update(_ refund: Refund, leasedUntil: Date) async throws -> Bool
    /// Takes a due refund for one send: moves its next try to `until` unless another node took it
    /// first (then `nil`).
    func lease(refundId: String, dueAt: Date, until: Date) async throws -> Refund?
}

/// Reads of the refund outbox outside a transaction.
public protocol RefundRepository: Sendable {
    /// Requested refunds to `provider` whose next try is due, oldest first.
    func dueRefunds(provider: String, now: Date, limit: Int) async throws -> [Refund]
}
