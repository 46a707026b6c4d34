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
}
