import Foundation

/// Where an offer of a closed auction's unit stands.
public enum OfferStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for the fan to order (give an address) before it expires.
    case open
    /// The fan ordered; the order's payment deadline is the offer's.
    case ordered
    /// The order was paid: the unit is sold.
    case paid
    /// It expired, or its order was cancelled unpaid.
    case lapsed
    /// The fan said no.
    case declined
}

/// The unit of a closed auction offered to one fan at one price until a deadline: first to the
/// winner at the final price, then (if the winner does not pay) to the next bidder at their
/// maximum, and so on down the bidders.
public struct AuctionOffer: Hashable, Sendable {
    public let auctionId: String
    /// 1 for the winner, 2 for the first second-chance offer, and on.
    public let round: Int
    public let accountId: String
    public let price: Int64
    public let offeredAt: Date
    public let expiresAt: Date
    public var status: OfferStatus
    public var orderId: String?
    /// Offered to the auction's winner (not a second chance): letting it go earns a strike.
    public let isWin: Bool

    public init(auctionId: String, round: Int, accountId: String, price: Int64, offeredAt: Date, expiresAt: Date, status: OfferStatus, orderId: String?,
                isWin: Bool) {
        self.isWin = isWin
        self.auctionId = auctionId
        self.round = round
        self.accountId = accountId
        self.price = price
        self.offeredAt = offeredAt
        self.expiresAt = expiresAt
        self.status = status
        self.orderId = orderId
    }

    /// Whether the fan can still order it at `now`.
    public func isOpen(at now: Date) -> Bool { status == .open && now < expiresAt }
}

/// How a closed auction ended up.
public enum AuctionOutcome: String, Sendable, Codable {
    /// An offer is out, or its order waits for payment.
    case offering
    /// An offer's order was paid.
    case sold
    /// Nobody reached the reserve, or every bidder who could was offered the unit and none took it.
    case unsold
    /// Staff called it off before the close; its unit went back to stock.
    case cancelled
}

/// What the settlement knows of a closed auction when it decides the next step: the offers so
/// far, what became of the current offer's order, and which bidders may no longer bid or be
/// offered a unit (two strikes).
public struct SettlementFacts: Sendable {
    /// What happened to the order of an offer the fan ordered.
    public enum OrderFate: Sendable {
        case awaitingPayment
        case paid
        /// Cancelled before it was paid, by the fan or the payment deadline.
        case cancelledUnpaid
        /// Cancelled before it was paid by the brand's staff (a bad address, a damaged unit):
        /// not the fan's doing, so no strike.
        case cancelledByBrand
    }

    public let record: AuctionRecord
    public let bids: [AuctionBid]
    public let offers: [AuctionOffer]
    public let orderFate: OrderFate?
    public let barred: Set<String>
    /// Fans offered (and not yet let go) or sold a unit of the same SKU in another auction: one
    /// unit per account.
    public let holdingOne: Set<String>
    /// The sealed bids of a lowest-unique-bid auction.
    public let uniqueBids: [UniqueBid]

    public init(record: AuctionRecord, bids: [AuctionBid], offers: [AuctionOffer], orderFate: OrderFate?, barred: Set<String>,
                holdingOne: Set<String> = [], uniqueBids: [UniqueBid] = []) {
        self.uniqueBids = uniqueBids
        self.record = record
        self.bids = bids
        self.offers = offers
        self.orderFate = orderFate
        self.barred = barred
        self.holdingOne = holdingOne
    }
}

/// The next step of a closed auction's settlement: the offers to write (changed or new), the
/// fans who earn a strike, the outcome, and when to look again.
public struct SettlementStep: Sendable {
    public var offers: [AuctionOffer] = []
    public var strikes: [String] = []
    public var outcome: AuctionOutcome
    /// When the settlement must look again (an open offer's expiry), `nil` once it is over.
    public var nextCheck: Date?
    /// What tells the fan of a new offer.
    public var notice: Notice?
    /// What the brand's webhook receivers hear of it.
    public var webhooks: [(event: WebhookEvent, data: [String: String])] = []

