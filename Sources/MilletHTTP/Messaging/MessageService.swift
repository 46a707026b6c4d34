import Logging
import MilletCore
import ServiceLifecycle

/// Sends the notice outbox every second (``MessageCourier``): order, sale, release and account
/// messages by email and SMS, each retried on its schedule until it is sent or has failed for good.
public struct MessageService: Service {
    let courier: MessageCourier
    let logger: Logger

    public init(courier: MessageCourier, logger: Logger) {
        self.courier = courier
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(1), logger: logger, failure: "message outbox sweep failed") { [courier, logger] _ in
            let settled = try await courier.sendDue()
            if settled > 0 { logger.debug("messages settled", metadata: ["count": "\(settled)"]) }
        }
    }
}
