import Foundation

/// An auction's bids as anyone may see them: each bidder under a pseudonym ("Bidder 3": the
/// third fan to bid), each bid with the price after it and the rule that set it, so anyone can
/// follow how the price came about. The leader's maxima stay hidden; a beaten fan's are shown.
public struct AuctionHistory: Sendable {
    public struct Entry: Sendable, Equatable {
        public let seq: Int64
        public let bidder: Int
        public let placedAt: Date
        /// The bid's maximum, unless its fan leads now.
        public let maximum: Int64?
        public let priceAfter: Int64
        public let rule: PriceRule
        /// The pseudonym number of the leader after the bid.
        public let leaderAfter: Int
        /// The end after the bid, which a late bid moves on.
        public let endsAfter: Date
    }

    public let entries: [Entry]
    /// The leader's pseudonym number now, if anyone bid.
    public let leader: Int?
    /// Pseudonym numbers by account, for a fan to find their own.
    public let bidders: [String: Int]
    /// Each fan's highest maximum, for showing a fan their own (never anyone else's).
    public let maxima: [String: Int64]

    /// Replays the stored bids (as ``AuctionState/replaying(_:bids:)`` does), keeping each step.
    public init(_ auction: Auction, bids: [AuctionBid]) throws {
        var state = AuctionState.opening(auction), pseudonyms = Pseudonyms()
        var steps: [(bid: AuctionBid, state: AuctionState)] = []
        for bid in bids.sorted(by: { $0.seq < $1.seq }) {
            pseudonyms.note(bid)
            state = try state.placing(bid, in: auction).state
            steps.append((bid, state))
        }
        let leaderId = state.leaderAccountId
        entries = steps.map { step in
            Entry(seq: step.bid.seq, bidder: pseudonyms.numbers[step.bid.accountId]!, placedAt: step.bid.placedAt,
                  maximum: step.bid.accountId == leaderId ? nil : step.bid.maximum, priceAfter: step.state.price, rule: step.state.rule,
                  leaderAfter: step.state.leaderAccountId.flatMap { pseudonyms.numbers[$0] } ?? 0, endsAfter: step.state.endsAt)
        }
        leader = leaderId.flatMap { pseudonyms.numbers[$0] }
        self.bidders = pseudonyms.numbers
        maxima = steps.reduce(into: [:]) { maxima, step in maxima[step.bid.accountId] = max(maxima[step.bid.accountId] ?? 0, step.bid.maximum) }
    }

    /// "Bidder 3".
    public static func pseudonym(_ number: Int) -> String { "Bidder \(number)" }
}

/// Each bidder's pseudonym number (the order in which fans first bid), as far as the bids read so
/// far tell: what the live page needs of the history, kept up with the new bids alone.
public struct Pseudonyms: Sendable {
    public private(set) var numbers: [String: Int] = [:]
    /// The last bid noted.
    public private(set) var throughSeq: Int64 = 0

    public init() {}

    /// Notes a bid read after ``throughSeq``.
    public mutating func note(_ bid: AuctionBid) {
        if numbers[bid.accountId] == nil { numbers[bid.accountId] = numbers.count + 1 }
        throughSeq = max(throughSeq, bid.seq)
    }
}
