import Foundation

/// Millet's built-in payment provider for demos and tests: a pay page inside Millet that, when the
/// fan presses Pay, sends a webhook signed exactly as a real provider would.
public struct SandboxPaymentProvider: PaymentProvider {
    public let name = "sandbox"
    public let signature: WebhookSignature

    public init(secret: String) {
        self.signature = WebhookSignature(secret: secret)
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

    /// The sandbox holds no real money: a refund is recorded by the caller and needs no call out.
    public func refund(_ payment: Payment) async throws {}

    /// The signed webhook the sandbox sends when the fan presses Pay or Fail on its page.
    public func notice(for payment: Payment, succeeded: Bool, now: Date) -> (body: [UInt8], signature: String) {
        let notice = PaymentNotice(
            eventId: "evt_" + Identifier.make(), kind: succeeded ? .succeeded : .failed,
            paymentId: payment.id, amount: payment.amount, currency: payment.currency)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = Array((try? encoder.encode(notice)) ?? Data())
        return (body, signature.sign(body: body, timestamp: now))
    }
}
