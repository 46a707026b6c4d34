import Foundation

/// The auction use cases: staff schedule an auction, fans bid, anyone reads it and its history.
public struct AuctionDesk: Sendable {
    private let auctions: any AuctionRepository
    private let markets: any MarketRepository
    private let clock: any MilletClock
    /// A fan's community level (``Standing/level``).
    private let levelOf: @Sendable (String) async throws -> Int

    public init(auctions: any AuctionRepository, markets: any MarketRepository, clock: any MilletClock,
                levelOf: @escaping @Sendable (String) async throws -> Int) {
        self.auctions = auctions
        self.markets = markets
        self.clock = clock
        self.levelOf = levelOf
    }

    /// Schedules an auction in the market's currency. A currency without two decimals takes no
    /// standard increment table: `increments` is then required.
    public func schedule(_ plan: AuctionPlan, incrementsGiven: Bool, by actor: String) async throws -> AuctionRecord {
        let market = try await markets.requireMarket(plan.marketCode)
        guard incrementsGiven || market.currency.minorDigits == 2 else {
            throw DomainError.invalid(field: "increments", "are required for \(market.currency.code), which has \(market.currency.minorDigits) decimals")
        }
        var plan = plan
        plan.marketCode = market.code
        plan.currency = market.currency.code
        let auction = try plan.auction(now: clock.now(), by: actor)
        try await auctions.createAuction(auction)
        return AuctionRecord(auction: auction, state: .opening(auction))
    }

    /// The auction, or `not_found`.
    public func auction(id: String) async throws -> AuctionRecord {
        guard Identifier.isWellFormed(id), let record = try await auctions.auction(id: id) else { throw DomainError.notFound(what: "auction") }
        return record
    }

    /// Auctions running or to come, soonest to end first.
    public func calendar(limit: Int = 100) async throws -> [AuctionRecord] {
        try await auctions.auctions(endingAfter: clock.now(), limit: limit)
    }

    /// Places the fan's maximum: decided with the auction's row locked and durable before it
    /// answers. `forbidden(level_too_low)` below the auction's community level; the refusals of
    /// ``AuctionState/placing(_:in:)`` otherwise.
    public func bid(auctionId: String, by account: Account, maximum: Int64) async throws -> (bid: AuctionBid, state: AuctionState, record: AuctionRecord) {
        let record = try await auction(id: auctionId)
        guard (1...Auction.maxPrice).contains(maximum) else { throw DomainError.invalid(field: "maximum", "must be a positive amount in minor units, at most 10000000000") }
        let level = try await levelOf(account.id)
        guard level >= record.auction.minLevel else {
            throw DomainError.notEligible(code: "level_too_low", message: "bidding takes community level \(record.auction.minLevel); you are at level \(level)")
        }
        let now = clock.now()
        let (bid, state) = try await auctions.placeBid(auctionId: auctionId) { auction, state, seq in
            let bid = AuctionBid(id: Identifier.make(), auctionId: auction.id, seq: seq, accountId: account.id, maximum: maximum, placedAt: now)
            return (bid, try state.placing(bid, in: auction).state)
        }
        return (bid, state, AuctionRecord(auction: record.auction, state: state))
    }

    /// The public history: every bid under its bidder's pseudonym, with the price after it and
    /// how it was set.
    public func history(auctionId: String) async throws -> (record: AuctionRecord, history: AuctionHistory) {
        let record = try await auction(id: auctionId)
        return (record, try AuctionHistory(record.auction, bids: try await auctions.bids(auctionId: auctionId)))
    }
}
