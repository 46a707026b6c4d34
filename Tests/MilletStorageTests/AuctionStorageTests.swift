import Foundation
@testable import MilletCore
@testable import MilletStorage
import Testing

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func bidsAreDecidedOneAtATimeAndReplayToTheStoredState(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let ids = try await fans(store, 6)
            let now = clock.now()
            let auction = try AuctionPlan(title: "Mi 1, unit 0001", skuId: nil, marketCode: "GB", currency: "GBP", startPrice: 10_000, reservePrice: 30_000,
                                          startsAt: now, endsAt: now.addingTimeInterval(3600)).auction(now: now, by: "staff")
            try await store.createAuction(auction)
            let opened = try await store.auction(id: auction.id)
            #expect(opened == AuctionRecord(auction: auction, state: .opening(auction)))
            #expect(try await store.auctions(endingAfter: now, limit: 10).map(\.auction.id) == [auction.id])
            // Forty bids at once from six fans, each a little above the price it saw: every accepted
            // one is numbered in turn, and a refused one stores nothing.
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        do {
                            try await store.placeBids(on: auction) { state, seq in
                                let bid = AuctionBid(id: Identifier.make(), auctionId: auction.id, seq: seq, accountId: ids[i % 6],
                                                     maximum: state.price + 300 + Int64(i * 37 % 500), placedAt: now.addingTimeInterval(Double(i)))
                                return ([bid], try state.placing(bid, in: auction).state, ())
                            }
                            return true
                        } catch DomainError.conflict {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let stored = try #require(try await store.auction(id: auction.id))
            let bids = try await store.bids(auctionId: auction.id, after: 0)
            #expect(bids.count == outcomes.filter { $0 }.count && bids.count > 6 && bids.map(\.seq) == Array(1...Int64(bids.count)))
            #expect(stored.state.bids == Int64(bids.count))
            #expect(try AuctionState.replaying(auction, bids: bids) == stored.state)
            // A refusal leaves the auction as it was.
            await #expect(throws: DomainError.self) {
                try await store.placeBids(on: auction) { state, seq in
                    let bid = AuctionBid(id: Identifier.make(), auctionId: auction.id, seq: seq, accountId: ids[0], maximum: 1, placedAt: now)
                    return ([bid], try state.placing(bid, in: auction).state, ())
                }
            }
            let after = try await store.auction(id: auction.id), bidsAfter = try await store.bids(auctionId: auction.id, after: 0)
            #expect(after == stored && bidsAfter.count == bids.count)
            await #expect(throws: DomainError.notFound(what: "auction")) {
                let unknown = try AuctionPlan(title: "Never scheduled", skuId: nil, marketCode: "GB", currency: "GBP", startPrice: 1, reservePrice: nil,
                                              startsAt: now, endsAt: now.addingTimeInterval(3600)).auction(now: now, by: "staff")
                try await store.placeBids(on: unknown) { _, _ -> ([AuctionBid], AuctionState, Void) in throw DomainError.notFound(what: "never asked") }
            }
        }
    }
}
