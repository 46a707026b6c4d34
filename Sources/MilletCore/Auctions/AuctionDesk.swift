import Foundation
import Synchronization

/// The auction use cases: staff schedule an auction, fans bid, anyone reads it and its history.
public struct AuctionDesk: Sendable {
    private let auctions: any AuctionRepository
    private let markets: any MarketRepository
    private let clock: any MilletClock
    /// A fan's community standing: their level, and the points sealed bids are paid with.
    private let standingOf: @Sendable (String) async throws -> Standing
    private let writers = BidWriters()
    /// Fans with two strikes, read again each minute.
    private let barred = BarredBidders()
    /// Auctions' terms, read once per node: they never change once scheduled (the state does,
    /// and the writer reads it with the row locked).
    private let terms = BoundedCache<String, Auction>()
    /// Fans' community levels as read in the last minute, for auctions that ask for one.
    private let levels = BoundedCache<String, (level: Int, readAt: Date)>(limit: 100_000)

    public init(auctions: any AuctionRepository, markets: any MarketRepository, clock: any MilletClock,
                standingOf: @escaping @Sendable (String) async throws -> Standing) {
        self.auctions = auctions
        self.markets = markets
        self.clock = clock
        self.standingOf = standingOf
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

    /// Calls off an auction before its close (a mistake in its terms, a unit found damaged): no
    /// more bids, nobody is offered the unit, which goes back to stock.
    public func cancel(auctionId: String) async throws -> AuctionRecord {
        guard Identifier.isWellFormed(auctionId) else { throw DomainError.notFound(what: "auction") }
        return try await auctions.cancelAuction(id: auctionId, now: clock.now())
    }

    /// The auction, or `not_found`.
    public func auction(id: String) async throws -> AuctionRecord {
        guard Identifier.isWellFormed(id), let record = try await auctions.auction(id: id) else { throw DomainError.notFound(what: "auction") }
        return record
    }

    /// Auctions running or to come (and those that ended after `since`, when given), soonest to
    /// end first.
    public func calendar(since: Date? = nil, limit: Int = 100) async throws -> [AuctionRecord] {
        try await auctions.auctions(endingAfter: since ?? clock.now(), limit: limit)
    }

    /// Places the fan's maximum: decided with the auction's row locked and durable before it
    /// answers. The bids that arrive at this node while its last batch is written go together in
    /// the next (``GroupCommit``), decided one after another in the order they came, so an
    /// auction's last minutes cost one transaction per batch, not per bid. Refused with
    /// `notEligible(level_too_low)` below the auction's community level, and with the refusals
    /// of ``AuctionState/placing(_:in:)`` otherwise; a fan with two strikes
    /// (``AuctionSettlement``) is refused with `notEligible(struck_out)`, and one offered or sold
    /// a unit of the same SKU in another auction with `notEligible(one_unit_per_account)`.
    public func bid(auctionId: String, by account: Account, maximum: Int64) async throws -> (bid: AuctionBid, state: AuctionState, record: AuctionRecord) {
        let auction = try await terms(of: auctionId)
        guard auction.format == .english else {
            throw DomainError.conflict(code: "sealed_bids_only", message: "this auction takes sealed amounts (unique-bids), not maxima")
        }
        guard (1...Auction.maxPrice).contains(maximum) else { throw DomainError.invalid(field: "maximum", "must be a positive amount in minor units, at most 10000000000") }
        try await checkEligible(account, for: auction)
        let request = BidRequest(accountId: account.id, maximum: maximum)
        let (bid, state) = try await writers.writer(for: auction, auctions: auctions, clock: clock).write(request).get()
        return (bid, state, AuctionRecord(auction: auction, state: state))
    }

    /// Refuses a fan with two strikes, one holding a unit of the auction's SKU from another
    /// auction, or one below the auction's community level.
    private func checkEligible(_ account: Account, for auction: Auction) async throws {
        if try await barred.contains(account.id, auctions: auctions, now: clock.now()) {
            throw DomainError.notEligible(code: "struck_out", message: "two auctions you won went unpaid: you can no longer bid")
        }
        if let skuId = auction.skuId, try await auctions.holdsUnit(accountId: account.id, skuId: skuId, excluding: auction.id) {
            throw DomainError.notEligible(code: "one_unit_per_account", message: "you have a unit of this product from another auction: one per fan")
        }
        if auction.minLevel > 1 {
            let level = try await level(of: account.id)
            guard level >= auction.minLevel else {
                throw DomainError.notEligible(code: "level_too_low", message: "bidding takes community level \(auction.minLevel); you are at level \(level)")
            }
        }
    }

    /// Places a sealed amount in a lowest-unique-bid auction, paid for with the auction's points
    /// per bid from the fan's community points (those earned less those spent), in one
    /// transaction; durable when it answers. Refused before the start or from the end
    /// (`auction_not_open`, `auction_closed`), outside 1 to the auction's highest amount, for an
    /// amount the fan bid already, beyond the bids per fan, without the points, and as
    /// ``bid(auctionId:by:maximum:)`` refuses the ineligible.
    public func bidUnique(auctionId: String, by account: Account, amount: Int64) async throws -> (bid: UniqueBid, pointsLeft: Int, yourBids: [UniqueBid]) {
        let auction = try await terms(of: auctionId)
        guard auction.format == .lowestUnique else {
            throw DomainError.conflict(code: "maxima_only", message: "this auction takes maxima (bids), not sealed amounts")
        }
        guard (1...auction.startPrice).contains(amount) else {
            throw DomainError.invalid(field: "amount", "must be from 1 to \(auction.startPrice) minor units")
        }
        let now = clock.now()
        guard now >= auction.startsAt else { throw DomainError.conflict(code: "auction_not_open", message: "the auction has not started") }
        guard now < auction.scheduledEnd else { throw DomainError.conflict(code: "auction_closed", message: "the auction has ended") }
        try await checkEligible(account, for: auction)
        let earned = try await standingOf(account.id).points
        let bid = UniqueBid(id: Identifier.make(), auctionId: auction.id, accountId: account.id, amount: amount,
                            placedAt: Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded() / 1000))
        let (left, yours) = try await auctions.placeUniqueBid(bid, in: auction, earnedPoints: earned)
        return (bid, left, yours)
    }

