import Foundation

/// Sends the refund outbox to the payment provider: every requested refund that is due, with its
/// id as the provider's idempotency key, retried on ``RefundRetryPolicy``'s schedule. Each send
/// ends in one transaction that stores the refund's new state and a line on its order's timeline
/// when it settles. Several nodes may run it: a refund is leased to one sender at a time.
public struct RefundSender: Sendable {
    private let store: any UnitOfWork
    private let refunds: any RefundRepository
    private let provider: any PaymentProvider
    private let clock: any MilletClock
    private let policy: RefundRetryPolicy
    /// How long a node has to finish one send before another node may try the refund again.
    public static let lease: TimeInterval = 60

    public init(
        store: any UnitOfWork, refunds: any RefundRepository, provider: any PaymentProvider, clock: any MilletClock,
        policy: RefundRetryPolicy = RefundRetryPolicy()
    ) {
        self.store = store
        self.refunds = refunds
        self.provider = provider
        self.clock = clock
        self.policy = policy
    }

    /// Sends every due refund once; answers how many settled (succeeded or failed for good).
    @discardableResult
    public func sendDue(limit: Int = 100) async throws -> Int {
        var settled = 0
        for due in try await refunds.dueRefunds(now: clock.now(), limit: limit) where due.provider == provider.name {
            let now = clock.now()
            guard let dueAt = due.nextAttemptAt,
                  var refund = try await store.transaction({ tx in
                      try await tx.lease(refundId: due.id, dueAt: dueAt, until: now.addingTimeInterval(Self.lease))
                  })
            else { continue }
            let attempt: Refund.Attempt
            do {
                attempt = .succeeded(reference: try await provider.refund(RefundRequest(refund)))
            } catch let declined as RefundDeclined {
                attempt = .declined(reason: declined.reason)
            } catch {
                attempt = .failed(error: String(describing: error))
            }
            let finished = clock.now()
            refund.record(attempt, now: finished, policy: policy)
            try await store.transaction { [refund] tx in
                try await tx.update(refund)
                let money = Money(minorUnits: refund.amount, currency: refund.currency).plain
                switch refund.status {
                case .requested: break
                case .succeeded:
                    try await tx.note(
                        orderId: refund.orderId, actor: "provider:\(refund.provider)",
                        note: "refund of \(money) succeeded (\(refund.providerReference ?? ""))", at: finished)
                case .failed:
                    try await tx.note(
                        orderId: refund.orderId, actor: "provider:\(refund.provider)",
                        note: "refund of \(money) failed: \(refund.lastError ?? "")", at: finished)
                    // The money did not go back: the payment can be refunded again.
                    try await tx.setStatus(.captured, paymentId: refund.paymentId)
                }
            }
            if refund.status != .requested { settled += 1 }
        }
        return settled
    }
}
