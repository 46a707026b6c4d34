import Logging
import MilletCore
import ServiceLifecycle

/// Sends the payment outboxes to the provider every second: captures of authorized payments
/// (``CaptureSender``) and refunds (``RefundSender``). A send the provider did not answer waits
/// for its next try on the retry schedule.
public struct PaymentOutboxService: Service {
    let captures: CaptureSender
    let refunds: RefundSender
    let logger: Logger

    public init(captures: CaptureSender, refunds: RefundSender, logger: Logger) {
        self.captures = captures
        self.refunds = refunds
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(1), logger: logger, failure: "payment outbox sweep failed") { [captures, refunds, logger] _ in
            let captured = try await captures.sendDue()
            if captured > 0 { logger.info("captures settled", metadata: ["count": "\(captured)"]) }
            let refunded = try await refunds.sendDue()
            if refunded > 0 { logger.info("refunds settled", metadata: ["count": "\(refunded)"]) }
        }
    }
}
