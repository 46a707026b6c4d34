import Foundation

/// A service case's money: what it refunds and the deadline that refunds it anyway.
extension ServiceDesk {
    /// Refunds, once, every return whose goods are on their way or in and whose deadline passed,
    /// with a line in its history staff see in the queue; answers their ids.
    public func refundOverdue() async throws -> [String] {
        let now = clock.now()
        var refunded: [String] = []
        for id in try await cases.overdueReturnIds(now: now, limit: 100) {
            let done = try await store.transaction { tx -> Bool in
                // Read again under the locks: staff may have moved or cancelled it meanwhile.
                guard let found = try await tx.serviceCase(id: id), try await tx.order(id: found.orderId) != nil,
                      var serviceCase = try await tx.serviceCase(id: id), serviceCase.kind == .return, serviceCase.refundId == nil,
                      Self.handedOver.contains(serviceCase.status), serviceCase.deadline <= now
                else { return false }
                let paid = try await Self.refund(tx, &serviceCase, actor: "system:refund-deadline", now: now)
                try await tx.update(serviceCase, adding: CaseTransition(
                    from: serviceCase.status, to: serviceCase.status, event: "deadline_refund", actor: "system:refund-deadline",
                    note: paid ? "the refund deadline passed before the goods were through: refunded now; staff alerted"
                        : "the refund deadline passed: nothing was left to refund; staff alerted", at: now))
                try await Self.announce(tx, serviceCase, step: "deadline_refund", now: now)
                return true
            }
            if done { refunded.append(id) }
        }
        return refunded
    }

    /// The statuses in which the brand has the goods or they are on their way.
    static let handedOver: Set<CaseStatus> = [.droppedOff, .inTransit, .received, .inspected]

    /// The deposit order of the pre-order whose balance `orderId` is, locked (after the balance
    /// order, as closing a balance order locks them); `nil` for any other order.
    static func depositOrder(_ tx: any Transaction, ofBalance orderId: String) async throws -> String? {
        guard let preorder = try await tx.preorder(ofOrder: orderId), preorder.balanceOrderId == orderId,
              try await tx.order(id: preorder.depositOrderId) != nil else { return nil }
        return preorder.depositOrderId
    }

    /// Writes the case's refund to the payments outbox: what the return is worth, or, for an
    /// exchange ending in a refund, what its unit was sold for; never more than is left. Answers
    /// whether anything was left to refund.
    @discardableResult
    static func refund(_ tx: any Transaction, _ serviceCase: inout ServiceCase, actor: String, now: Date) async throws -> Bool {
        var amount = serviceCase.refundAmount
        if serviceCase.kind != .return, let order = try await tx.order(id: serviceCase.orderId) {
            amount = serviceCase.lines.reduce(0) { sum, line in sum + (order.lines.first { $0.skuId == line.skuId }?.unitPrice ?? 0) * Int64(line.quantity) }
        }
        let reason = "service case \(serviceCase.id.prefix(8)): \(serviceCase.ruleCode)"
        var written = try await OrderDesk.refund(tx, orderId: serviceCase.orderId, upTo: amount, reason: reason, actor: actor, now: now)
        // A built-to-order unit was paid in two orders: its deposit comes back with its balance.
        if let depositOrderId = try await Self.depositOrder(tx, ofBalance: serviceCase.orderId) {
            written += try await OrderDesk.refund(tx, orderId: depositOrderId, upTo: .max, reason: reason + " (the pre-order's deposit)",
                                                  actor: actor, now: now)
        }
        serviceCase.refundId = written.first?.id
        return !written.isEmpty
    }
}
