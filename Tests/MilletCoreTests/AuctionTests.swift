import Foundation
@testable import MilletCore
import MilletTesting
import Testing

struct AuctionTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func auction(reserve: Int64? = nil, window: TimeInterval = 300, cap: TimeInterval = 3600) throws -> Auction {
        try AuctionPlan(title: "Mi 1, unit 0001", skuId: nil, marketCode: "GB", currency: "GBP", startPrice: 10_000, reservePrice: reserve,
                        startsAt: start, endsAt: start.addingTimeInterval(3600), extensionWindow: window, extensionCap: cap)
            .auction(id: "lot-1", now: start, by: "staff")
    }

    /// Places bids in turn, numbering the accepted ones; answers the state and each outcome.
    struct Bidding {
        let auction: Auction
        var state: AuctionState
        var accepted: [AuctionBid] = []

        init(_ auction: Auction) {
            self.auction = auction
            state = .opening(auction)
        }

        mutating func bid(_ account: String, _ maximum: Int64, at: Date) throws -> Bool {
            let bid = AuctionBid(id: "b\(accepted.count + 1)", auctionId: auction.id, seq: Int64(accepted.count + 1), accountId: account,
                                 maximum: maximum, placedAt: at)
            let (next, extended) = try state.placing(bid, in: auction)
            state = next
            accepted.append(bid)
            return extended
        }

        func refusal(_ account: String, _ maximum: Int64, at: Date) -> String? {
            let bid = AuctionBid(id: "x", auctionId: auction.id, seq: Int64(accepted.count + 1), accountId: account, maximum: maximum, placedAt: at)
            do {
                _ = try state.placing(bid, in: auction)
                return nil
            } catch let DomainError.conflict(code, _) {
                return code
            } catch {
                return "\(error)"
            }
        }
    }

    @Test func eachBidIsAMaximumAndThePriceIsTheRunnerUpPlusOneIncrementCappedAtTheLeaders() throws {
        var lot = Bidding(try auction())
        let at = start.addingTimeInterval(60)
        #expect(lot.refusal("asha", 9_999, at: at) == "bid_too_low")
        _ = try lot.bid("asha", 20_000, at: at)
        #expect(lot.state.leaderAccountId == "asha" && lot.state.price == 10_000 && lot.state.rule == .startPrice)
        // Ravi bids under Asha's maximum: the auction bids for her, one increment (2.50 from 50.00) above him.
        #expect(lot.state.minimumBid(in: lot.auction) == 10_250)
        _ = try lot.bid("ravi", 12_000, at: at)
        #expect(lot.state.leaderAccountId == "asha" && lot.state.price == 12_250 && lot.state.rule == .runnerUpPlusIncrement)
        #expect(lot.refusal("ravi", 12_400, at: at) == "bid_too_low")
        // Above her maximum, he leads at her maximum plus one increment.
        _ = try lot.bid("ravi", 25_000, at: at)
        #expect(lot.state.leaderAccountId == "ravi" && lot.state.price == 20_250 && lot.state.runnerUpMaximum == 20_000)
        // A tie goes to the earlier bid, at the tied maximum (one increment more would pass it).
        _ = try lot.bid("asha", 25_000, at: at)
        #expect(lot.state.leaderAccountId == "ravi" && lot.state.price == 25_000 && lot.state.rule == .leaderMaximum)
        // The leader may only raise his own maximum, which lifts a price his maximum had capped.
        #expect(lot.refusal("ravi", 25_000, at: at) == "bid_not_higher")
        _ = try lot.bid("ravi", 30_000, at: at)
        #expect(lot.state.price == 25_500 && lot.state.rule == .runnerUpPlusIncrement && lot.state.bids == 5)
        #expect(try AuctionState.replaying(lot.auction, bids: lot.accepted.reversed()) == lot.state)
    }

    @Test func lateBidsThatMoveThePriceExtendTheEndUpToTheCapAndNothingIsTakenAtTheClose() throws {
        var lot = Bidding(try auction(window: 300, cap: 600))
        let end = start.addingTimeInterval(3600)
        #expect(lot.refusal("asha", 10_000, at: start.addingTimeInterval(-1)) == "auction_not_open")
        #expect(try lot.bid("asha", 50_000, at: end.addingTimeInterval(-400)) == false)
        // Inside the last five minutes: the price moves, the end moves five minutes on.
        #expect(try lot.bid("ravi", 11_000, at: end.addingTimeInterval(-100)) == true)
        #expect(lot.state.endsAt == end.addingTimeInterval(300))
        // A bid that moves neither the leader nor the price extends nothing.
        #expect(try lot.bid("asha", 60_000, at: end.addingTimeInterval(250)) == false)
        #expect(lot.state.endsAt == end.addingTimeInterval(300))
        // Extensions stop at the cap: ten minutes in all here.
        #expect(try lot.bid("ravi", 12_000, at: end.addingTimeInterval(250)) == true)
        #expect(lot.state.endsAt == end.addingTimeInterval(600))
        #expect(try lot.bid("ravi", 13_000, at: end.addingTimeInterval(590)) == false)
        #expect(lot.state.endsAt == end.addingTimeInterval(600))
        // The closing instant is closed; a millisecond before it is not.
        #expect(lot.refusal("ravi", 14_000, at: end.addingTimeInterval(600)) == "auction_closed")
        #expect(lot.refusal("ravi", 14_000, at: end.addingTimeInterval(599.999)) == nil)
        #expect(lot.state.isClosed(at: end.addingTimeInterval(600)) && lot.state.leaderAccountId == "asha")
    }

    @Test func aHiddenReserveHoldsTheSaleUntilALeadersMaximumReachesItAndThenThePriceRisesToIt() throws {
        var lot = Bidding(try auction(reserve: 15_000))
        let at = start.addingTimeInterval(60)
        _ = try lot.bid("asha", 12_000, at: at)
        #expect(lot.state.price == 10_000 && !lot.state.reserveMet(in: lot.auction))
        _ = try lot.bid("ravi", 14_000, at: at)
        #expect(lot.state.leaderAccountId == "ravi" && lot.state.price == 12_250 && !lot.state.reserveMet(in: lot.auction))
        _ = try lot.bid("asha", 16_000, at: at)
        #expect(lot.state.leaderAccountId == "asha" && lot.state.price == 15_000 && lot.state.rule == .reserve && lot.state.reserveMet(in: lot.auction))
        // The history shows beaten maxima and hides the leader's.
        let history = try AuctionHistory(lot.auction, bids: lot.accepted)
        #expect(history.entries.map(\.maximum) == [nil, 14_000, nil] && history.entries.map(\.priceAfter) == [10_000, 12_250, 15_000])
        #expect(history.leader == 1 && history.bidders == ["asha": 1, "ravi": 2] && history.entries.map(\.leaderAfter) == [1, 2, 1])
    }

    @Test func replayingTheStoredBidsGivesTheSameWinnerAndPrice() throws {
        var random = SplitMix(seed: 27)
        var lot = Bidding(try auction(reserve: 40_000, window: 120, cap: 900))
        let fans = (1...12).map { "fan-\($0)" }
        var at = start
        for _ in 0..<600 {
            at = at.addingTimeInterval(Double(random.next() % 10))
            let fan = fans[Int(random.next() % UInt64(fans.count))]
            let maximum = lot.state.price + Int64(random.next() % 3_000)
            if lot.refusal(fan, maximum, at: at) == nil { _ = try lot.bid(fan, maximum, at: at) }
        }
        #expect(lot.accepted.count > 50)
        #expect(try AuctionState.replaying(lot.auction, bids: lot.accepted.shuffled()) == lot.state)
    }

    @Test func plansRefuseWhatCannotBeAuctioned() throws {
        let plan = AuctionPlan(title: " ", skuId: nil, marketCode: "GB", currency: "GBP", startPrice: 0, reservePrice: -1,
                               startsAt: start, endsAt: start.addingTimeInterval(30), extensionWindow: 7200, minLevel: 9)
        #expect(throws: DomainError.self) { try plan.auction(now: start, by: "staff") }
        do {
            _ = try plan.auction(now: start, by: "staff")
        } catch let DomainError.invalidInput(_, fields) {
            #expect(Set(fields.keys) == ["title", "startPrice", "reservePrice", "endsAt", "extensionSeconds", "minLevel"])
        }
        #expect(throws: DomainError.self) { try IncrementTable(bands: [.init(from: 100, increment: 5)]) }
        #expect(throws: DomainError.self) { try IncrementTable(bands: [.init(from: 0, increment: 5), .init(from: 0, increment: 10)]) }
        #expect(IncrementTable.standard.increment(at: 4_999) == 100 && IncrementTable.standard.increment(at: 5_000) == 250)
    }

    /// The facts of `bidding` once closed, with `offers` so far.
    func facts(_ bidding: Bidding, offers: [AuctionOffer] = [], fate: SettlementFacts.OrderFate? = nil, barred: Set<String> = [],
               holdingOne: Set<String> = []) -> SettlementFacts {
        SettlementFacts(record: AuctionRecord(auction: bidding.auction, state: bidding.state), bids: bidding.accepted, offers: offers,
                        orderFate: fate, barred: barred, holdingOne: holdingOne)
    }

    @Test func theUnitGoesToTheWinnerThenDownTheBiddersByMaximumPassingOverTheBarred() throws {
        var bidding = Bidding(try auction(reserve: 15_000))
        for (seq, (fan, maximum)) in [("ed", 15_000), ("bo", 20_000), ("cy", 22_000), ("di", 22_000), ("bo", 24_000), ("ann", 30_000)].enumerated() {
            _ = try bidding.bid(fan, Int64(maximum), at: start.addingTimeInterval(Double(seq + 1)))
        }
        // Ties go to the earlier bid; a bidder counts with their highest maximum.
        #expect(AuctionSettlement.ranking(bidding.accepted).map(\.accountId) == ["ann", "bo", "cy", "di", "ed"])
        let end = bidding.state.endsAt
        #expect(AuctionSettlement.next(facts(bidding), now: end.addingTimeInterval(AuctionSettlement.grace - 1)) == nil)
        let won = try #require(AuctionSettlement.next(facts(bidding), now: end.addingTimeInterval(AuctionSettlement.grace)))
        let first = try #require(won.offers.first)
        #expect(first.accountId == "ann" && first.price == bidding.state.price && first.expiresAt == end.addingTimeInterval(48 * 3600))
        #expect(won.notice?.kind == .auctionWon && won.notice?.params["price"] == Money(minorUnits: 24_250, currency: "GBP").plain && bidding.state.price == 24_250)
        // Open and not yet expired, or ordered and awaiting payment: nothing to do.
        #expect(AuctionSettlement.next(facts(bidding, offers: [first]), now: first.expiresAt.addingTimeInterval(-1)) == nil)
        var ordered = first
        ordered.status = .ordered
        #expect(AuctionSettlement.next(facts(bidding, offers: [ordered], fate: .awaitingPayment), now: first.expiresAt.addingTimeInterval(9)) == nil)
        // Cancelled unpaid: a strike, and bo (barring none) is next at his maximum; with bo barred, cy.
        let later = first.expiresAt.addingTimeInterval(10)
        let second = try #require(AuctionSettlement.next(facts(bidding, offers: [ordered], fate: .cancelledUnpaid), now: later))
        #expect(second.strikes == ["ann"] && second.offers.map(\.status) == [.lapsed, .open])
        #expect(second.offers[1].accountId == "bo" && second.offers[1].price == 24_000 && second.offers[1].round == 2)
        #expect(second.offers[1].expiresAt == later.addingTimeInterval(24 * 3600) && second.notice?.kind == .auctionSecondChance)
        // Cancelled by staff before payment: not the fan's doing, no strike.
        #expect(try #require(AuctionSettlement.next(facts(bidding, offers: [ordered], fate: .cancelledByBrand), now: later)).strikes.isEmpty)
        // A winner with two strikes is passed over; a first look long after the close still
        // leaves the winner a second chance's window.
        let skipped = try #require(AuctionSettlement.next(facts(bidding, barred: ["ann"]), now: end.addingTimeInterval(AuctionSettlement.grace)))
        #expect(skipped.offers.map(\.accountId) == ["bo"] && skipped.offers[0].isWin == false)
        let late = end.addingTimeInterval(72 * 3600)
        #expect(try #require(AuctionSettlement.next(facts(bidding), now: late)).offers[0].expiresAt == late.addingTimeInterval(24 * 3600))
        let passed = try #require(AuctionSettlement.next(facts(bidding, offers: [ordered], fate: .cancelledUnpaid, barred: ["bo"]), now: later))
        #expect(passed.offers[1].accountId == "cy" && passed.offers[1].price == 22_000)
        // A second chance let go earns no strike; paid sells; below the reserve nobody is offered.
        var lapsing = second.offers[1]
        lapsing.status = .open
        let third = try #require(AuctionSettlement.next(facts(bidding, offers: [second.offers[0], lapsing]), now: lapsing.expiresAt))
        #expect(third.strikes.isEmpty && third.offers.map(\.accountId) == ["bo", "cy"])
        var paid = third.offers[1]
        paid.status = .ordered
        #expect(AuctionSettlement.next(facts(bidding, offers: [second.offers[0], third.offers[0], paid], fate: .paid), now: later)?.outcome == .sold)
        let declined = [second.offers[0], third.offers[0], AuctionOffer(auctionId: "lot-1", round: 3, accountId: "cy", price: 22_000, offeredAt: later,
                                                                          expiresAt: later, status: .declined, orderId: nil, isWin: false),
                        AuctionOffer(auctionId: "lot-1", round: 4, accountId: "di", price: 22_000, offeredAt: later, expiresAt: later, status: .declined, orderId: nil, isWin: false)]
        // ed's 15,000 reaches the reserve exactly.
        #expect(AuctionSettlement.next(facts(bidding, offers: declined), now: later)?.offers.last?.accountId == "ed")
        let none = try #require(AuctionSettlement.next(facts(bidding, offers: declined, barred: ["ed"]), now: later))
        #expect(none.outcome == .unsold && none.nextCheck == nil && none.notice == nil)
        // One unit per account: a winner holding a unit of this SKU from another auction is passed
        // over without a strike, and the next bidder is offered it at their maximum.
        let passedOver = try #require(AuctionSettlement.next(facts(bidding, holdingOne: ["ann"]), now: end.addingTimeInterval(AuctionSettlement.grace)))
        #expect(passedOver.offers.map(\.accountId) == ["bo"] && passedOver.offers[0].price == 24_000 && passedOver.offers[0].round == 1)
        #expect(passedOver.strikes.isEmpty && passedOver.notice?.kind == .auctionSecondChance)
        // bo lets it lapse: no strike, he was not the winner.
        #expect(try #require(AuctionSettlement.next(facts(bidding, offers: passedOver.offers, holdingOne: ["ann"]), now: later)).strikes.isEmpty)
    }

    @Test func noBidsOrAReserveNotMetIsUnsoldAndOnlyTheOffereeMayAnswer() throws {
        let empty = Bidding(try auction())
        #expect(AuctionSettlement.next(facts(empty), now: empty.state.endsAt.addingTimeInterval(9))?.outcome == .unsold)
        var short = Bidding(try auction(reserve: 50_000))
        _ = try short.bid("ann", 40_000, at: start.addingTimeInterval(1))
        #expect(AuctionSettlement.next(facts(short), now: short.state.endsAt.addingTimeInterval(9))?.outcome == .unsold)
        let offer = AuctionOffer(auctionId: "lot-1", round: 1, accountId: "ann", price: 10_000, offeredAt: start, expiresAt: start.addingTimeInterval(60),
                                 status: .open, orderId: nil, isWin: true)
        #expect(throws: DomainError.notFound(what: "offer")) { try AuctionSettlement.decline(offer, by: "bo", now: start) }
        #expect(throws: DomainError.notFound(what: "offer")) { try AuctionSettlement.decline(nil, by: "ann", now: start) }
        #expect(throws: DomainError.self) { try AuctionSettlement.decline(offer, by: "ann", now: start.addingTimeInterval(60)) }
        let (declined, strike) = try AuctionSettlement.decline(offer, by: "ann", now: start)
        #expect(declined.status == .declined && strike)
        let secondChance = AuctionOffer(auctionId: "lot-1", round: 2, accountId: "ann", price: 10_000, offeredAt: start,
                                        expiresAt: start.addingTimeInterval(60), status: .open, orderId: nil, isWin: false)
        #expect(try AuctionSettlement.decline(secondChance, by: "ann", now: start).strike == false)
    }

    @Test func theLowestAmountExactlyOneFanBidWinsAndTheNextUniqueAmountsAreTheSecondChances() throws {
        let auction = try AuctionPlan(title: "Mi 1, unit 0002", skuId: nil, marketCode: "GB", currency: "GBP", startPrice: 50_000, reservePrice: nil,
                                      startsAt: start, endsAt: start.addingTimeInterval(3600), format: .lowestUnique, pointsPerBid: 5, maxBidsPerFan: 3)
            .auction(id: "lot-2", now: start, by: "staff")
        #expect(auction.extensionWindow == 0 && auction.pointsPerBid == 5)
        let bids = [("ann", 100), ("bo", 100), ("cy", 150), ("di", 200), ("ann", 250), ("ed", 300), ("cy", 300)].enumerated().map { index, bid in
            UniqueBid(id: "u\(index)", auctionId: auction.id, accountId: bid.0, amount: Int64(bid.1), placedAt: start.addingTimeInterval(Double(index)))
        }
        let result = LowestUniqueResult(bids)
        // Published: every amount and how many fans bid it; 100 and 300 are shared, 150 is the lowest unique.
        #expect(result.amounts.map(\.amount) == [100, 150, 200, 250, 300] && result.amounts.map(\.fans) == [2, 1, 1, 1, 2])
        #expect(result.winner?.accountId == "cy" && result.uniqueBids.map(\.accountId) == ["cy", "di", "ann"])
        let record = AuctionRecord(auction: auction, state: .opening(auction))
        let closed = auction.scheduledEnd.addingTimeInterval(AuctionSettlement.grace)
        let won = try #require(AuctionSettlement.next(SettlementFacts(record: record, bids: [], offers: [], orderFate: nil, barred: [], uniqueBids: bids), now: closed))
        #expect(won.offers.map(\.accountId) == ["cy"] && won.offers[0].price == 150 && won.offers[0].isWin)
        // cy lets it lapse: a strike, and di is offered it at his own amount.
        let later = won.offers[0].expiresAt
        let second = try #require(AuctionSettlement.next(SettlementFacts(record: record, bids: [], offers: won.offers, orderFate: nil, barred: [], uniqueBids: bids),
                                                         now: later))
        #expect(second.strikes == ["cy"] && second.offers.last?.accountId == "di" && second.offers.last?.price == 200)
        // No amount unique: unsold.
        let shared = bids.filter { $0.amount == 100 }
        #expect(AuctionSettlement.next(SettlementFacts(record: record, bids: [], offers: [], orderFate: nil, barred: [], uniqueBids: shared), now: closed)?.outcome == .unsold)
        // Its terms: no reserve, points and bids per fan in range.
        #expect(throws: DomainError.self) {
            try AuctionPlan(title: "x", skuId: nil, marketCode: "GB", currency: "GBP", startPrice: 50_000, reservePrice: 100, startsAt: start,
                            endsAt: start.addingTimeInterval(3600), format: .lowestUnique, pointsPerBid: 0, maxBidsPerFan: 0).auction(now: start, by: "staff")
        }
    }
}
