import Foundation

/// An auction's terms with the state its bids left it in.
public struct AuctionRecord: Hashable, Sendable {
    public let auction: Auction
    public let state: AuctionState

    public init(auction: Auction, state: AuctionState) {
        self.auction = auction
        self.state = state
    }
}

/// Where auctions and their bids are kept.
public protocol AuctionRepository: Sendable {
    func createAuction(_ auction: Auction) async throws
    func auction(id: String) async throws -> AuctionRecord?
    /// Auctions that end after `after` (extensions counted), soonest first.
    func auctions(endingAfter after: Date, limit: Int) async throws -> [AuctionRecord]
    /// Every accepted bid of the auction, in order.
    func bids(auctionId: String) async throws -> [AuctionBid]
    /// Decides and stores one bid in one transaction, the auction's row locked meanwhile, so the
    /// bids of one auction are decided one at a time (by whichever node): `decide` gets the
    /// auction, its state and the next bid number and answers the bid and the state after it;
    /// throwing stores nothing. Durable when it returns.
    func placeBid(auctionId: String, _ decide: @escaping @Sendable (Auction, AuctionState, _ seq: Int64) throws -> (AuctionBid, AuctionState))
        async throws -> (AuctionBid, AuctionState)
}
