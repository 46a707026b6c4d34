import Foundation
import Hummingbird
import MilletCore

/// The sandbox provider's webhook. The body is read as exact bytes, because the signature covers them.
struct PaymentsController {
    let desk: OrderDesk
    let sandbox: SandboxPaymentProvider
    let clock: any MilletClock

    struct Receipt: ResponseEncodable {
        let outcome: String
        let paymentId: String
        let paymentStatus: String
    }

    /// A refund as the sandbox provider's books show it.
    struct SandboxRefundDTO: Codable, Sendable {
        let reference, idempotencyKey, paymentId: String
        let amount: MoneyDTO
        let createdAt: Date

        init(_ refund: SandboxRefund) {
            reference = refund.reference
            idempotencyKey = refund.idempotencyKey
            paymentId = refund.paymentId
            amount = MoneyDTO(amount: refund.amount, currency: refund.currency)
            createdAt = refund.createdAt
        }
    }

    struct SandboxRefunds: ResponseEncodable {
        let items: [SandboxRefundDTO]
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.post("payments/sandbox/webhook") { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return try await receive(signature: request.headers[.init("Millet-Signature")!], body: Array(buffer: body))
        }
        // The sandbox provider's dashboard: the refunds it was asked for, newest first.
        groups.staff.get("payments/sandbox/refunds") { request, context in
            var paymentId: String?
            if let raw = request.uri.queryParameters["paymentId"] {
                guard Identifier.isWellFormed(String(raw)) else { throw DomainError.invalid(field: "paymentId", "not a payment id") }
                paymentId = String(raw)
            }
            let refunds = try await sandbox.ledger.sandboxRefunds(paymentId: paymentId, limit: 100)
            return SandboxRefunds(items: refunds.map(SandboxRefundDTO.init))
        }
    }

    /// Verifies and applies a sandbox webhook; shared by the HTTP endpoint and the sandbox pay page.
    func receive(signature: String?, body: [UInt8]) async throws -> Receipt {
        let now = clock.now()
        let notice = try sandbox.verifyWebhook(signature: signature, body: body, now: now)
        let (outcome, payment) = try await desk.receive(notice, provider: sandbox.name)
        return Receipt(outcome: outcome.rawValue, paymentId: payment.id, paymentStatus: payment.status.rawValue)
    }
}
