import Foundation

/// Where a payment is in its life.
public enum PaymentStatus: String, Codable, Sendable {
    /// Created; the fan has not paid yet.
    case pending
    /// The provider holds the fan's money; Millet still has to capture it (the capture outbox,
    /// sent by ``CaptureSender``). The order's payment deadline no longer runs.
    case authorized
    /// The provider confirmed the money.
    case captured
    /// The provider said the payment failed; the fan may try again.
    case failed
    /// Money was returned: a cancelled or refunded order, or a payment that came too late.
    case refunded
    /// Authorized, then released uncaptured: its order was closed before the capture was sent,
    /// or the authorization came after the deadline. No money moved.
    case voided
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
        /// The provider took the money at once (one-step providers).
        case succeeded = "payment.succeeded"
        /// The provider holds the money until Millet captures it (two-step providers, the sandbox).
        case authorized = "payment.authorized"
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
    /// The provider holds the money; the order is paid once the capture succeeds.
    case captureScheduled = "capture_scheduled"
    /// An authorization for an order that was closed meanwhile: released, never captured.
    case voided
}

/// A payment provider: tells where the fan pays, reports what happened by signed webhooks, and
/// captures and refunds money when Millet's outboxes ask.
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
    /// Takes the money of an authorized payment and answers the provider's reference for the
    /// capture. The same `idempotencyKey` is captured once. Throws ``CaptureDeclined`` when no
    /// retry can succeed (the authorization lapsed or was refused); any other error is retried.
    func capture(_ request: CaptureRequest) async throws -> String
}
