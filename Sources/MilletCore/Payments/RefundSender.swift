import Foundation

/// Sends the refund outbox to the payment provider: every requested refund that is due, with its
/// id as the provider's idempotency key, retried on ``RefundRetryPolicy``'s schedule. Each send
/// ends in one transaction that stores the refund's new state and a line on its order's timeline
/// when it settles, and the credit note of one that succeeded. Several nodes may run it: a refund is leased to one sender at a time, and a
/// sender whose lease ran out before the provider answered writes nothing (the node that took the
/// refund over sends it again with the same key, and its answer stands).
public struct RefundSender: Sendable {
    private let store: any UnitOfWork
    private let refunds: any RefundRepository
    private let provider: any PaymentProvider
    private let invoices: InvoiceIssuer
    private let clock: any MilletClock
    private let policy: RefundRetryPolicy
    /// How long a node has to finish one send before another node may try the refund again.
    public static let lease: TimeInterval = 60

    public init(
        store: any UnitOfWork, refunds: any RefundRepository, provider: any PaymentProvider, invoices: InvoiceIssuer,
        clock: any MilletClock, policy: RefundRetryPolicy = RefundRetryPolicy()
    ) {
        self.invoices = invoices
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
        for due in try await refunds.dueRefunds(provider: provider.name, now: clock.now(), limit: limit) {
            let now = clock.now()
            let leasedUntil = now.addingTimeInterval(Self.lease)
            guard let dueAt = due.nextAttemptAt,
                  var refund = try await store.transaction({ tx in
                      try await tx.lease(refundId: due.id, dueAt: dueAt, until: leasedUntil)
                  })
            else { continue }
            let attempt: Refund.Attempt
            do {
                attempt = .succeeded(reference: try await provider.refund(RefundRequest(refund)))
            } catch let declined as RefundDeclined {
                attempt = .declined(reason: declined.reason)
            } catch {
                attempt = .failed(error: "the provider did not answer (\(type(of: error)))")
            }
            let finished = clock.now()
            refund.record(attempt, now: finished, policy: policy)
            let recorded = try await store.transaction { [refund] tx -> Bool in
                // The order first, as every use case that changes its payments or refunds does.
                let order = try await tx.order(id: refund.orderId)
                guard try await tx.update(refund, leasedUntil: leasedUntil) else { return false }
                let money = Money(minorUnits: refund.amount, currency: refund.currency).plain
                switch refund.status {
                case .requested: break
                case .succeeded:
                    try await tx.note(
                        orderId: refund.orderId, actor: "provider:\(refund.provider)",
                        note: "refund of \(money) succeeded (\(refund.providerReference ?? ""))", at: finished)
                    try await invoices.issueCreditNote(tx, refund: refund, now: finished)
                    if let order {
                        try await tx.notify(Notice(
                            accountId: order.accountId, kind: .refundIssued, subjectId: refund.id, params: ["orderId": order.id], createdAt: finished))
                    }
                case .failed:
                    try await tx.note(
                        orderId: refund.orderId, actor: "provider:\(refund.provider)",
                        note: "refund of \(money) failed: \(refund.lastError ?? "")", at: finished)
                    // The provider refused: the money is still captured and can be refunded again.
                    try await tx.setStatus(.captured, paymentId: refund.paymentId)
                }
                return true
            }
            if recorded && refund.status != .requested { settled += 1 }
        }
        return settled
    }
}
