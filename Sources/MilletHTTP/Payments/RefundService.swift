import Logging
import MilletCore
import ServiceLifecycle

/// Sends the refund outbox to the payment provider every second (``RefundSender``); a refund
/// that fails waits for its next try on the retry schedule.
public struct RefundService: Service {
    let sender: RefundSender
    let logger: Logger

    public init(sender: RefundSender, logger: Logger) {
        self.sender = sender
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(1), logger: logger, failure: "refund outbox sweep failed") { [sender, logger] _ in
            let settled = try await sender.sendDue()
            if settled > 0 { logger.info("refunds settled", metadata: ["count": "\(settled)"]) }
        }
    }
}