    /// The fan's sealed amounts in the auction, and their community points left to bid with.
    public func uniqueBids(auctionId: String, of accountId: String) async throws -> (bids: [UniqueBid], pointsLeft: Int) {
        let earned = try await standingOf(accountId).points
        let bids = try await auctions.uniqueBids(auctionId: auctionId, accountId: accountId)
        return (bids, earned - (try await auctions.pointsSpent(accountId: accountId)))
    }

    /// The result of a closed lowest-unique-bid auction, for anyone to check; `nil` while it runs
    /// (its bids are sealed) or for an English auction.
    public func uniqueResult(_ record: AuctionRecord) async throws -> LowestUniqueResult? {
        guard record.auction.format == .lowestUnique, record.state.isClosed(at: clock.now()) else { return nil }
        return LowestUniqueResult(try await auctions.uniqueBids(auctionId: record.auction.id, accountId: nil))
    }

    private func terms(of auctionId: String) async throws -> Auction {
        if let known = terms[auctionId] { return known }
        let auction = try await auction(id: auctionId).auction
        terms.store(auction, for: auctionId)
        return auction
    }

    /// The fan's level, read again after a minute: levels move slowly, and a minute late is fine.
    private func level(of accountId: String) async throws -> Int {
        let now = clock.now()
        if let known = levels[accountId], now.timeIntervalSince(known.readAt) < 60, known.readAt <= now { return known.level }
        let level = try await standingOf(accountId).level
        levels.store((level, now), for: accountId)
        return level
    }

