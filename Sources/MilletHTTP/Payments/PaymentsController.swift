import Foundation
import Hummingbird
import MilletCore

/// The sandbox provider's webhook. The body is read as exact bytes, because the signature covers them.
struct PaymentsController {
    let services: MilletServices

    struct Receipt: ResponseEncodable {
        let outcome: String
        let paymentId: String
        let paymentStatus: String
    }

    func addRoutes(to group: RouterGroup<MilletRequestContext>) {
        group.post("payments/sandbox/webhook") { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return try await receive(signature: request.headers[.init("Millet-Signature")!], body: Array(buffer: body))
        }
    }

    /// Verifies and applies a sandbox webhook; shared by the HTTP endpoint and the sandbox pay page.
    func receive(signature: String?, body: [UInt8]) async throws -> Receipt {
        let now = services.clock.now()
        let notice = try services.sandbox.verifyWebhook(signature: signature, body: body, now: now)
        let (outcome, payment) = try await services.payments.apply(notice, provider: services.sandbox.name, now: now)
        if outcome == .refundedLate { try await services.sandbox.refund(payment) }
        return Receipt(outcome: outcome.rawValue, paymentId: payment.id, paymentStatus: payment.status.rawValue)
    }
}
