import Logging
import MilletCore
import ServiceLifecycle

/// Refunds every return whose goods are on their way or in once its market's refund deadline
/// passes, checking every ten seconds, and logs a warning staff alerting picks up; the case shows
/// the late refund in the staff queue. Tests call ``ServiceDesk/refundOverdue()`` with a test clock.
public struct ServiceDeadlineService: Service {
    let desk: ServiceDesk
    let logger: Logger

    public init(desk: ServiceDesk, logger: Logger) {
        self.desk = desk
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(10), logger: logger, failure: "service deadline sweep failed") { [desk, logger] _ in
            let refunded = try await desk.refundOverdue()
            if !refunded.isEmpty { logger.warning("returns refunded on their deadline", metadata: ["cases": "\(refunded.joined(separator: ","))"]) }
        }
    }
}
