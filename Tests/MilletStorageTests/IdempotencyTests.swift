import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Idempotency keys as Stripe defines them: the same key with another request is refused, and
/// an acknowledged key answers its order after a restart, sold out or ended.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aKeySentAgainWithAnotherCheckoutIsRefused(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let price = try #require(try await store.price(skuId: sku.id, marketCode: market.code))
            func draft(_ quantity: Int, request: String) throws -> OrderDraft {
                OrderDraft(
                    id: Identifier.make(), accountId: fan.id, market: market, lines: [(sku.id, sku.code, "Note 3", quantity, price.shelfPrice)],
                    totals: try OrderTotals.compute(lines: [(price.shelfPrice, quantity)], market: market), shippingAddress: address,
                    idempotencyKey: "same-key-1", now: clock.now(), requestHash: request)
            }
            let first = try await store.place(try draft(1, request: "one unit"), clearingCart: nil)
            let again = try await store.place(try draft(1, request: "one unit"), clearingCart: nil)
            #expect(first.created && !again.created && again.order.id == first.order.id)
            await #expect(throws: IdempotentRequest.reused) { _ = try await store.place(try draft(2, request: "two units"), clearingCart: nil) }
            await #expect(throws: IdempotentRequest.reused) { _ = try await store.order(accountId: fan.id, idempotencyKey: "same-key-1", requestHash: "two units") }
            #expect(try await store.order(accountId: fan.id, idempotencyKey: "same-key-1", requestHash: nil)?.id == first.order.id)
            try await expectStock(store, sku: sku, held: 1, sold: 0)
        }
    }

    @Test(arguments: Backends.all) func anAcknowledgedSaleKeyAnswersItsOrderAfterARestartSoldOutOrEnded(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 1)
            let (buyer, late) = try await { let ids = try await fans(store, 2); return (ids[0], ids[1]) }()
            func engine() -> FlashSaleEngine {
                FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock,
                                admission: Admission(perAccount: (100, 100), perIP: (10_000, 10_000)))
            }
            let first = engine()
            clock.advance(by: 60)
            let token = try await first.issueToken(saleId: sale.id, accountId: buyer).token
            let bought = try await first.purchase(saleId: sale.id, accountId: buyer, ip: "ip", idempotencyKey: "launch-key-1", address: address, token: token)
            #expect(!bought.replayed)
            let other = try ShippingAddress(name: "Ravi", line1: "1 Park Street", city: "Kolkata", postcode: "700016", phone: "+91 98300 00000")
            await #expect(throws: IdempotentRequest.reused) {
                _ = try await first.purchase(saleId: sale.id, accountId: buyer, ip: "ip", idempotencyKey: "launch-key-1", address: other, token: token)
            }
            // The node restarts; the sale is sold out. The buyer's retry still gets its order,
            // from the sold-out fast path on; another fan is told it is sold out.
            let restarted = engine()
            try await restarted.precheck(saleId: sale.id, accountId: buyer, idempotencyKey: "launch-key-1")
            let retried = try await restarted.purchase(saleId: sale.id, accountId: buyer, ip: "ip", idempotencyKey: "launch-key-1", address: address, token: token)
            #expect(retried.replayed && retried.order.id == bought.order.id && retried.order.number == bought.order.number)
            let lateToken = try await restarted.issueToken(saleId: sale.id, accountId: late).token
            await #expect(throws: PurchaseRefusal.soldOut) {
                _ = try await restarted.purchase(saleId: sale.id, accountId: late, ip: "ip", idempotencyKey: "late-key-1", address: address, token: lateToken)
            }
            // Now that this node knows it sold out, the fast path refuses others at once and lets
            // the buyer's keys through to be looked up.
            #expect(throws: PurchaseRefusal.soldOut) { _ = try restarted.quickPrecheck(saleId: sale.id, accountId: late, idempotencyKey: "late-key-2") }
            #expect(try restarted.quickPrecheck(saleId: sale.id, accountId: buyer, idempotencyKey: "launch-key-1") == false)
            try await restarted.precheck(saleId: sale.id, accountId: buyer, idempotencyKey: "launch-key-1")
            await #expect(throws: IdempotentRequest.reused) {
                _ = try await restarted.purchase(saleId: sale.id, accountId: buyer, ip: "ip", idempotencyKey: "launch-key-1", address: other, token: token)
            }
            // A new key of the buyer's is what it is: sold out.
            await #expect(throws: PurchaseRefusal.self) {
                _ = try await restarted.purchase(saleId: sale.id, accountId: buyer, ip: "ip", idempotencyKey: "launch-key-2", address: address, token: token)
            }
            // After the end, on a node that never saw the sale.
            clock.advance(by: 7200)
            let later = engine()
            let afterEnd = try await later.purchase(saleId: sale.id, accountId: buyer, ip: "ip", idempotencyKey: "launch-key-1", address: address, token: token)
            #expect(afterEnd.replayed && afterEnd.order.id == bought.order.id)
        }
    }

    /// A key answered on one node, sent to another that loaded the sale before: while the first
    /// node still holds units, the other answers `purchase_in_progress` (never `sold_out`); once
    /// nothing is left anywhere it knows every buyer, and the retry gets the order.
    @Test(arguments: Backends.all) func aKeyAnsweredOnAnotherNodeIsNeverToldSoldOut(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 40)
            let buyers = try await fans(store, 42)
            let (a, b) = twoNodes(store)
            clock.advance(by: 60)
            func buy(_ engine: FlashSaleEngine, _ buyer: String) async throws -> SaleOrder { try await buyWithToken(engine, sale, buyer) }
            // a leases a block and sells one unit to the first fan; b sells until it finds the pool
            // empty while a still holds units: b's next fan is told to retry, not that it sold out.
            _ = try await b.issueToken(saleId: sale.id, accountId: buyers[41])
            let first = try await buy(a, buyers[0])
            var next = 1
            while (try? await buy(b, buyers[next])) != nil { next += 1 }
            await #expect(throws: PurchaseRefusal.inProgress) { _ = try await buy(b, buyers[next]) }
            // The first fan's key reaches b. Until the sell-out settles b looks every key up, so
            // the retry answers the order a made, from the fast path on.
            #expect(try b.quickPrecheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "key-\(buyers[0])") == false)
            try await b.precheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "key-\(buyers[0])")
            let early = try await buy(b, buyers[0])
            #expect(early.replayed && early.order.id == first.order.id)
            // a sells its last units (and, finding nothing anywhere, says sold out); on its next
            // tick b does too, and reads the buyers.
            var lastOfA = buyers[0]
            while true {
                do { lastOfA = buyers[next]; _ = try await buy(a, buyers[next]); next += 1 } catch let refusal as PurchaseRefusal {
                    #expect(refusal == .soldOut)
                    break
                }
            }
            try await b.tick()
            #expect(try b.quickPrecheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "key-\(buyers[0])") == false)
            let retried = try await buy(b, buyers[0])
            #expect(retried.replayed && retried.order.id == first.order.id)
            #expect(try await buy(b, buyers[next - 1]).replayed)
            // A fan who bought nothing is now told the truth.
            #expect(throws: PurchaseRefusal.soldOut) { _ = try b.quickPrecheck(saleId: sale.id, accountId: lastOfA, idempotencyKey: "k") }
            await #expect(throws: PurchaseRefusal.soldOut) { _ = try await buy(b, lastOfA) }
            #expect(try await expectConserved(store, sale).sold == 40)
        }
    }

    /// A unit of a settled sell-out comes back (a cancellation) and another node sells it: the
    /// sale's count of units ever bought moves though `sold` does not, so on its next tick the
    /// settled node reads that one new buyer and answers the buyer's key with the order.
    @Test(arguments: Backends.all) func aUnitSoldAgainAfterTheSellOutSettledIsLearnedOnTheNextTick(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 2)
            let buyers = try await fans(store, 4)
            let (a, b) = twoNodes(store)
            clock.advance(by: 60)
            let cancelled = try await buyWithToken(a, sale, buyers[0])
            _ = try await buyWithToken(b, sale, buyers[1])
            for node in [a, b] { try await node.tick() }
            await #expect(throws: PurchaseRefusal.soldOut) { _ = try await buyWithToken(b, sale, buyers[2]) }
            #expect(try await store.sellOut(saleId: sale.id, node: "node-b", now: clock.now(), leaseLifetime: 5)
                == SellOutFigures(pool: 0, leasedElsewhere: 0, bought: 2))
            // The first order is cancelled (node a hears of it) and a sells the unit again.
            _ = try await store.desk(clock, saleUnits: a).cancel(orderId: cancelled.order.id, actor: "account:\(buyers[0])", note: "changed my mind")
            #expect(try await store.sellOut(saleId: sale.id, node: "node-b", now: clock.now(), leaseLifetime: 5).pool == 1)
            let resold = try await buyWithToken(a, sale, buyers[3])
            let figures = try await store.sellOut(saleId: sale.id, node: "node-b", now: clock.now(), leaseLifetime: 5)
            #expect(figures.bought == 3 && figures.final)
            #expect(try await store.buyers(saleId: sale.id, boughtAfter: 2) == [buyers[3]])
            #expect(try await expectConserved(store, sale).sold == 2)
            // b still holds the sell-out it settled at 2 units bought; its tick sees 3 and reads the new buyer.
            try await b.tick()
            try await b.precheck(saleId: sale.id, accountId: buyers[3], idempotencyKey: "key-\(buyers[3])")
            let answered = try await buyWithToken(b, sale, buyers[3])
            #expect(answered.replayed && answered.order.id == resold.order.id)
            #expect(throws: PurchaseRefusal.soldOut) { _ = try b.quickPrecheck(saleId: sale.id, accountId: buyers[2], idempotencyKey: "k") }
            // A node that starts now reads the buyers whose orders were since cancelled too: the
            // first fan's key still answers its (cancelled) order there, not `sold_out`.
            #expect(Set(try await store.buyers(saleId: sale.id, boughtAfter: -1)) == [buyers[0], buyers[1], buyers[3]])
            let c = FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock, node: "node-c")
            await #expect(throws: PurchaseRefusal.soldOut) { _ = try await buyWithToken(c, sale, buyers[2]) }
            let kept = try await buyWithToken(c, sale, buyers[0])
            #expect(kept.replayed && kept.order.id == cancelled.order.id && kept.order.status == .cancelled)
        }
    }

    /// Every fan sends one purchase, under one key, to two nodes at the same moment (a client
    /// retrying through another node), and there are fewer units than fans: each fan gets at
    /// most one order, and each answer is that order, `purchase_in_progress` (whose retry
    /// answers the order or, for a fan who bought nothing, `sold_out` once settled) or, for a fan
    /// who bought nothing, `sold_out`; never `limit_reached`, and never `sold_out` to a buyer.
    @Test(arguments: Backends.all) func theSameKeyAtTwoNodesAtOnceBuysOneOrder(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 16)
            let buyers = try await fans(store, 24)
            let nodes = ["node-a", "node-b"].map { node in
                FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock, node: node,
                                admission: Admission(perAccount: (100, 100), perIP: (10_000, 10_000)))
            }
            clock.advance(by: 60)
            var tokens: [String: String] = [:]
            for buyer in buyers { tokens[buyer] = try await nodes[0].issueToken(saleId: sale.id, accountId: buyer).token }
            let frozen = tokens
            func send(_ node: FlashSaleEngine, _ buyer: String) async -> Result<SaleOrder, any Error> {
                do {
                    return .success(try await node.purchase(
                        saleId: sale.id, accountId: buyer, ip: "ip", idempotencyKey: "both-\(buyer)", address: address, token: frozen[buyer]))
                } catch { return .failure(error) }
            }
            var answers = await withTaskGroup(of: (String, Result<SaleOrder, any Error>).self) { group in
                for buyer in buyers { for node in nodes { group.addTask { (buyer, await send(node, buyer)) } } }
                return await group.reduce(into: [String: [Result<SaleOrder, any Error>]]()) { $0[$1.0, default: []].append($1.1) }
            }
            // Fans told to retry do, after each node's tick (and after a node holding a unit no one
            // took gives it back), until every fan has an order or `sold_out` from both nodes.
            func settled(_ buyer: String) -> Bool {
                let last = answers[buyer]!.suffix(2)
                return last.contains { if case .success = $0 { true } else { false } }
                    || last.allSatisfy { if case .failure(let error) = $0 { error as? PurchaseRefusal == .soldOut } else { false } }
            }
            for _ in 0..<10 where !buyers.allSatisfy(settled) {
                clock.advance(by: 1)
                for node in nodes { try await node.tick() }
                for buyer in buyers where !settled(buyer) { for node in nodes { answers[buyer]!.append(await send(node, buyer)) } }
            }
            var withOrder = 0
            for buyer in buyers {
                var orders: Set<String> = []
                var refusals: [PurchaseRefusal] = []
                for answer in answers[buyer]! {
                    switch answer {
                    case .success(let bought): orders.insert(bought.order.id)
                    case .failure(let error):
                        let refusal = try #require(error as? PurchaseRefusal, "\(error)")
                        #expect(refusal == .inProgress || refusal == .soldOut, "\(buyer): \(refusal)")
                        refusals.append(refusal)
                    }
                }
                #expect(settled(buyer), "\(buyer) was still told to retry")
                #expect(orders.count <= 1, "\(buyer) got \(orders.count) orders")
                if !orders.isEmpty {
                    withOrder += 1
                    #expect(!refusals.contains(.soldOut), "\(buyer) bought and was told sold out")
                }
            }
            let figures = try await expectConserved(store, sale)
            #expect(figures.sold == Int64(withOrder) && withOrder >= 12 && withOrder <= 16, "\(withOrder) orders")
        }
    }

    /// On PostgreSQL the journal waits for the buyer's row: while another transaction holding it
    /// writes an order under the same key, the journal's commit of that key waits, then answers
    /// that order instead of refusing the buyer at the limit.
    @Test func aKeyCommittingElsewhereIsWaitedForThenReplayed() async throws {
        guard Backends.all.contains(.postgres) else { return }
        try await Backends.withDemoStore(.postgres, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 4)
            let buyer = try await fans(store, 1)[0]
            clock.advance(by: 60)
            #expect(try await store.lease(saleId: sale.id, node: "node-b", units: 1, now: clock.now(), leaseLifetime: 5) == 1)
            let elsewhere = try purchase(sale, buyer, key: "same-key"), here = try purchase(sale, buyer, key: "same-key")
            let holding = Task {
                try await store.sqlTransaction { db in
                    // What node a's journal does with its purchase, held open until node b's commit waits.
                    _ = try await SQLStore.replays(db: db, backend: .postgres, [elsewhere])
                    _ = try await SQLStore.countPurchase(db: db, saleId: sale.id, accounts: [buyer], limit: 1)
                    _ = try await SQLStore.insertSaleOrder(db: db, elsewhere, note: "bought in the flash sale")
                    let committing = Task { try await store.commit([here], node: "node-b") }
                    var waiting = false
                    for _ in 0..<500 where !waiting {
                        try await Task.sleep(for: .milliseconds(10))
                        waiting = try await store.read { other in
                            try await other.raw("""
                                SELECT count(*) AS n FROM pg_stat_activity
                                WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()
                                """).first()!.int("n") > 0
                        }
                    }
                    #expect(waiting, "node b's commit never waited for the buyer's row")
                    return committing
                }
            }
            let outcome = try await holding.value.value
            #expect(outcome == [.replayed(orderId: elsewhere.orderId)])
            #expect(try await store.figures(saleId: sale.id, now: clock.now(), leaseLifetime: 5).leased == 1)
        }
    }
}
