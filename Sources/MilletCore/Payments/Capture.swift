import Foundation

/// An authorized payment Millet still has to capture. The capture outbox is the payment row
/// itself: its status is `authorized` and it carries the attempts and the next try.
public struct PendingCapture: Hashable, Sendable {
    public let paymentId: String
    public let orderId: String
    public let provider: String
    /// Minor units of ``currency``.
    public let amount: Int64
    public let currency: String
    /// Sends tried so far.
    public var attempts: Int
    /// When the next send is due; while a sender holds it, the end of its lease.
    public var nextAttemptAt: Date
    /// Why the last send did not settle.
    public var lastError: String?

    public init(
        paymentId: String, orderId: String, provider: String, amount: Int64, currency: String, attempts: Int, nextAttemptAt: Date,
        lastError: String? = nil
    ) {
        self.paymentId = paymentId
        self.orderId = orderId
        self.provider = provider
        self.amount = amount
        self.currency = currency
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// What Millet sends a provider to capture an authorized payment; the payment id is the
/// idempotency key, since a payment is captured once.
public struct CaptureRequest: Sendable, Equatable {
    public let idempotencyKey: String
    public let paymentId: String
    public let amount: Int64
    public let currency: String

    public init(_ capture: PendingCapture) {
        self.idempotencyKey = capture.paymentId
        self.paymentId = capture.paymentId
        self.amount = capture.amount
        self.currency = capture.currency
    }
}

/// The provider refused a capture for good (no authorization, lapsed, another amount).
public struct CaptureDeclined: Error, Sendable, Equatable {
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// How one capture send ended, as the order desk settles it.
public enum CaptureAnswer: Sendable, Equatable {
    /// Captured; the provider's reference.
    case captured(reference: String)
    /// Refused for good: the payment failed and the fan may pay again before the deadline.
    case declined(reason: String)
}

/// Reads of the capture outbox outside a transaction.
public protocol CaptureRepository: Sendable {
    /// Authorized payments at `provider` whose next capture try is due, oldest first.
    func dueCaptures(provider: String, now: Date, limit: Int) async throws -> [PendingCapture]
}
