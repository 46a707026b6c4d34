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
}
