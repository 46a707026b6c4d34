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
            // The first fan's key reaches b: its order is being made elsewhere as far as b knows.
            await #expect(throws: PurchaseRefusal.inProgress) { _ = try await buy(b, buyers[0]) }
            #expect(throws: PurchaseRefusal.inProgress) { _ = try b.quickPrecheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "key-\(buyers[0])") }
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

    /// Every fan sends one purchase, under one key, to two nodes at the same moment (a client
    /// retrying through another node): each gets one order, and each answer is that order or
    /// `purchase_in_progress`, whose retry answers it; never `sold_out` or `limit_reached`.
    @Test(arguments: Backends.all) func theSameKeyAtTwoNodesAtOnceBuysOneOrder(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 60)
            let buyers = try await fans(store, 24)
            let nodes = ["node-a", "node-b"].map { node in
                FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock, node: node,
                                admission: Admission(perAccount: (10, 10), perIP: (10_000, 10_000)))
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
            let answers = await withTaskGroup(of: (String, Result<SaleOrder, any Error>).self) { group in
                for buyer in buyers { for node in nodes { group.addTask { (buyer, await send(node, buyer)) } } }
                return await group.reduce(into: [String: [Result<SaleOrder, any Error>]]()) { $0[$1.0, default: []].append($1.1) }
            }
            for node in nodes { try await node.tick() }
            for buyer in buyers {
                var orders: Set<String> = []
                for answer in answers[buyer] ?? [] {
                    switch answer {
                    case .success(let bought): orders.insert(bought.order.id)
                    case .failure(let error):
                        #expect(error as? PurchaseRefusal == .inProgress, "\(error)")
                        // The retry answers the order.
                        for node in nodes { if case .success(let bought) = await send(node, buyer) { orders.insert(bought.order.id) } }
                    }
                }
                #expect(orders.count == 1, "\(buyer) got \(orders.count) orders")
            }
            #expect(try await expectConserved(store, sale).sold == Int64(buyers.count))
        }
    }
}
