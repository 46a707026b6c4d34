import Foundation
@testable import MilletCore
@testable import MilletStorage
import Testing

/// Closed auctions settle on every backend: the winner's offer, its order on the auction's held
/// unit, second-chance offers down the bidders, strikes, and the unit back to stock when nobody
/// takes it.
extension StorageConformanceTests {
    func settling(_ store: SQLStore) -> (desk: AuctionDesk, offers: AuctionOffers) {
        (AuctionDesk(auctions: store, markets: store, clock: clock) { _ in Standing(Contributions(acknowledged: 10)) },
         AuctionOffers(auctions: store, catalog: store, markets: store, delivery: DeliveryOptions(methods: store, clock: clock), clock: clock))
    }

    func heldUnits(_ store: SQLStore, _ skuId: String) async throws -> Int64 {
        try await store.stock(skuId: skuId).reduce(0) { $0 + $1.held }
    }

    func lot(_ desk: AuctionDesk, skuId: String?, reserve: Int64?) async throws -> Auction {
        let now = clock.now()
        return try await desk.schedule(AuctionPlan(title: "Millet Note 3, serial 000042", skuId: skuId, marketCode: "GB", currency: "GBP",
                                                   startPrice: 10_000, reservePrice: reserve, startsAt: now, endsAt: now.addingTimeInterval(3600)),
                                       incrementsGiven: false, by: "staff").auction
    }

