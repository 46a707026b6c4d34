import Foundation

/// An auction's terms with the state its bids left it in.
public struct AuctionRecord: Hashable, Sendable {
    public let auction: Auction
    public let state: AuctionState
    /// How its settlement stands once it closed; `nil` until the settlement first looks at it.
    public let outcome: AuctionOutcome?
    /// What the unit sold for once an offer's order was paid: the final price, or a second
    /// chance's.
    public let soldPrice: Int64?

    public init(auction: Auction, state: AuctionState, outcome: AuctionOutcome? = nil, soldPrice: Int64? = nil) {
        self.auction = auction
        self.state = state
        self.outcome = outcome
        self.soldPrice = soldPrice
    }
}

/// Where auctions and their bids are kept.
public protocol AuctionRepository: Sendable {
    /// Stores a scheduled auction with its opening state (``AuctionState/opening(_:)``) and, for
    /// an auction of a SKU, holds one unit of it in the market's warehouse with the most
    /// available, in the same transaction; `conflict(out_of_stock)` when none has one.
    func createAuction(_ auction: Auction) async throws
    /// The auction's terms and its state as last committed.
    func auction(id: String) async throws -> AuctionRecord?
    /// Auctions that end after `after` (extensions counted), soonest first.
    func auctions(endingAfter after: Date, limit: Int) async throws -> [AuctionRecord]
    /// The accepted bids of the auction numbered after `after` (every one with 0), in order.
    func bids(auctionId: String, after: Int64) async throws -> [AuctionBid]
    /// Decides and stores bids on `auction` in one transaction, its row locked meanwhile, so the
    /// bids of one auction are decided one at a time (by whichever node): `decide` gets the
    /// auction's state and the next bid number, and answers the bids it accepted (numbered from
    /// there, in order), the state after them and what to answer; throwing stores nothing.
    /// Durable when it returns.
    func placeBids<R: Sendable>(
        on auction: Auction, _ decide: @escaping @Sendable (AuctionState, _ nextSeq: Int64) throws -> (bids: [AuctionBid], state: AuctionState, answer: R)
    ) async throws -> R

    /// Calls off an auction that has not closed, in one transaction with its row locked: it ends
    /// at `now` (so no bid is taken after), its outcome is `cancelled`, its held unit goes back to
    /// stock and the webhook is written; `conflict(auction_closed)` once it closed or was called off.
    func cancelAuction(id: String, now: Date) async throws -> AuctionRecord
    /// Closed auctions whose settlement has a step due at `now`: closed with no outcome yet, or
    /// offering with an offer's expiry passed or its order paid or cancelled since.
    func auctionsToSettle(now: Date, limit: Int) async throws -> [String]
    /// One settlement step in one transaction with the auction's row locked: `decide` gets the
    /// facts (``SettlementFacts``) and answers the step, or `nil` for none. The offers, strikes
    /// and outcome are written, an unsold auction's held unit goes back to stock, and a new
    /// offer's notice is written (the outbox).
    func settle(auctionId: String, now: Date, _ decide: @escaping @Sendable (SettlementFacts) -> SettlementStep?) async throws -> SettlementStep?
    /// Puts the settlement's next look at the auction off until `until` (after a failed step).
    func postponeSettlement(auctionId: String, until: Date) async throws
    /// The auction's offers, first round first.
    func offers(auctionId: String) async throws -> [AuctionOffer]
    /// Orders the fan's current offer in one transaction with the auction's row locked: `draft`
    /// gets the auction's latest offer (refusing unless it is the fan's and open) and answers the
    /// order, which is stored (its line takes the auction's held unit, no new hold) with the offer
    /// marked ordered. An offer the fan ordered already answers its order again.
    func orderOffer(auctionId: String, accountId: String, _ draft: @escaping @Sendable (AuctionOffer?) throws -> OrderDraft) async throws -> Order
    /// Answers the auction's latest offer with `decide` (which refuses unless it is the fan's and
    /// open) in one transaction: the offer as it decided, and a strike when it says so.
    func declineOffer(auctionId: String, now: Date, _ decide: @escaping @Sendable (AuctionOffer?) throws -> (offer: AuctionOffer, strike: Bool)) async throws -> AuctionOffer
    /// Whether the fan was offered a unit of `skuId` in an auction other than `excluding` and has
    /// not let it go (the offer is open, ordered or paid): one unit per account.
    func holdsUnit(accountId: String, skuId: String, excluding auctionId: String) async throws -> Bool
    /// Stores a sealed bid of a lowest-unique-bid auction with what it cost (the auction's points
    /// per bid, spent from `earnedPoints` less the fan's points spent so far) in one transaction,
    /// the fan's spending decided one bid at a time; counts it in the auction's bids. Refused with
    /// `conflict(amount_already_bid)`, `conflict(too_many_bids)` (the auction's bids per fan) or
    /// `notEligible(not_enough_points)`. Answers the points left and the fan's bids in the auction.
    func placeUniqueBid(_ bid: UniqueBid, in auction: Auction, earnedPoints: Int) async throws -> (pointsLeft: Int, yourBids: [UniqueBid])
    /// The sealed bids of an auction, lowest amount first; of one fan, or of everyone when `nil`.
    func uniqueBids(auctionId: String, accountId: String?) async throws -> [UniqueBid]
    /// The community points a fan spent (on sealed bids).
    func pointsSpent(accountId: String) async throws -> Int
    /// The fan's offers still open, newest first, for finding them from the site.
    func openOffers(accountId: String) async throws -> [AuctionOffer]
    /// How many strikes the fan has.
    func strikes(accountId: String) async throws -> Int
    /// The accounts with at least `strikes` strikes.
    func barredBidders(strikes: Int) async throws -> Set<String>
}
