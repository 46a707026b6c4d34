import Logging
import MilletCore
import ServiceLifecycle

/// Tells the buyers of batches whose window passed without a slip or packing, every ten
/// minutes (``PreorderDesk/tellLateBatches()``). Tests call that with a test clock instead.
public struct PreorderService: Service {
    let desk: PreorderDesk
    let logger: Logger

    public init(desk: PreorderDesk, logger: Logger) {
        self.desk = desk
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(600), logger: logger, failure: "telling late batches failed") { [desk, logger] _ in
            for batch in try await desk.tellLateBatches() {
                logger.info("told the buyers of a late batch", metadata: ["batch": "\(batch.id)"])
            }
        }
    }
}