    public init(outcome: AuctionOutcome, nextCheck: Date?) {
        self.outcome = outcome
        self.nextCheck = nextCheck
    }
}

/// Settles closed auctions: a value function of what is stored, so the rules read in one place.
///
/// - The winner (if the reserve is met) is offered the unit at the final price, with the
///   auction's payment window from the close. In a lowest-unique-bid auction the winner is the
///   fan whose amount nobody else bid, the lowest such, at that amount; the next offers go to the
///   next unique amounts, each at its amount.
/// - An offer that expires, or whose order is cancelled before it is paid, lapses; the next
///   bidder (by maximum, the earlier bid first on a tie) whose maximum reaches the reserve is
///   offered the unit at their maximum (never above the last offer's price) for the
///   second-chance window; bidders with two strikes are passed over.
/// - A winner who lets the offer lapse or declines it, and anyone who orders and does not pay,
///   gets a strike (not when staff cancel the order); a second-chance offer may be let go
///   without one. Fans with two strikes are passed over, the winner too.
/// - One unit per account: a fan offered or sold a unit of the same SKU in another auction is
///   passed over, the winner too (without a strike).
/// - When no bidder is left the auction is unsold and its unit goes back to stock.
public enum AuctionSettlement {
    /// The step at `now`; `nil` while the auction runs or when there is nothing to do yet.
    public static func next(_ facts: SettlementFacts, now: Date) -> SettlementStep? {
        let auction = facts.record.auction, state = facts.record.state
        // A few seconds' grace, so a bid stamped by a node whose clock runs behind is in.
        guard state.isClosed(at: now.addingTimeInterval(-grace)) else { return nil }
        var step = SettlementStep(outcome: .offering, nextCheck: nil)
        if var current = facts.offers.last {
            switch current.status {
            case .paid:
                return nil
            case .open where now < current.expiresAt:
                return nil
            case .ordered where facts.orderFate == .awaitingPayment || facts.orderFate == nil:
                return nil
            case .ordered where facts.orderFate == .paid:
                current.status = .paid
                step.offers = [current]
                step.outcome = .sold
                step.webhooks = [(.auctionSold, ["auctionId": auction.id, "accountId": current.accountId, "orderId": current.orderId ?? "",
                                                 "price": String(current.price), "currency": auction.currency])]
                return step
            case .open, .ordered:
                // Expired unordered, or ordered and cancelled unpaid.
                if facts.orderFate != .cancelledByBrand && (current.isWin || current.status == .ordered) { step.strikes = [current.accountId] }
                current.status = .lapsed
                step.offers = [current]
            case .lapsed, .declined:
                break
            }
        }
        let offered = Set(facts.offers.map(\.accountId))
        let (winner, candidates) = standings(facts)
        if facts.offers.isEmpty {
            guard let winner else { return unsold(step, auction) }
            if !facts.holdingOne.contains(winner.accountId) && !facts.barred.contains(winner.accountId) {
                // The window counts from the close, but never leaves less than a second chance's.
                let expiresAt = max(now.addingTimeInterval(auction.secondChanceWindow), state.endsAt.addingTimeInterval(auction.paymentWindow))
                let offer = AuctionOffer(auctionId: auction.id, round: 1, accountId: winner.accountId, price: winner.price, offeredAt: now,
                                         expiresAt: expiresAt, status: .open, orderId: nil, isWin: true)
                return offering(offer, of: auction, step)
            }
        }
        // Down the list: the winner did not take it, or holds a unit of this SKU already.
        guard let next = candidates.first(where: { candidate in
            !offered.contains(candidate.accountId) && !facts.barred.contains(candidate.accountId) && !facts.holdingOne.contains(candidate.accountId)
        }) else { return unsold(step, auction) }
        // An English auction's later offers are at the fan's maximum, never above the offer before.
        let price = auction.format == .english ? min(next.price, facts.offers.last?.price ?? state.price) : next.price
        let offer = AuctionOffer(auctionId: auction.id, round: facts.offers.count + 1, accountId: next.accountId, price: price,
                                 offeredAt: now, expiresAt: now.addingTimeInterval(auction.secondChanceWindow), status: .open, orderId: nil, isWin: false)
        return offering(offer, of: auction, step)
    }

