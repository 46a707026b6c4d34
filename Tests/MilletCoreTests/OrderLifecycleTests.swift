import Foundation
import Testing
@testable import MilletCore

@Suite struct OrderLifecycleTests {
    /// Every legal transition and its effect; everything else must be refused.
    static let legal: [OrderStatus: [OrderEvent: (OrderStatus, OrderEffect)]] = [
        .pendingPayment: [
            .pay: (.paid, OrderEffect(stock: .commitHolds)),
            .cancel: (.cancelled, OrderEffect(stock: .releaseHolds)),
            .expire: (.cancelled, OrderEffect(stock: .releaseHolds)),
        ],
        .paid: [
            .ship: (.shipped, OrderEffect(stock: .none)),
            .cancel: (.cancelled, OrderEffect(stock: .returnSold, refundPayment: true)),
            .refund: (.refunded, OrderEffect(stock: .returnSold, refundPayment: true)),
        ],
        .shipped: [.deliver: (.delivered, OrderEffect(stock: .none))],
        .delivered: [
            .complete: (.completed, OrderEffect(stock: .none)),
            .refund: (.refunded, OrderEffect(stock: .none, refundPayment: true)),
        ],
    ]

    @Test(arguments: OrderStatus.allCases)
    func everyEventFromEveryStatus(status: OrderStatus) throws {
        for event in OrderEvent.allCases {
            var lifecycle = OrderLifecycle(status: status)
            if let (next, effect) = Self.legal[status]?[event] {
                #expect(try lifecycle.apply(event) == effect)
                #expect(lifecycle.status == next)
            } else {
                #expect(throws: DomainError.self) { try lifecycle.apply(event) }
                #expect(lifecycle.status == status, "a refused event must not move the order")
            }
        }
    }

    @Test func terminalStatusesAcceptNothing() {
        for status in OrderStatus.allCases where status.isTerminal {
            #expect(OrderLifecycle.events(from: status).isEmpty)
        }
    }

    @Test func aRefundWhoseSendsFailKeepsTryingAndOnlyARefusalFreesItsAmount() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let payment = Payment(id: "p", orderId: "o", provider: "sandbox", amount: 1_000, currency: "INR", status: .captured, createdAt: now)
        var refund = Refund.requested(of: payment, amount: 400, reason: "dent", actor: "staff:x", now: now)
        let policy = RefundRetryPolicy(delays: [5, 30])
        for (attempt, wait) in [(1, 5.0), (2, 30.0), (3, 30.0), (4, 30.0)] {
            refund.record(.failed(error: "timeout"), now: now, policy: policy)
            #expect(refund.attempts == attempt && refund.status == .requested && refund.nextAttemptAt == now.addingTimeInterval(wait))
        }
        var declined = refund
        declined.record(.declined(reason: "more than the payment's amount"), now: now, policy: policy)
        #expect(declined.status == .failed && declined.nextAttemptAt == nil && declined.settledAt == now)
        refund.record(.succeeded(reference: "re_1"), now: now, policy: policy)
        #expect(refund.status == .succeeded && refund.providerReference == "re_1" && refund.lastError == nil)
        refund.record(.failed(error: "late"), now: now, policy: policy)
        #expect(refund.status == .succeeded && refund.attempts == 5)
    }
}