    /// The public history: every bid under its bidder's pseudonym, with the price after it and
    /// how it was set.
    public func history(auctionId: String) async throws -> (record: AuctionRecord, history: AuctionHistory) {
        let record = try await auction(id: auctionId)
        // Bids committed after the auction's row was read wait for the next read: the history
        // and the state then tell of the same bids.
        let bids = try await auctions.bids(auctionId: auctionId, after: 0).filter { $0.seq <= record.state.bids }
        return (record, try AuctionHistory(record.auction, bids: bids))
    }

    /// The auction as it stands and its leader's pseudonym number, for the live page: `known`
    /// holds the pseudonyms of a read before (``Pseudonyms``), and only the bids since it are read.
    public func standing(auctionId: String, known: Pseudonyms) async throws -> (record: AuctionRecord, pseudonyms: Pseudonyms) {
        let record = try await auction(id: auctionId)
        var pseudonyms = known
        if record.state.bids > known.throughSeq {
            for bid in try await auctions.bids(auctionId: auctionId, after: known.throughSeq) where bid.seq <= record.state.bids {
                pseudonyms.note(bid)
            }
        }
        return (record, pseudonyms)
    }
}

/// The fans with ``AuctionSettlement/strikesToBar`` strikes, read once a minute per node:
/// strikes come days apart, and every bid asks.
final class BarredBidders: Sendable {
    private let known = Mutex<(accounts: Set<String>, readAt: Date?)>(([], nil))

    func contains(_ accountId: String, auctions: any AuctionRepository, now: Date) async throws -> Bool {
        let (accounts, readAt) = known.withLock { $0 }
        if let readAt, readAt <= now, now.timeIntervalSince(readAt) < 60 { return accounts.contains(accountId) }
        let fresh = try await auctions.barredBidders(strikes: AuctionSettlement.strikesToBar)
        known.withLock { $0 = (fresh, now) }
        return fresh.contains(accountId)
    }
}

/// A bid waiting for its auction's writer.
struct BidRequest: Sendable {
    let accountId: String
    let maximum: Int64
}

/// One group-commit writer per auction on this node; each batch is one transaction with the
/// auction's row locked, so writers on several nodes take turns.
final class BidWriters: Sendable {
    typealias Outcome = Result<(AuctionBid, AuctionState), DomainError>
    /// Each auction's writer, kept until the latest its auction can end; the writers of ended
    /// auctions go when the next auction gets one.
    private let writers = Mutex<[String: (writer: GroupCommit<BidRequest, Outcome>, latestEnd: Date)]>([:])

    /// Each bid is timed when its batch decides it, with the auction's row locked, to the
    /// millisecond it is stored with: the close and the extension window are judged by the time
    /// that replays, and the times follow the bids' order.
    func writer(for auction: Auction, auctions: any AuctionRepository, clock: any MilletClock) -> GroupCommit<BidRequest, Outcome> {
        let auctionId = auction.id
        return writers.withLock { writers in
            if let known = writers[auctionId] { return known.writer }
            let now = clock.now()
            writers = writers.filter { $0.value.latestEnd > now }
            let writer = GroupCommit<BidRequest, Outcome>(maxBatch: 200, executor: nil) { requests in
                try await auctions.placeBids(on: auction) { state, nextSeq in
                    var state = state, bids: [AuctionBid] = [], outcomes: [Outcome] = []
                    let now = clock.now(), placedAt = Date(timeIntervalSince1970: TimeInterval(Int64((now.timeIntervalSince1970 * 1000).rounded())) / 1000)
                    for request in requests {
                        let bid = AuctionBid(id: Identifier.make(), auctionId: auctionId, seq: nextSeq + Int64(bids.count), accountId: request.accountId,
                                             maximum: request.maximum, placedAt: placedAt)
                        do {
                            state = try state.placing(bid, in: auction).state
                            bids.append(bid)
                            outcomes.append(.success((bid, state)))
                        } catch let refusal as DomainError {
                            outcomes.append(.failure(refusal))
                        }
                    }
                    return (bids, state, outcomes)
                }
            }
            writers[auctionId] = (writer, auction.latestEnd)
            return writer
        }
    }
}