    /// Who wins and at what price (`nil`: nobody, the reserve not met or no amount unique), and
    /// who may be offered the unit after, in order, each at their price: an English auction's
    /// bidders by maximum whose maximum reaches the reserve; a lowest-unique-bid auction's unique
    /// amounts from the lowest.
    static func standings(_ facts: SettlementFacts) -> (winner: (accountId: String, price: Int64)?, candidates: [(accountId: String, price: Int64)]) {
        let auction = facts.record.auction, state = facts.record.state
        switch auction.format {
        case .english:
            let winner = state.leaderAccountId.flatMap { state.reserveMet(in: auction) ? ($0, state.price) : nil }
            let candidates = ranking(facts.bids).filter { auction.reserveMet(byMaximum: $0.maximum) }.map { ($0.accountId, $0.maximum) }
            return (winner, candidates)
        case .lowestUnique:
            let unique = LowestUniqueResult(facts.uniqueBids).uniqueBids.map { ($0.accountId, $0.amount) }
            return (unique.first, unique)
        }
    }

    private static func offering(_ offer: AuctionOffer, of auction: Auction, _ step: SettlementStep) -> SettlementStep {
        var step = step
        step.offers.append(offer)
        step.nextCheck = offer.expiresAt
        step.notice = Notice(
            accountId: offer.accountId, kind: offer.isWin ? .auctionWon : .auctionSecondChance, subjectId: auction.id,
            key: "auction_offer:\(auction.id):\(offer.round)",
            params: ["auction": auction.title, "price": Money(minorUnits: offer.price, currency: auction.currency).plain,
                     "deadline": MessageCourier.when(offer.expiresAt), "market": auction.marketCode],
            createdAt: offer.offeredAt)
        step.webhooks = [(.auctionOffered, ["auctionId": auction.id, "round": String(offer.round), "accountId": offer.accountId,
                                            "price": String(offer.price), "currency": auction.currency,
                                            "expiresAt": offer.expiresAt.formatted(.iso8601)])]
        return step
    }

    private static func unsold(_ step: SettlementStep, _ auction: Auction) -> SettlementStep {
        var step = step
        step.outcome = .unsold
        step.nextCheck = nil
        step.webhooks = [(.auctionUnsold, ["auctionId": auction.id])]
        return step
    }

    /// Each bidder's highest maximum, highest first; of two equal maxima the one bid first.
    public static func ranking(_ bids: [AuctionBid]) -> [(accountId: String, maximum: Int64)] {
        var best: [String: (maximum: Int64, seq: Int64)] = [:]
        for bid in bids where bid.maximum > (best[bid.accountId]?.maximum ?? 0) { best[bid.accountId] = (bid.maximum, bid.seq) }
        return best.sorted { $0.value.maximum != $1.value.maximum ? $0.value.maximum > $1.value.maximum : $0.value.seq < $1.value.seq }
            .map { ($0.key, $0.value.maximum) }
    }

    /// The fan's answer to their open offer: `declined`, with a strike for a winner backing out;
    /// refused unless the offer is theirs and open.
    public static func decline(_ offer: AuctionOffer?, by accountId: String, now: Date) throws -> (offer: AuctionOffer, strike: Bool) {
        var offer = try openOffer(offer, for: accountId, now: now)
        offer.status = .declined
        return (offer, offer.isWin)
    }

    /// The fan's open offer, or `not_found` (no offer of theirs) / `conflict(offer_closed)`.
    public static func openOffer(_ offer: AuctionOffer?, for accountId: String, now: Date) throws -> AuctionOffer {
        guard let offer, offer.accountId == accountId else { throw DomainError.notFound(what: "offer") }
        guard offer.isOpen(at: now) else {
            throw DomainError.conflict(code: "offer_closed", message: "this offer is \(offer.status == .open ? "expired" : offer.status.rawValue)")
        }
        return offer
    }

    /// How many strikes bar a fan from bidding and from offers.
    public static let strikesToBar = 2
    /// How long after the close the settlement first looks.
    public static let grace: TimeInterval = 5
}
