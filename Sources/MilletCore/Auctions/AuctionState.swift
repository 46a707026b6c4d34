import Foundation

/// A fan's bid: the most they will pay. The auction bids for them up to it (proxy bidding), so
/// the price is set by the two highest maxima, not by who clicked last.
public struct AuctionBid: Hashable, Sendable {
    public let id: String
    public let auctionId: String
    /// The bid's place in the auction, from 1: replaying the bids in this order gives the state.
    public let seq: Int64
    public let accountId: String
    public let maximum: Int64
    public let placedAt: Date

    /// A bid as decided (numbered and timed by the auction's writer) or as stored.
    public init(id: String, auctionId: String, seq: Int64, accountId: String, maximum: Int64, placedAt: Date) {
        self.id = id
        self.auctionId = auctionId
        self.seq = seq
        self.accountId = accountId
        self.maximum = maximum
        self.placedAt = placedAt
    }
}

/// How the price came to be what it is, for the public history.
public enum PriceRule: String, Sendable, Codable {
    /// No bid yet, or one bidder only: the start price.
    case startPrice = "start_price"
    /// The second-highest maximum plus one increment.
    case runnerUpPlusIncrement = "runner_up_plus_increment"
    /// The second-highest maximum plus one increment would pass the leader's maximum: the
    /// leader's maximum (also when two maxima tie and the earlier bid leads).
    case leaderMaximum = "leader_maximum"
    /// The leader's maximum reaches the reserve: the price rises to it.
    case reserve
}

/// An auction as its bids left it: the leader and their maximum, the highest maximum of anyone
/// else, the price and when it ends. A value: ``placing(_:in:)`` decides a bid and answers the
/// state after it, and folding the stored bids from ``opening(_:)`` gives the stored state back
/// (``replaying(_:bids:)``).
public struct AuctionState: Hashable, Sendable {
    public private(set) var leaderAccountId: String?
    /// Never shown while the auction runs.
    public private(set) var leaderMaximum: Int64?
    /// The highest maximum of any other fan.
    public private(set) var runnerUpMaximum: Int64?
    public private(set) var price: Int64
    public private(set) var rule: PriceRule
    public private(set) var endsAt: Date
    public private(set) var bids: Int64

    /// A state as stored; new states come from ``opening(_:)`` and ``placing(_:in:)``.
    public init(leaderAccountId: String?, leaderMaximum: Int64?, runnerUpMaximum: Int64?, price: Int64, rule: PriceRule, endsAt: Date, bids: Int64) {
        self.leaderAccountId = leaderAccountId
        self.leaderMaximum = leaderMaximum
        self.runnerUpMaximum = runnerUpMaximum
        self.price = price
        self.rule = rule
        self.endsAt = endsAt
        self.bids = bids
    }

    /// Before the first bid.
    public static func opening(_ auction: Auction) -> AuctionState {
        AuctionState(leaderAccountId: nil, leaderMaximum: nil, runnerUpMaximum: nil, price: auction.startPrice, rule: .startPrice,
                     endsAt: auction.scheduledEnd, bids: 0)
    }

    /// The state the stored bids give, in their order: what the stored state must equal.
    public static func replaying(_ auction: Auction, bids: [AuctionBid]) throws -> AuctionState {
        try bids.sorted { $0.seq < $1.seq }.reduce(opening(auction)) { state, bid in try state.placing(bid, in: auction).state }
    }

    /// Whether the auction has closed at `now`: at its end, by the server's clock, nothing more
    /// is taken.
    public func isClosed(at now: Date) -> Bool { now >= endsAt }

    /// The least a fan other than the leader must bid now.
    public func minimumBid(in auction: Auction) -> Int64 {
        leaderAccountId == nil ? auction.startPrice : price + auction.increments.increment(at: price)
    }

    /// The state after `bid`, and whether it extended the end; refused (and nothing changes)
    /// before the start (`auction_not_open`), from the end on (`auction_closed`), below the
    /// minimum (`bid_too_low`), or for a leader not raising their own maximum (`bid_not_higher`).
    public func placing(_ bid: AuctionBid, in auction: Auction) throws -> (state: AuctionState, extended: Bool) {
        guard bid.placedAt >= auction.startsAt else { throw DomainError.conflict(code: "auction_not_open", message: "the auction has not started") }
        guard !isClosed(at: bid.placedAt) else { throw DomainError.conflict(code: "auction_closed", message: "the auction has ended") }
        guard bid.maximum <= Auction.maxPrice else { throw DomainError.invalid(field: "maximum", "must be at most 10000000000") }
        var next = self
        if bid.accountId == leaderAccountId {
            guard let own = leaderMaximum, bid.maximum > own else {
                throw DomainError.conflict(code: "bid_not_higher", message: "you lead already: a new maximum must be above your last")
            }
            next.leaderMaximum = bid.maximum
        } else {
            let minimum = minimumBid(in: auction)
            guard bid.maximum >= minimum else {
                // One wording for every such refusal (answers are encoded once per wording); the
                // auction and every accepted bid's answer carry the minimum.
                throw DomainError.conflict(code: "bid_too_low", message: "your maximum is below the least you can bid now (minimumBid)")
            }
            if let leaderMaximum, bid.maximum <= leaderMaximum {
                // The leader's maximum holds it (a tie goes to the earlier bid).
                next.runnerUpMaximum = max(runnerUpMaximum ?? 0, bid.maximum)
            } else {
                if let leaderMaximum { next.runnerUpMaximum = max(runnerUpMaximum ?? 0, leaderMaximum) }
                next.leaderAccountId = bid.accountId
                next.leaderMaximum = bid.maximum
            }
        }
        (next.price, next.rule) = next.priced(in: auction)
        next.bids += 1
        let moved = next.leaderAccountId != leaderAccountId || next.price != price
        var extended = false
        if moved, bid.placedAt >= endsAt.addingTimeInterval(-auction.extensionWindow) {
            let later = min(endsAt.addingTimeInterval(auction.extensionWindow), auction.latestEnd)
            extended = later > endsAt
            next.endsAt = later
        }
        return (next, extended)
    }

    /// The price the two highest maxima set, raised to a reserve the leader's maximum reaches.
    private func priced(in auction: Auction) -> (Int64, PriceRule) {
        guard let leaderMaximum else { return (auction.startPrice, .startPrice) }
        var price = auction.startPrice, rule = PriceRule.startPrice
        if let runnerUp = runnerUpMaximum {
            let raised = runnerUp + auction.increments.increment(at: runnerUp)
            (price, rule) = raised >= leaderMaximum ? (leaderMaximum, .leaderMaximum) : (raised, .runnerUpPlusIncrement)
        }
        if let reserve = auction.reservePrice, leaderMaximum >= reserve, price < reserve { (price, rule) = (reserve, .reserve) }
        return (price, rule)
    }

    /// Whether the leader's maximum reaches the reserve (or there is none and someone bid).
    public func reserveMet(in auction: Auction) -> Bool { auction.reserveMet(byMaximum: leaderMaximum) }
}
