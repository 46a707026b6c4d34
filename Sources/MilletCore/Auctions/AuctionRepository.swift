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
    /// Stores a scheduled auction with its opening state (``AuctionState/opening(_:)``).
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
}
