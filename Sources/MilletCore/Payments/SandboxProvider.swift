import Foundation

/// Millet's built-in payment provider for demos and tests: a pay page inside Millet that, when the
/// fan presses Pay, sends a webhook signed exactly as a real provider would.
public struct SandboxPaymentProvider: PaymentProvider {
    public let name = "sandbox"
    public let signature: WebhookSignature

    /// Where the sandbox keeps the refunds it was asked for, as a real provider's books would.
    public let ledger: any SandboxLedger
    private let clock: any MilletClock

    public init(secret: String, ledger: any SandboxLedger, clock: any MilletClock) {
        self.signature = WebhookSignature(secret: secret)
        self.ledger = ledger
        self.clock = clock
    }

    public func payURL(for payment: Payment) -> String {
        "/pay/sandbox/\(payment.id)"
    }

    public func verifyWebhook(signature header: String?, body: [UInt8], now: Date) throws -> PaymentNotice {
        try signature.verify(header: header, body: body, now: now)
        do {
            return try JSONDecoder().decode(PaymentNotice.self, from: Data(body))
        } catch {
            throw DomainError.invalid(field: "body", "not a payment notice")
        }
    }

    /// Records the refund in the sandbox's books, once per idempotency key; declines one that
    /// would return more than the payment's amount.
    public func refund(_ request: RefundRequest) async throws -> String {
        try await ledger.record(request, now: clock.now()).reference
    }

    /// Captures a payment the sandbox authorized, once per idempotency key; declines one it
    /// holds no authorization for, one whose authorization the fan set to be declined, or
    /// another amount.
    public func capture(_ request: CaptureRequest) async throws -> String {
        try await ledger.capture(request, now: clock.now())
    }

    /// What the fan chose on the sandbox's pay page.
    public enum Choice: String, Sendable {
        /// Authorize; the capture succeeds.
        case pay
        /// Authorize; the capture is declined (as a card whose hold lapsed would be).
        case declineCapture = "decline_capture"
        /// The payment fails at once.
        case fail
    }

    /// Records the fan's choice in the sandbox's books and answers the signed webhook the sandbox
    /// sends for it: `payment.authorized`, or `payment.failed`.
    public func choose(_ choice: Choice, for payment: Payment) async throws -> (body: [UInt8], signature: String) {
        let now = clock.now()
        if choice != .fail { try await ledger.authorize(payment, capturable: choice == .pay, now: now) }
        return notice(for: payment, kind: choice == .fail ? .failed : .authorized, now: now)
    }

    /// The signed webhook the sandbox sends about `payment`.
    public func notice(for payment: Payment, kind: PaymentNotice.Kind, now: Date) -> (body: [UInt8], signature: String) {
        let notice = PaymentNotice(
            eventId: "evt_" + Identifier.make(), kind: kind,
            paymentId: payment.id, amount: payment.amount, currency: payment.currency)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = Array((try? encoder.encode(notice)) ?? Data())
        return (body, signature.sign(body: body, timestamp: now))
    }
}
