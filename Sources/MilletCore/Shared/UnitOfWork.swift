/// Runs one use case's reads and writes as one transaction, on whichever database is behind it.
///
/// A desk (``OrderDesk``, ``RefundSender``) takes a unit of work instead of repositories when a
/// use case writes more than one row: everything it does in `body` is committed together,
/// durably, before `transaction` returns, or nothing is.
///
/// ```swift
/// let order = try await store.transaction { tx in
///     let effect = try await tx.apply(.cancel, orderId: id, actor: actor, note: note, now: now)
///     if effect.refundPayment { try await tx.requestRefund(...) }
///     return try await tx.order(id: id)
/// }
/// ```
public protocol UnitOfWork: Sendable {
    /// Runs `body` in one transaction; a thrown error rolls all of it back.
    func transaction<R: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> R) async throws -> R
}

/// What a use case may read and write inside one transaction. Each feature that takes part in
/// use cases crossing features adds its ledger here.
public protocol Transaction: OrderLedger, PaymentLedger, RefundLedger, SerialLedger, ShipmentLedger, InvoiceLedger, NoticeLedger, AccountLedger, ServiceLedger, PreorderLedger, PartnerLedger {}
