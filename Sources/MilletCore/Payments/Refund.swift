import Foundation

/// Where a refund is on its way to the payment provider.
public enum RefundStatus: String, Codable, Sendable, CaseIterable {
    /// Written with the order change; waiting in the outbox for the provider.
    case requested
    /// The provider confirmed the money is on its way back to the fan.
    case succeeded
    /// The provider refused it for good; the amount may be refunded again.
    case failed
}

/// Money going back to a fan for one payment: written in the transaction that decided it (a
/// cancel, a refund, a payment that came too late) and sent to the provider by ``RefundSender``
/// with the refund's id as the provider's idempotency key, so a retry never pays twice.
public struct Refund: Hashable, Sendable, Codable {
    /// Also the idempotency key the provider is sent.
    public let id: String
    /// The order the money was paid for.
    public let orderId: String
    /// The captured payment the money goes back from.
    public let paymentId: String
    /// The payment's provider, which is sent the refund (`sandbox`).
    public let provider: String
    /// Minor units of ``currency``.
    public let amount: Int64
    /// The payment's ISO 4217 currency.
    public let currency: String
    /// Where the refund is on its way to the provider.
    public var status: RefundStatus
    /// Why, as staff or the system wrote it; shown on the order.
    public let reason: String
    /// Who asked: `staff:<id>`, `account:<id>`, `provider:sandbox`, `system:payment-deadline`.
    public let actor: String
    /// Sends tried so far.
    public var attempts: Int
    /// When the sender tries next; `nil` once it settled.
    public var nextAttemptAt: Date?
    /// The provider's own id for the refund, once it succeeded.
    public var providerReference: String?
    /// What the provider or the network said last time it did not succeed.
    public var lastError: String?
    /// When it was requested.
    public let createdAt: Date
    /// When the provider took or refused it.
    public var settledAt: Date?

    public init(
        id: String, orderId: String, paymentId: String, provider: String, amount: Int64, currency: String,
        status: RefundStatus, reason: String, actor: String, attempts: Int = 0, nextAttemptAt: Date?,
        providerReference: String? = nil, lastError: String? = nil, createdAt: Date, settledAt: Date? = nil
    ) {
        self.id = id
        self.orderId = orderId
        self.paymentId = paymentId
        self.provider = provider
        self.amount = amount
        self.currency = currency
        self.status = status
        self.reason = reason
        self.actor = actor
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.providerReference = providerReference
        self.lastError = lastError
        self.createdAt = createdAt
        self.settledAt = settledAt
    }

    /// A new refund of `amount` of a captured payment, due at once.
    public static func requested(of payment: Payment, amount: Int64, reason: String, actor: String, now: Date) -> Refund {
        Refund(
            id: Identifier.make(), orderId: payment.orderId, paymentId: payment.id, provider: payment.provider, amount: amount,
            currency: payment.currency, status: .requested, reason: reason, actor: actor, nextAttemptAt: now, createdAt: now)
    }

    /// What one send to the provider came to.
    public enum Attempt: Sendable, Equatable {
        /// The provider took it; its reference for the refund.
        case succeeded(reference: String)
        /// The provider refused it for good (more than was captured, an unknown payment).
        case declined(reason: String)
        /// The provider or the network failed; worth trying again.
        case failed(error: String)
    }

    /// Records a send: settles the refund, or schedules the next try after `policy`'s delay. A
    /// refund whose sends keep failing stays `requested` and is tried again at the longest delay:
    /// the provider may have made it already (a timeout after it did), so only the provider's own
    /// refusal frees its amount to be refunded under another key. Only a `requested` refund moves.
    public mutating func record(_ attempt: Attempt, now: Date, policy: RefundRetryPolicy) {
        guard status == .requested else { return }
        attempts += 1
        switch attempt {
        case .succeeded(let reference):
            status = .succeeded
            providerReference = reference
            lastError = nil
        case .declined(let reason):
            status = .failed
            lastError = reason
        case .failed(let error):
            lastError = error
            nextAttemptAt = now.addingTimeInterval(policy.delay(afterAttempt: attempts))
            return
        }
        nextAttemptAt = nil
        settledAt = now
    }
}

/// How long the refund and capture outboxes wait before trying a send the provider did not answer.
public struct RefundRetryPolicy: Sendable {
    /// The wait after the first, second, ... failed try; the last one repeats from then on.
    public let delays: [TimeInterval]

    /// 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then every 8 h until the provider answers.
    public init(delays: [TimeInterval] = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800]) {
        precondition(!delays.isEmpty, "a retry policy needs at least one delay")
        self.delays = delays
    }

    /// The wait after try number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        delays[min(max(attempt, 1), delays.count) - 1]
    }
}

/// What a provider is asked to refund.
public struct RefundRequest: Sendable, Equatable {
    /// The refund's id: the provider answers the same refund again for the same key.
    public let idempotencyKey: String
    /// The provider's payment the money goes back from.
    public let paymentId: String
    /// Minor units of ``currency``.
    public let amount: Int64
    /// ISO 4217 code.
    public let currency: String

    public init(_ refund: Refund) {
        self.idempotencyKey = refund.id
        self.paymentId = refund.paymentId
        self.amount = refund.amount
        self.currency = refund.currency
    }
}

/// A provider's refusal of a refund that no retry can change.
public struct RefundDeclined: Error, Sendable, Equatable {
    /// The provider's words, kept on the refund.
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }
}
