import Logging
import MilletCore
import ServiceLifecycle

/// Works through the webhook outbox every second while the server runs, counting every attempt
/// in `millet_webhook_deliveries_total` by outcome. Tests call ``sweep()`` with a test clock.
public struct WebhookService: Service {
    let dispatcher: WebhookDispatcher
    let business: BusinessMetrics
    let logger: Logger

    public init(dispatcher: WebhookDispatcher, business: BusinessMetrics, logger: Logger) {
        self.dispatcher = dispatcher
        self.business = business
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(1), logger: logger, failure: "webhook outbox sweep failed") { _ in try await sweep() }
    }

    /// Sends every delivery that is due once; answers how many were delivered and how many failed.
    @discardableResult
    public func sweep() async throws -> (delivered: Int, failed: Int) {
        let (delivered, failed) = try await dispatcher.deliverDue()
        business.webhookDeliveries(delivered: delivered, failed: failed)
        if delivered + failed > 0 {
            logger.info("webhook deliveries", metadata: ["delivered": "\(delivered)", "failed": "\(failed)"])
        }
        return (delivered, failed)
    }
}
