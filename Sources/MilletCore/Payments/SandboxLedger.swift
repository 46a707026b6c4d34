import Foundation

/// A refund as the sandbox provider recorded it.
public struct SandboxRefund: Hashable, Sendable, Codable {
    /// The provider's reference, `re_…`.
    public let reference: String
    /// The merchant's idempotency key (Millet's refund id).
    public let idempotencyKey: String
    /// The payment refunded from.
    public let paymentId: String
    /// Minor units of ``currency``.
    public let amount: Int64
    /// ISO 4217 code.
    public let currency: String
    /// When the sandbox recorded it.
    public let createdAt: Date

    public init(reference: String, idempotencyKey: String, paymentId: String, amount: Int64, currency: String, createdAt: Date) {
        self.reference = reference
        self.idempotencyKey = idempotencyKey
        self.paymentId = paymentId
        self.amount = amount
        self.currency = currency
        self.createdAt = createdAt
    }
}

/// The sandbox provider's own books: the authorizations the fan gave on its pay page, the
/// captures and the refunds it was asked for.
public protocol SandboxLedger: Sendable {
    /// Holds a payment's amount for capture; `capturable: false` makes the capture be declined.
    func authorize(_ payment: Payment, capturable: Bool, now: Date) async throws
    /// Captures an authorized payment once per idempotency key (a repeat answers the first
    /// reference). Throws ``CaptureDeclined`` for no authorization, one set to be declined, or
    /// another amount or currency.
    func capture(_ request: CaptureRequest, now: Date) async throws -> String
    /// Records a refund once per idempotency key (a repeat answers the first record). Throws
    /// ``RefundDeclined`` for an unknown payment, another currency, or more than the payment's
    /// amount in all.
    func record(_ request: RefundRequest, now: Date) async throws -> SandboxRefund
    /// Refunds recorded, newest first; of one payment when given.
    func sandboxRefunds(paymentId: String?, limit: Int) async throws -> [SandboxRefund]
}
