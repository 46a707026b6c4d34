/// Where an order is in its life.
public enum OrderStatus: String, Codable, Sendable, CaseIterable {
    case pendingPayment = "pending_payment"
    case paid, shipped, delivered, completed, cancelled, refunded

    /// No transition leaves a terminal status.
    public var isTerminal: Bool { self == .completed || self == .cancelled || self == .refunded }
}

/// Something that happens to an order.
public enum OrderEvent: String, Codable, Sendable, CaseIterable {
    /// The payment provider confirmed the full amount.
    case pay
    /// Staff handed the parcel to the carrier.
    case ship
    /// The carrier delivered it.
    case deliver
    /// The return window closed without a return.
    case complete
    /// The customer or staff cancelled before shipping.
    case cancel
    /// The payment deadline passed with no payment.
    case expire
    /// Staff refunded a paid order.
    case refund
}

/// What the caller must do to stock and money when a transition happens.
public struct OrderEffect: Equatable, Sendable {
    public enum Stock: Equatable, Sendable {
        case none
        /// Held units go back to available.
        case releaseHolds
        /// Held units become sold.
        case commitHolds
        /// Sold units that never left the warehouse go back to available.
        case returnSold
    }

    public let stock: Stock
    /// The captured payment must be refunded.
    public let refundPayment: Bool

    public init(stock: Stock, refundPayment: Bool = false) {
        self.stock = stock
        self.refundPayment = refundPayment
    }
}

/// The order state machine. A plain value: ``apply(_:)`` moves it and returns the effect the
/// caller performs in the same transaction. Every transition not listed is refused.
///
/// ```swift
/// var lifecycle = OrderLifecycle(status: .pendingPayment)
/// let effect = try lifecycle.apply(.pay)   // effect.stock == .commitHolds
/// ```
public struct OrderLifecycle: Sendable, Equatable {
    public private(set) var status: OrderStatus

    public init(status: OrderStatus) {
        self.status = status
    }

    /// Moves to the next status, or throws `illegal_transition` and stays where it is.
    public mutating func apply(_ event: OrderEvent) throws -> OrderEffect {
        guard let (next, effect) = Self.transition(from: status, on: event) else {
            throw DomainError.conflict(
                code: "illegal_transition", message: "an order that is \(status.rawValue) cannot \(event.rawValue)")
        }
        status = next
        return effect
    }

    /// The transition table.
    static func transition(from status: OrderStatus, on event: OrderEvent) -> (OrderStatus, OrderEffect)? {
        switch (status, event) {
        case (.pendingPayment, .pay): (.paid, OrderEffect(stock: .commitHolds))
        case (.pendingPayment, .cancel), (.pendingPayment, .expire): (.cancelled, OrderEffect(stock: .releaseHolds))
        case (.paid, .cancel): (.cancelled, OrderEffect(stock: .returnSold, refundPayment: true))
        case (.paid, .refund): (.refunded, OrderEffect(stock: .returnSold, refundPayment: true))
        case (.paid, .ship): (.shipped, OrderEffect(stock: .none))
        case (.shipped, .deliver): (.delivered, OrderEffect(stock: .none))
        case (.delivered, .complete): (.completed, OrderEffect(stock: .none))
        // A delivered unit comes back through a return, not to the shelf; staff receive it as stock.
        case (.delivered, .refund): (.refunded, OrderEffect(stock: .none, refundPayment: true))
        default: nil
        }
    }

    /// Which events an order in `status` accepts; used to offer only valid buttons.
    public static func events(from status: OrderStatus) -> [OrderEvent] {
        OrderEvent.allCases.filter { transition(from: status, on: $0) != nil }
    }
}
