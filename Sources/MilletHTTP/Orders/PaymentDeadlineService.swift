import Logging
import MilletCore
import ServiceLifecycle

/// Cancels unpaid orders once their payment deadline passes and returns their stock, checking
/// twice a second; a flash sale's units go straight back on sale. Tests call
/// ``OrderDesk/expireOverdue()`` with a test clock instead.
public struct PaymentDeadlineService: Service {
    let desk: OrderDesk
    let logger: Logger

    public init(desk: OrderDesk, logger: Logger) {
        self.desk = desk
        self.logger = logger
    }

    public func run() async throws {
        // Twice a second, so an unpaid flash-sale unit is back on sale within a second of its deadline.
        await repeatUntilShutdown(every: .milliseconds(500), logger: logger, failure: "payment deadline sweep failed") { [desk, logger] _ in
            let expired = try await desk.expireOverdue()
            if !expired.isEmpty { logger.info("cancelled unpaid orders", metadata: ["count": "\(expired.count)"]) }
        }
    }
}
