import Logging
import MilletCore
import ServiceLifecycle

/// Works through the webhook outbox every second while the server runs. Tests call
/// ``WebhookDispatcher/deliverDue(limit:)`` with a test clock instead.
public struct WebhookService: Service {
    let dispatcher: WebhookDispatcher
    let logger: Logger

    public init(dispatcher: WebhookDispatcher, logger: Logger) {
        self.dispatcher = dispatcher
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(1), logger: logger, failure: "webhook outbox sweep failed") { [dispatcher, logger] _ in
            let (delivered, failed) = try await dispatcher.deliverDue()
            if delivered + failed > 0 {
                logger.info("webhook deliveries", metadata: ["delivered": "\(delivered)", "failed": "\(failed)"])
            }
        }
    }
}
