import Logging
import MilletCore
import ServiceLifecycle

/// Cancels unpaid orders once their payment deadline passes and returns their stock, checking
/// every second. Tests call ``OrderRepository/expireOverdue(now:)`` with a test clock instead.
public struct PaymentDeadlineService: Service {
    let orders: any OrderRepository
    let clock: any MilletClock
    let logger: Logger

    public init(orders: any OrderRepository, clock: any MilletClock, logger: Logger) {
        self.orders = orders
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let expired = try await orders.expireOverdue(now: clock.now())
                    if !expired.isEmpty { logger.info("cancelled unpaid orders", metadata: ["count": "\(expired.count)"]) }
                } catch {
                    logger.error("payment deadline sweep failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
