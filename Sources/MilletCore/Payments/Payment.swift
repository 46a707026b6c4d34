import Foundation

/// Where a payment is in its life.
public enum PaymentStatus: String, Codable, Sendable {
    /// Created; the fan has not paid yet.
    case pending
    /// The provider confirmed the money.
    case captured
    /// The provider said the payment failed; the fan may try again.
    case failed
    /// Money was returned: a cancelled or refunded order, or a payment that came too late.
    case refunded
}

/// One attempt to pay for one order through one provider.
public struct Payment: Hashable, Sendable, Codable {
    public let id: String
    public let orderId: String
    public let provider: String
    public let amount: Int64
    public let currency: String
    public var status: PaymentStatus
    public let createdAt: Date

    public init(id: String, orderId: String, provider: String, amount: Int64, currency: String, status: PaymentStatus, createdAt: Date) {
        self.id = id
        self.orderId = orderId
        self.provider = provider
        self.amount = amount
        self.currency = currency
        self.status = status
        self.createdAt = createdAt
    }
}

/// What a provider's webhook reports about a payment.
public struct PaymentNotice: Hashable, Sendable, Codable {
    public enum Kind: String, Codable, Sendable {
        case succeeded = "payment.succeeded"
        case failed = "payment.failed"
    }

    /// The provider's unique id for this notice; the same id is applied once.
    public let eventId: String
    public let kind: Kind
    public let paymentId: String
    public let amount: Int64
    public let currency: String

    public init(eventId: String, kind: Kind, paymentId: String, amount: Int64, currency: String) {
        self.eventId = eventId
        self.kind = kind
        self.paymentId = paymentId
        self.amount = amount
        self.currency = currency
    }
}

/// What applying a notice did, for the provider's answer and the logs.
public enum PaymentOutcome: String, Codable, Sendable {
    /// The order is now paid.
    case orderPaid = "order_paid"
    /// The payment failed; the order still waits for payment.
    case paymentFailed = "payment_failed"
    /// The order had been cancelled (or its deadline had passed): the money was refunded.
    case refundedLate = "refunded_late"
    /// The same notice arrived before and was applied then.
    case duplicate
}

/// A payment provider: creates a payment for an order and tells where the fan pays.
/// The live implementations talk to a bank; the built-in `sandbox` is Millet's own pay page.
public protocol PaymentProvider: Sendable {
    /// The provider's name as stored on payments, for example `sandbox`.
    var name: String { get }
    /// Where to send the fan to pay.
    func payURL(for payment: Payment) -> String
    /// Checks a webhook's signature header against its exact body bytes and returns what it reports.
    func verifyWebhook(signature: String?, body: [UInt8], now: Date) throws -> PaymentNotice
    /// Asks the provider to return money of a captured payment and answers the provider's
    /// reference for the refund. The same `idempotencyKey` is refunded once, however often it is
    /// sent. Throws ``RefundDeclined`` when no retry can succeed; any other error is retried.
    func refund(_ request: RefundRequest) async throws -> String
}
