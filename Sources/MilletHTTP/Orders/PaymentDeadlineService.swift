import Logging
import MilletCore
import ServiceLifecycle

/// Cancels unpaid orders once their payment deadline passes and returns their stock, checking
/// twice a second; a flash sale's units go straight back on sale. Tests call
/// ``OrderDesk/expireOverdue()`` with a test clock instead.
public struct PaymentDeadlineService: Service {
    let services: MilletServices
    let logger: Logger

    public init(services: MilletServices, logger: Logger) {
        self.services = services
        self.logger = logger
    }

    public func run() async throws {
        // Twice a second, so an unpaid flash-sale unit is back on sale within a second of its deadline.
        await repeatUntilShutdown(every: .milliseconds(500), logger: logger, failure: "payment deadline sweep failed") { [services, logger] _ in
            let expired = try await services.orderDesk.expireOverdue()
            if !expired.isEmpty { logger.info("cancelled unpaid orders", metadata: ["count": "\(expired.count)"]) }
        }
    }
}
