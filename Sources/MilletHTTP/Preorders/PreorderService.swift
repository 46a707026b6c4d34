import Logging
import MilletCore
import ServiceLifecycle

/// Every minute: decides crowdfunded batches whose deadline passed (funded, or every backer
/// refunded: ``PreorderDesk/settleCampaigns()``), and tells the buyers of batches whose window
/// passed without a slip or packing (``PreorderDesk/tellLateBatches()``), and tells fans on a
/// waiting list when a batch with a place opens (``PreorderDesk/tellWaitlist()``). Tests call
/// those with a test clock instead.
public struct PreorderService: Service {
    let desk: PreorderDesk
    let logger: Logger

    public init(desk: PreorderDesk, logger: Logger) {
        self.desk = desk
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(60), logger: logger, failure: "pre-order sweep failed") { [desk, logger] _ in
            let (decided, failed) = try await desk.settleCampaigns()
            for batch in decided {
                logger.info("crowdfunding decided", metadata: ["batch": "\(batch.id)", "outcome": "\(batch.status == .failed ? "failed" : "funded")"])
            }
            for (batchId, error) in failed {
                logger.error("crowdfunding could not be decided; tried again in a minute", metadata: ["batch": "\(batchId)", "error": "\(error)"])
            }
            for batch in try await desk.tellLateBatches() {
                logger.info("told the buyers of a late batch", metadata: ["batch": "\(batch.id)"])
            }
            let told = try await desk.tellWaitlist()
            if told > 0 { logger.info("told waiting fans a batch has a place", metadata: ["fans": "\(told)"]) }
        }
    }
}