    @Test(arguments: Backends.all) func anUnpaidWinGoesDownTheBiddersAndTheUnitBackToStock(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (desk, offers) = settling(store)
            let ids = try await fans(store, 4)
            let accounts = try await ids.asyncCompactMap { try await store.account(id: $0) }
            let skuId = try #require(try await store.product(slug: "millet-note-3")?.skus.first?.id)
            let heldBefore = try await heldUnits(store, skuId)
            let auction = try await lot(desk, skuId: skuId, reserve: 15_000)
            // Scheduling sets one unit aside for the auction.
            #expect(try await heldUnits(store, skuId) == heldBefore + 1)
            // Each a little above the last: 12,000 (below the reserve), then 20,000, 25,000 and 30,000.
            for (account, maximum) in zip(accounts, [30_000, 25_000, 20_000, 12_000] as [Int64]).reversed() {
                _ = try await desk.bid(auctionId: auction.id, by: account, maximum: maximum)
            }
            #expect(try await offers.settleDue().steps.isEmpty)
            clock.advance(by: 3606)
            // The winner is offered the unit at the final price, to pay within 48 hours of the close.
            let won = try #require(try await offers.settleDue().steps.first)
            #expect(won.outcome == .offering && won.offers.count == 1)
            let first = try #require(try await offers.offers(auctionId: auction.id).first)
            #expect(first.accountId == ids[0] && first.price == 25_500 && first.round == 1 && first.status == .open)
            #expect(first.expiresAt == auction.scheduledEnd.addingTimeInterval(48 * 3600))
            #expect(try await store.notices(accountId: ids[0], limit: 10).map(\.notice.kind) == [.auctionWon])
            #expect(try await offers.settleDue().steps.isEmpty)
            // Only the winner may order it; they do, at the offer's price and deadline, on the held unit.
            let address = try ShippingAddress(name: "Ada Fan", line1: "1 High Street", city: "Leeds", postcode: "LS1 1AA", phone: "+44 113 496 0000")
            await #expect(throws: DomainError.notFound(what: "offer")) {
                _ = try await offers.order(auctionId: auction.id, by: ids[1], address: address, shippingMethod: nil, language: "en")
            }
            let order = try await offers.order(auctionId: auction.id, by: ids[0], address: address, shippingMethod: nil, language: "en")
            #expect(order.lines.map(\.unitPrice) == [25_500] && order.lines.map(\.skuId) == [skuId] && order.paymentDeadline == first.expiresAt)
            #expect(try await offers.order(auctionId: auction.id, by: ids[0], address: address, shippingMethod: nil, language: "en").id == order.id)
            #expect(try await heldUnits(store, skuId) == heldBefore + 1)
            // Unpaid at the deadline: the order is cancelled, the unit stays with the auction, the
            // winner gets a strike, and the runner-up is offered it at their maximum for 24 hours.
            clock.advance(by: 48 * 3600)
            #expect(try await store.desk(clock).expireOverdue() == [order.id])
            #expect(try await heldUnits(store, skuId) == heldBefore + 1)
            _ = try await offers.settleDue()
            var all = try await offers.offers(auctionId: auction.id)
            #expect(all.map(\.status) == [.lapsed, .open] && all[1].accountId == ids[1] && all[1].price == 25_000)
            #expect(all[1].expiresAt == clock.now().addingTimeInterval(24 * 3600))
            #expect(try await store.notices(accountId: ids[1], limit: 10).map(\.notice.kind) == [.auctionSecondChance])
            // The runner-up declines (no strike: a second chance is theirs to refuse); the third
            // bidder lets theirs lapse; the fourth never reached the reserve: nobody is left.
            await #expect(throws: DomainError.self) { _ = try await offers.decline(auctionId: auction.id, by: ids[2]) }
            #expect(try await offers.decline(auctionId: auction.id, by: ids[1]).status == .declined)
            await #expect(throws: DomainError.conflict(code: "offer_closed", message: "this offer is declined")) {
                _ = try await offers.decline(auctionId: auction.id, by: ids[1])
            }
            _ = try await offers.settleDue()
            all = try await offers.offers(auctionId: auction.id)
            #expect(all.map(\.accountId) == Array(ids[0...2]) && all[2].price == 20_000 && all[2].status == .open)
            clock.advance(by: 24 * 3600)
            let last = try #require(try await offers.settleDue().steps.first)
            #expect(last.outcome == .unsold && last.strikes.isEmpty)
            #expect(try await offers.offers(auctionId: auction.id).map(\.status) == [.lapsed, .declined, .lapsed])
            #expect(try await store.auction(id: auction.id)?.outcome == .unsold)
            #expect(try await heldUnits(store, skuId) == heldBefore)
            #expect(try await store.barredBidders(strikes: 1) == [ids[0]])
            #expect(try await offers.settleDue().steps.isEmpty)
        }
    }

    @Test(arguments: Backends.all) func aSecondChancePaidSellsTheUnitAndTwoStrikesBarBidding(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (desk, offers) = settling(store)
            let receiver = try WebhookEndpoint.register(url: "https://erp.example.test/hooks", events: ["auction.offered", "auction.sold", "auction.unsold"],
                                                        now: clock.now())
            try await store.addEndpoint(receiver)
            let ids = try await fans(store, 2)
            let accounts = try await ids.asyncCompactMap { try await store.account(id: $0) }
            // Two lots of two SKUs (the runner-up may buy one unit of each).
            let skuIds = try #require(try await store.product(slug: "millet-note-3")?.skus.prefix(2).map(\.id))
            func units(_ keyPath: KeyPath<StockLevel, Int64>) async throws -> Int64 {
                var total: Int64 = 0
                for skuId in skuIds { total += try await store.stock(skuId: skuId).reduce(0) { $0 + $1[keyPath: keyPath] } }
                return total
            }
            let (soldBefore, heldBefore) = (try await units(\.sold), try await units(\.held))
            // The fan wins two auctions and backs out of both: two strikes.
            for skuId in skuIds {
                let auction = try await lot(desk, skuId: skuId, reserve: nil)
                _ = try await desk.bid(auctionId: auction.id, by: accounts[0], maximum: 20_000)
                _ = try await desk.bid(auctionId: auction.id, by: accounts[1], maximum: 15_000)
                clock.advance(by: 3606)
                _ = try await offers.settleDue()
                #expect(try await offers.decline(auctionId: auction.id, by: ids[0]).status == .declined)
                _ = try await offers.settleDue()
                // The runner-up takes the second chance and pays: the unit is sold.
                let address = try ShippingAddress(name: "Bo Fan", line1: "2 Low Road", city: "York", postcode: "YO1 1AA", phone: "+44 1904 000000")
                let order = try await offers.order(auctionId: auction.id, by: ids[1], address: address, shippingMethod: nil, language: "en")
                #expect(order.lines.map(\.unitPrice) == [15_000])
                _ = try await pay(store, order)
                #expect(try await offers.settleDue().steps.map(\.outcome) == [.sold])
                #expect(try await store.auction(id: auction.id)?.outcome == .sold)
                #expect(try await offers.offers(auctionId: auction.id).map(\.status) == [.declined, .paid])
            }
            // The brand's systems heard each offer and each sale, in the transactions that made them.
            let heard = try await store.deliveries(endpointId: receiver.id, limit: 20).map(\.event).sorted()
            #expect(heard == ["auction.offered", "auction.offered", "auction.offered", "auction.offered", "auction.sold", "auction.sold"])
            let (soldAfter, heldAfter) = (try await units(\.sold), try await units(\.held))
            #expect(soldAfter == soldBefore + 2 && heldAfter == heldBefore)
            #expect(try await store.barredBidders(strikes: 2) == [ids[0]])
            // Two strikes: no more bids (the desk reads strikes again after a minute).
            clock.advance(by: 61)
            let next = try await lot(desk, skuId: nil, reserve: nil)
            await #expect(throws: DomainError.notEligible(code: "struck_out", message: "two auctions you won went unpaid: you can no longer bid")) {
                _ = try await desk.bid(auctionId: next.id, by: accounts[0], maximum: 20_000)
            }
            _ = try await desk.bid(auctionId: next.id, by: accounts[1], maximum: 20_000)
            // A lot outside the catalogue holds no stock and sells on a line of its own.
            clock.advance(by: 3606)
            _ = try await offers.settleDue()
            let address = try ShippingAddress(name: "Bo Fan", line1: "2 Low Road", city: "York", postcode: "YO1 1AA", phone: "+44 1904 000000")
            let order = try await offers.order(auctionId: next.id, by: ids[1], address: address, shippingMethod: nil, language: "en")
            #expect(order.lines.map(\.skuId) == ["auction:\(next.id)"] && order.lines.map(\.warehouseId) == [""] && order.lines.map(\.unitPrice) == [10_000])
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aFanWinsOneUnitOfASKUAcrossLots(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (desk, offers) = settling(store)
            let ids = try await fans(store, 2)
            let accounts = try await ids.asyncCompactMap { try await store.account(id: $0) }
            let skuId = try #require(try await store.product(slug: "millet-note-3")?.skus.first?.id)
            // Two lots of the same SKU close together; the first fan leads both.
            let lots = [try await lot(desk, skuId: skuId, reserve: nil), try await lot(desk, skuId: skuId, reserve: nil)]
            for auction in lots {
                _ = try await desk.bid(auctionId: auction.id, by: accounts[1], maximum: 15_000)
                _ = try await desk.bid(auctionId: auction.id, by: accounts[0], maximum: 20_000)
            }
            clock.advance(by: 3606)
            _ = try await offers.settleDue()
            // One lot is offered to the first fan; on the other she is passed over (no strike)
            // and the second fan is offered it at his maximum.
            let offered = try await lots.asyncCompactMap { try await offers.offers(auctionId: $0.id).first }
            #expect(offered.map(\.accountId).sorted() == ids.sorted() && offered.allSatisfy { $0.round == 1 && $0.status == .open })
            #expect(offered.first { $0.accountId == ids[1] }?.price == 15_000 && offered.first { $0.accountId == ids[0] }?.price == 15_250)
            #expect(try await store.barredBidders(strikes: 1).isEmpty)
            // While she holds it, she cannot bid on another lot of it; a lot of something else she can.
            let third = try await lot(desk, skuId: skuId, reserve: nil)
            await #expect(throws: DomainError.notEligible(code: "one_unit_per_account", message: "you have a unit of this product from another auction: one per fan")) {
                _ = try await desk.bid(auctionId: third.id, by: accounts[0], maximum: 20_000)
            }
            let other = try await lot(desk, skuId: nil, reserve: nil)
            _ = try await desk.bid(auctionId: other.id, by: accounts[0], maximum: 20_000)
            // Once she lets it go, she may bid again.
            let hers = try #require(offered.first { $0.accountId == ids[0] })
            _ = try await offers.decline(auctionId: hers.auctionId, by: ids[0])
            _ = try await desk.bid(auctionId: third.id, by: accounts[0], maximum: 20_000)
            // Staff cancel the second fan's order (a bad address): the unit moves on, no strike.
            let his = try #require(offered.first { $0.accountId == ids[1] })
            let address = try ShippingAddress(name: "Bo Fan", line1: "2 Low Road", city: "York", postcode: "YO1 1AA", phone: "+44 1904 000000")
            let order = try await offers.order(auctionId: his.auctionId, by: ids[1], address: address, shippingMethod: nil, language: nil)
            _ = try await store.desk(clock).apply(staffEvent: "cancel", orderId: order.id, serials: [], note: "address does not exist", staffId: "s1")
            _ = try await offers.settleDue()
            // (She, who let hers go, is next on that lot; her strike is her own decline's.)
            let after = try await offers.offers(auctionId: his.auctionId)
            #expect(after.map(\.status) == [.lapsed, .open] && after[1].accountId == ids[0])
            #expect(try await store.barredBidders(strikes: 1) == [ids[0]])
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func sealedAmountsArePaidInPointsAndTheLowestUniqueWins(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            // Each fan has 100 community points (ten acknowledged posts); a bid costs 40.
            let (desk, offers) = settling(store)
            let ids = try await fans(store, 3)
            let accounts = try await ids.asyncCompactMap { try await store.account(id: $0) }
            let now = clock.now()
            let auction = try await desk.schedule(AuctionPlan(title: "Millet Note 3, serial 000100", skuId: nil, marketCode: "GB", currency: "GBP",
                                                              startPrice: 50_000, reservePrice: nil, startsAt: now, endsAt: now.addingTimeInterval(3600),
                                                              format: .lowestUnique, pointsPerBid: 40, maxBidsPerFan: 3),
                                                  incrementsGiven: false, by: "staff").auction
            await #expect(throws: DomainError.conflict(code: "sealed_bids_only", message: "this auction takes sealed amounts (unique-bids), not maxima")) {
                _ = try await desk.bid(auctionId: auction.id, by: accounts[0], maximum: 1_000)
            }
            let first = try await desk.bidUnique(auctionId: auction.id, by: accounts[0], amount: 101)
            #expect(first.pointsLeft == 60 && first.yourBids.map(\.amount) == [101])
            await #expect(throws: DomainError.conflict(code: "amount_already_bid", message: "you bid this amount already")) {
                _ = try await desk.bidUnique(auctionId: auction.id, by: accounts[0], amount: 101)
            }
            _ = try await desk.bidUnique(auctionId: auction.id, by: accounts[0], amount: 250)
            await #expect(throws: DomainError.notEligible(code: "not_enough_points", message: "a bid costs 40 community points; you have 20")) {
                _ = try await desk.bidUnique(auctionId: auction.id, by: accounts[0], amount: 300)
            }
            await #expect(throws: DomainError.self) { _ = try await desk.bidUnique(auctionId: auction.id, by: accounts[1], amount: 50_001) }
            _ = try await desk.bidUnique(auctionId: auction.id, by: accounts[1], amount: 101)
            _ = try await desk.bidUnique(auctionId: auction.id, by: accounts[1], amount: 120)
            _ = try await desk.bidUnique(auctionId: auction.id, by: accounts[2], amount: 120)
            _ = try await desk.bidUnique(auctionId: auction.id, by: accounts[2], amount: 400)
            // Sealed while it runs: no result; each fan sees their own amounts and points.
            let record = try await desk.auction(id: auction.id)
            #expect(try await desk.uniqueResult(record) == nil && record.state.bids == 6)
            let mine = try await desk.uniqueBids(auctionId: auction.id, of: ids[2])
            #expect(mine.bids.map(\.amount) == [120, 400] && mine.pointsLeft == 20)
            clock.advance(by: 3606)
            await #expect(throws: DomainError.conflict(code: "auction_closed", message: "the auction has ended")) {
                _ = try await desk.bidUnique(auctionId: auction.id, by: accounts[1], amount: 777)
            }
            // 101 and 120 were bid twice; 250 is the lowest unique: the first fan wins at 2.50.
            let result = try #require(try await desk.uniqueResult(try await desk.auction(id: auction.id)))
            #expect(result.amounts.map(\.amount) == [101, 120, 250, 400] && result.amounts.map(\.fans) == [2, 2, 1, 1])
            _ = try await offers.settleDue()
            let won = try #require(try await offers.offers(auctionId: auction.id).first)
            #expect(won.accountId == ids[0] && won.price == 250 && won.isWin)
            #expect(try await store.pointsSpent(accountId: ids[0]) == 80)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func staffCallOffAnAuctionAndItsUnitGoesBackToStock(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (desk, offers) = settling(store)
            let ids = try await fans(store, 1)
            let fan = try #require(try await store.account(id: ids[0]))
            let skuId = try #require(try await store.product(slug: "millet-note-3")?.skus.first?.id)
            let heldBefore = try await heldUnits(store, skuId)
            let auction = try await lot(desk, skuId: skuId, reserve: nil)
            _ = try await desk.bid(auctionId: auction.id, by: fan, maximum: 20_000)
            clock.advance(by: 60)
            let cancelled = try await desk.cancel(auctionId: auction.id)
            #expect(cancelled.outcome == .cancelled && cancelled.state.endsAt == clock.now())
            #expect(try await heldUnits(store, skuId) == heldBefore)
            await #expect(throws: DomainError.conflict(code: "auction_closed", message: "the auction has ended")) {
                _ = try await desk.bid(auctionId: auction.id, by: fan, maximum: 30_000)
            }
            await #expect(throws: DomainError.conflict(code: "auction_closed", message: "the auction has ended or was called off")) {
                _ = try await desk.cancel(auctionId: auction.id)
            }
            // Nobody is offered it.
            clock.advance(by: 3600)
            let steps = try await offers.settleDue().steps, made = try await offers.offers(auctionId: auction.id)
            #expect(steps.isEmpty && made.isEmpty)
            #expect(try await heldUnits(store, skuId) == heldBefore)
        }
    }
}

extension Sequence {
    func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
        var out: [T] = []
        for element in self { if let value = try await transform(element) { out.append(value) } }
        return out
    }
}
