import Logging
import MilletCore
import ServiceLifecycle

/// Settles closed auctions every two seconds: offers the unit to the winner at the close, and
/// down the bidders as offers lapse (``AuctionOffers/settleDue()``). Tests call that with a test
/// clock instead.
public struct AuctionSettlementService: Service {
    let offers: AuctionOffers
    let logger: Logger

    public init(offers: AuctionOffers, logger: Logger) {
        self.offers = offers
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(2), logger: logger, failure: "auction settlement failed") { [offers, logger] _ in
            let (steps, failed) = try await offers.settleDue()
            for step in steps {
                logger.info("auction settled a step", metadata: ["outcome": "\(step.outcome.rawValue)", "offers": "\(step.offers.count)"])
            }
            for (auctionId, error) in failed {
                logger.error("auction settlement step failed; retried in a minute", metadata: ["auction": "\(auctionId)", "error": "\(error)"])
            }
        }
    }
}
