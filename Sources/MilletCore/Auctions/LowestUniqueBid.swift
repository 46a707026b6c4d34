import Foundation

/// How an auction decides its winner.
public enum AuctionFormat: String, Sendable, Codable, CaseIterable {
    /// Ascending, with proxy bids: the highest maximum wins at the runner-up's plus one increment.
    case english
    /// Sealed amounts, each bid paid for in community points: the lowest amount exactly one fan
    /// bid wins, at that amount.
    case lowestUnique = "lowest_unique"
}

/// One sealed amount in a lowest-unique-bid auction. A fan may bid several amounts, each once.
public struct UniqueBid: Hashable, Sendable {
    public let id: String
    public let auctionId: String
    public let accountId: String
    /// Minor units of the auction's currency, from 1 to the auction's highest amount.
    public let amount: Int64
    public let placedAt: Date

    public init(id: String, auctionId: String, accountId: String, amount: Int64, placedAt: Date) {
        self.id = id
        self.auctionId = auctionId
        self.accountId = accountId
        self.amount = amount
        self.placedAt = placedAt
    }
}

/// The published result of a lowest-unique-bid auction: every amount bid and how many fans chose
/// it, so anyone can check that the winner's amount is the lowest that exactly one fan bid.
public struct LowestUniqueResult: Sendable {
    /// Every amount bid, lowest first, with the number of fans who bid it.
    public let amounts: [(amount: Int64, fans: Int)]
    /// The bids whose amount nobody else bid, lowest first: the first wins, the next are the
    /// second chances.
    public let uniqueBids: [UniqueBid]
    /// Pseudonym numbers by account ("Bidder 3": the third fan to bid), for naming the winner.
    public let bidders: [String: Int]

    public init(_ bids: [UniqueBid]) {
        var bidders: [String: Int] = [:]
        for bid in bids.sorted(by: { ($0.placedAt, $0.id) < ($1.placedAt, $1.id) }) where bidders[bid.accountId] == nil {
            bidders[bid.accountId] = bidders.count + 1
        }
        self.bidders = bidders
        let byAmount = Dictionary(grouping: bids, by: \.amount)
        amounts = byAmount.map { ($0.key, Set($0.value.map(\.accountId)).count) }.sorted { $0.amount < $1.amount }
        uniqueBids = byAmount.compactMap { $0.value.count == 1 ? $0.value[0] : nil }.sorted { $0.amount < $1.amount }
    }

    /// The winning bid, if any amount was bid by exactly one fan.
    public var winner: UniqueBid? { uniqueBids.first }
}
