import Foundation

/// An order's rows inside a ``Transaction``.
public protocol OrderLedger: Sendable {
    /// The order with its lines, timeline and refunds.
    func order(id: String) async throws -> Order?
    /// Moves the order through ``OrderLifecycle`` and performs the stock side of the effect (a
    /// flash sale's unit goes back to the sale's pool while it is open), recording the transition
    /// with `actor`. Throws `not_found` or `illegal_transition` and changes nothing otherwise.
    /// The payment side of the effect is the caller's (see ``OrderDesk``).
    func apply(_ event: OrderEvent, orderId: String, actor: String, note: String, now: Date) async throws -> OrderEffect
    /// Stores a new order as ``OrderRepository/place(_:clearingCart:)`` does, inside the caller's
    /// transaction (a repair's quote); the same idempotency key answers the order placed before.
    func place(_ draft: OrderDraft) async throws -> Order
    /// A line on the order's timeline that does not change its status (a refund, a late payment).
    func note(orderId: String, actor: String, note: String, at: Date) async throws
    /// The sale and buyer of an order bought in a flash sale.
    func saleRelease(orderId: String) async throws -> SaleRelease?
}

/// Which serials went out in which order, inside a ``Transaction``.
public protocol SerialLedger: Sendable {
    /// The order a serial was shipped in, if any.
    func saleOrder(serial: String) async throws -> String?
    /// Records that these units (of `skuId` when the parcel holds one SKU) left in the order; a
    /// serial already shipped in another order throws `conflict(serial_sold)`.
    func recordSale(serials: [String], orderId: String, accountId: String, skuId: String?, at: Date) async throws
}

/// Told when an order no longer holds a flash-sale unit, after the transaction that freed it
/// commits, so the unit is on sale again at once and its buyer may buy again.
public protocol SaleUnitReturns: Sendable {
    /// The buyer's order no longer holds its unit of the sale.
    func released(_ release: SaleRelease) async
}
