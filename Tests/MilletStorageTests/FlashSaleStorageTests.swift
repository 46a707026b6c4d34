import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Flash sales on every backend: the sale takes and returns stock, the journal keeps the limit and
/// the idempotency keys, dead leases come back, and the engine sells exactly the units there are.
/// An extension of the conformance suite so PostgreSQL tests stay serialized.
extension StorageConformanceTests {
    /// A sale of `units` Note 3 phones in India opening a minute from the clock's now.
    func scheduleSale(_ store: SQLStore, units: Int64, limit: Int = 1, reservedOnly: Bool = false) async throws -> FlashSale {
        let (_, sku, _) = try await fixture(store)
        return try await SaleScheduler(catalog: store, inventory: store, markets: store, sales: store, pricing: PricingPolicy(), clock: clock)
            .schedule(SaleRequest(
                title: "Note 3 launch", skuId: sku.id, marketCode: "IN", startsAt: clock.now().addingTimeInterval(60),
                endsAt: clock.now().addingTimeInterval(3600), units: units, perAccountLimit: limit, reservedOnly: reservedOnly))
    }

    func purchase(_ sale: FlashSale, _ accountId: String, key: String = Identifier.make()) throws -> SalePurchase {
        SalePurchase(
            orderId: Identifier.make(), sale: sale, accountId: accountId, idempotencyKey: key, address: address,
            totals: OrderTotals(subtotal: sale.price, shipping: 0, tax: 0, total: sale.price, pricesIncludeTax: true),
            skuCode: "N3", productName: "Note 3", now: clock.now())
    }

    /// The number of the `sequence`th order of the sale's market today.
    func orderNumber(_ sale: FlashSale, _ sequence: Int64) -> String {
        Order.number(market: sale.marketCode, day: Order.numberDay(clock.now()), sequence: sequence)
    }

    /// Two engines selling from one database, as two nodes do.
    func twoNodes(_ store: SQLStore) -> (FlashSaleEngine, FlashSaleEngine) {
        (FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock, node: "node-a"),
         FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock, node: "node-b"))
    }

    /// A fan's purchase through `engine` with a fresh token, under the key `key-<buyer>`.
    func buyWithToken(_ engine: FlashSaleEngine, _ sale: FlashSale, _ buyer: String) async throws -> SaleOrder {
        let token = try await engine.issueToken(saleId: sale.id, accountId: buyer).token
        return try await engine.purchase(saleId: sale.id, accountId: buyer, ip: "ip-\(buyer)", idempotencyKey: "key-\(buyer)", address: address, token: token)
    }

    func fans(_ store: SQLStore, _ count: Int) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            let account = Account(id: Identifier.make(), email: "buyer\(index)@fan.test", displayName: "Buyer \(index)", role: .customer,
                                  passwordHash: "x", createdAt: clock.now())
            try await store.create(account)
            ids.append(account.id)
        }
        return ids
    }

    /// units = sold + leased + F-code allotment + returned + pool, and the warehouse agrees.
    func expectConserved(_ store: SQLStore, _ sale: FlashSale, sourceLocation: SourceLocation = #_sourceLocation) async throws -> SaleFigures {
        let figures = try await store.figures(saleId: sale.id, now: clock.now(), leaseLifetime: 5)
        #expect(figures.pool >= 0, sourceLocation: sourceLocation)
        #expect(figures.sold + figures.leased + figures.fcodeUnits + figures.returned + figures.pool == figures.units, sourceLocation: sourceLocation)
        let active = try await store.read { db in
            try await db.raw("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM orders WHERE flash_sale_id = \(bind: sale.id) AND status IN ('pending_payment', 'paid')
                """).first()!.int("n")
        }
        #expect(active == figures.sold, sourceLocation: sourceLocation)
        for level in try await store.stock(skuId: sale.skuId) {
            #expect(level.received == level.available + level.held + level.sold, sourceLocation: sourceLocation)
        }
        return figures
    }

    @Test(arguments: Backends.all) func aSaleTakesItsUnitsFromStockAndGivesBackWhatItDidNotSell(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 30)
            try await expectStock(store, sku: try await fixture(store).1, held: 30, sold: 0)
            await #expect(throws: DomainError.conflict(code: "out_of_stock", message: "the warehouse has fewer than 71 units available")) {
                _ = try await scheduleSale(store, units: 71)
            }
            let buyers = try await fans(store, 3)
            #expect(try await store.lease(saleId: sale.id, node: "a", units: 10, now: clock.now(), leaseLifetime: 5) == 10)
            let outcomes = try await store.commit(try buyers.map { try purchase(sale, $0) }, node: "a")
            #expect(outcomes.allSatisfy { if case .created = $0 { true } else { false } })
            var figures = try await expectConserved(store, sale)
            #expect(figures.sold == 3 && figures.leased == 7 && figures.pool == 20)

            clock.advance(by: 3600)
            #expect(try await store.closeEndedSales(now: clock.now()) == [sale.id])
            figures = try await expectConserved(store, sale)
            #expect(figures.returned == 27 && figures.leased == 0 && figures.pool == 0)
            // The three orders still hold their units; the rest is back in the store.
            try await expectStock(store, sku: try await fixture(store).1, held: 3, sold: 0)
            #expect(try await store.lease(saleId: sale.id, node: "a", units: 10, now: clock.now(), leaseLifetime: 5) == 0)
        }
    }

    @Test(arguments: Backends.all) func aReservationAnswersTheCountItMade(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 5, reservedOnly: true)
            let (asha, ravi) = try await { let ids = try await fans(store, 2); return (ids[0], ids[1]) }()
            #expect(try await store.reserve(saleId: sale.id, accountId: asha, now: clock.now()) == (true, 1))
            #expect(try await store.reserve(saleId: sale.id, accountId: asha, now: clock.now()) == (false, 1))
            #expect(try await store.reserve(saleId: sale.id, accountId: ravi, now: clock.now()) == (true, 2))
            #expect(try await store.figures(saleId: sale.id, now: clock.now(), leaseLifetime: 5).reservations == 2)
            #expect(try await store.reservedAccounts(saleId: sale.id) == [asha, ravi])
            #expect(try await store.hasReserved(saleId: sale.id, accountId: ravi))
            await #expect(throws: (any Error).self) { _ = try await store.reserve(saleId: Identifier.make(), accountId: asha, now: clock.now()) }
            #expect(try await store.figures(saleId: sale.id, now: clock.now(), leaseLifetime: 5).reservations == 2)
        }
    }

    @Test(arguments: Backends.all) func aBatchOfReservationsAnswersEachFanItsOwnCount(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let first = try await scheduleSale(store, units: 5, reservedOnly: true), second = try await scheduleSale(store, units: 5, reservedOnly: true)
            let ids = try await fans(store, 4)
            let (a, b, c, d) = (ids[0], ids[1], ids[2], ids[3])
            #expect(try await store.reserve(saleId: first.id, accountId: a, now: clock.now()) == (true, 1))
            let batch = [(first, b), (first, a), (second, a), (first, b), (first, c), (second, d)].map {
                SaleReservation(saleId: $0.0.id, accountId: $0.1, now: clock.now())
            }
            let outcomes = try await store.reserve(batch)
            #expect(outcomes == [.init(added: true, reservations: 2), .init(added: false, reservations: 3), .init(added: true, reservations: 1),
                                 .init(added: false, reservations: 3), .init(added: true, reservations: 3), .init(added: true, reservations: 2)])
            let firstList = try await store.reservedAccounts(saleId: first.id), secondList = try await store.reservedAccounts(saleId: second.id)
            #expect(firstList == [a, b, c] && secondList == [a, d])
            #expect(try await store.figures(saleId: second.id, now: clock.now(), leaseLifetime: 5).reservations == 2)
            // A batch naming an unknown sale is refused whole: nothing of it is kept.
            let refused = [SaleReservation(saleId: second.id, accountId: b, now: clock.now()), SaleReservation(saleId: Identifier.make(), accountId: b, now: clock.now())]
            await #expect(throws: (any Error).self) { _ = try await store.reserve(refused) }
            #expect(try await store.reservedAccounts(saleId: second.id) == [a, d])
            #expect(try await store.figures(saleId: second.id, now: clock.now(), leaseLifetime: 5).reservations == 2)
        }
    }

    @Test(arguments: Backends.all) func theJournalKeepsTheLimitAndReplaysAKey(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 10)
            let fan = try await fans(store, 1)[0]
            _ = try await store.lease(saleId: sale.id, node: "a", units: 5, now: clock.now(), leaseLifetime: 5)
            let first = try purchase(sale, fan, key: "launch-key-1")
            // Numbered in the sale's market and day, one after another.
            #expect(try await store.commit([first, try purchase(sale, fan)], node: "a") == [.created(orderId: first.orderId, number: orderNumber(sale, 1)), .limitReached])
            #expect(try await store.commit([try purchase(sale, fan, key: "launch-key-1")], node: "a") == [.replayed(orderId: first.orderId)])
            let figures = try await expectConserved(store, sale)
            #expect(figures.sold == 1 && figures.leased == 4)
            let order = try #require(try await store.order(id: first.orderId))
            #expect(order.status == .pendingPayment && order.lines[0].unitPrice == sale.price)
            #expect(order.paymentDeadline == clock.now().addingTimeInterval(1800))
            // The row-lock path refuses the same way.
            await #expect(throws: PurchaseRefusal.limitReached) { _ = try await store.commitOne(try purchase(sale, fan)) }
        }
    }

    @Test(arguments: Backends.all) func aDeadNodesLeaseGoesBackAndItCannotSellFromIt(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 8)
            let fan = try await fans(store, 1)[0]
            #expect(try await store.lease(saleId: sale.id, node: "a", units: 5, now: clock.now(), leaseLifetime: 5) == 5)
            #expect(try await store.lease(saleId: sale.id, node: "b", units: 5, now: clock.now(), leaseLifetime: 5) == 3)
            clock.advance(by: 6)
            try await store.renewLeases(node: "b", now: clock.now())
            // a stopped renewing: its five units go to whoever leases next.
            #expect(try await store.lease(saleId: sale.id, node: "b", units: 10, now: clock.now(), leaseLifetime: 5) == 5)
            #expect(try await store.commit([try purchase(sale, fan)], node: "a") == [.leaseLost])
            let figures = try await expectConserved(store, sale)
            #expect(figures.leased == 8 && figures.sold == 0)
            try await store.returnLease(saleId: sale.id, node: "b", units: 8)
            #expect(try await expectConserved(store, sale).pool == 8)
        }
    }

    @Test(arguments: Backends.all) func anUnpaidSaleOrderPutsItsUnitBackOnSale(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 2)
            let fan = try await fans(store, 1)[0]
            _ = try await store.lease(saleId: sale.id, node: "a", units: 2, now: clock.now(), leaseLifetime: 5)
            let bought = try purchase(sale, fan)
            _ = try await store.commit([bought], node: "a")
            try await store.returnLease(saleId: sale.id, node: "a", units: 1)
            clock.advance(by: 1801)
            #expect(try await store.desk(clock).expireOverdue() == [bought.orderId])
            #expect(try await store.saleRelease(orderId: bought.orderId) == SaleRelease(saleId: sale.id, accountId: fan))
            let figures = try await expectConserved(store, sale)
            #expect(figures.sold == 0 && figures.pool == 2)
            #expect(try await store.buyers(saleId: sale.id).isEmpty)
            // The sale still holds both units in the warehouse; the store did not get them back.
            try await expectStock(store, sku: try await fixture(store).1, held: 2, sold: 0)
            // The same fan may buy again.
            _ = try await store.lease(saleId: sale.id, node: "a", units: 1, now: clock.now(), leaseLifetime: 5)
            let again = try purchase(sale, fan)
            #expect(try await store.commit([again], node: "a") == [.created(orderId: again.orderId, number: orderNumber(sale, 2))])
            #expect(try await store.order(id: again.orderId)?.number == orderNumber(sale, 2))
        }
    }

    @Test(arguments: Backends.all) func fCodesBuyFromTheirOwnAllotment(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 3)
            let (a, b) = try await { let ids = try await fans(store, 2); return (ids[0], ids[1]) }()
            let codes = try await store.issueFCodes(saleId: sale.id, count: 2, now: clock.now())
            #expect(codes.count == 2 && codes.allSatisfy(FCode.isWellFormed))
            #expect(try await expectConserved(store, sale).fcodeUnits == 2)
            await #expect(throws: DomainError.self) { _ = try await store.issueFCodes(saleId: sale.id, count: 2, now: clock.now()) }
            let bought = try purchase(sale, a)
            #expect(try await store.redeem(fcode: codes[0], purchase: bought) == .created(orderId: bought.orderId, number: orderNumber(sale, 1)))
            await #expect(throws: DomainError.conflict(code: "fcode_used", message: "this F-code was already used")) {
                _ = try await store.redeem(fcode: codes[0], purchase: try purchase(sale, b))
            }
            await #expect(throws: DomainError.notFound(what: "F-code")) {
                _ = try await store.redeem(fcode: FCode.make(), purchase: try purchase(sale, b))
            }
            // An F-code skips the queue, not the limit of one: the second code stays unused.
            #expect(try await store.redeem(fcode: codes[1], purchase: try purchase(sale, a)) == .limitReached)
            let figures = try await expectConserved(store, sale)
            #expect(figures.sold == 1 && figures.fcodeUnits == 1 && figures.pool == 1)
            #expect(try await store.buyers(saleId: sale.id)[a] == 1)
            let other = try purchase(sale, b)
            #expect(try await store.redeem(fcode: codes[1], purchase: other) == .created(orderId: other.orderId, number: orderNumber(sale, 2)))
        }
    }

    @Test(arguments: Backends.all) func manyConcurrentBuyersGetExactlyTheUnitsThereAre(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 50)
            let buyers = try await fans(store, 120)
            let engine = FlashSaleEngine(
                repository: store, catalog: store, orders: store, markets: store, clock: clock,
                admission: Admission(perAccount: (10, 10), perIP: (10_000, 10_000)))
            await #expect(throws: PurchaseRefusal.notStarted) { _ = try await engine.issueToken(saleId: sale.id, accountId: buyers[0]) }
            clock.advance(by: 60)
            var tokens: [String: String] = [:]
            for buyer in buyers { tokens[buyer] = try await engine.issueToken(saleId: sale.id, accountId: buyer).token }
            let passes = tokens
            // Every buyer tries three times at once, each with a new key.
            let results = await withTaskGroup(of: Result<SaleOrder, any Error>.self) { group in
                for buyer in buyers {
                    for attempt in 0..<3 {
                        group.addTask {
                            do {
                                return .success(try await engine.purchase(
                                    saleId: sale.id, accountId: buyer, ip: "ip", idempotencyKey: "k-\(attempt)-\(buyer)", address: address,
                                    token: passes[buyer]))
                            } catch {
                                return .failure(error)
                            }
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let wins = results.compactMap { try? $0.get() }
            let refusals = results.compactMap { result -> PurchaseRefusal? in
                if case .failure(let error) = result { return error as? PurchaseRefusal }
                return nil
            }
            let unexpected = results.compactMap { result -> String? in
                if case .failure(let error) = result, !(error is PurchaseRefusal) { return String(reflecting: error) }
                return nil
            }
            #expect(unexpected.isEmpty, "\(unexpected.prefix(3))")
            #expect(wins.count == 50)
            #expect(Set(wins.map(\.order.accountId)).count == 50)
            #expect(refusals.count == 310)
            // A buyer's other two attempts share the token that is buying, so they are refused as spent tokens.
            #expect(Set(refusals).isSubset(of: [.soldOut, .limitReached, .invalidToken]))
            for win in wins { #expect(try await store.order(id: win.order.id)?.status == .pendingPayment) }
            var figures = try await expectConserved(store, sale)
            #expect(figures.sold == 50 && figures.pool == 0 && figures.leased == 0)

            // Nobody pays: at the deadline every unit is back on sale and sold again.
            clock.advance(by: 1801)
            let expired = try await store.desk(clock, saleUnits: engine).expireOverdue()
            #expect(expired.count == 50)
            let again = wins[0].order.accountId
            // The token that bought the first order is spent; a fresh one buys again.
            await #expect(throws: PurchaseRefusal.invalidToken) {
                _ = try await engine.purchase(saleId: sale.id, accountId: again, ip: "ip", idempotencyKey: "spent", address: address, token: tokens[again])
            }
            let fresh = try await engine.issueToken(saleId: sale.id, accountId: again).token
            let second = try await engine.purchase(
                saleId: sale.id, accountId: again, ip: "ip", idempotencyKey: "second-chance", address: address, token: fresh)
            #expect(!second.replayed)
            figures = try await expectConserved(store, sale)
            #expect(figures.sold == 1)
            // The first key still answers the first order.
            let replay = try await engine.purchase(
                saleId: sale.id, accountId: again, ip: "ip", idempotencyKey: "second-chance", address: address, token: fresh)
            #expect(replay.replayed && replay.order.id == second.order.id)
        }
    }

    /// Three nodes (three engines with their own leases) sell one sale on one database: every
    /// buyer tries on two nodes at once, and the database keeps sold at units and each account
    /// at its limit. Then a node holding units it does not sell gives them back, so a node that
    /// said sold out sells them.
    @Test(arguments: Backends.all) func threeNodesNeverSellMoreThanTheUnitsAndStrandNone(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 40)
            let buyers = try await fans(store, 60)
            let nodes = ["node-a", "node-b", "node-c"].map { node in
                FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock, node: node,
                                admission: Admission(perAccount: (10, 10), perIP: (10_000, 10_000)))
            }
            clock.advance(by: 60)
            // Fans who got nothing try again a second later, as fans do; meanwhile nodes that
            // sold nothing gave their units back.
            var bought: Set<String> = []
            for round in 0..<6 where bought.count < 40 {
                let waiting = buyers.filter { !bought.contains($0) }
                let winners = await withTaskGroup(of: String?.self) { group in
                    for (i, buyer) in waiting.enumerated() {
                        for hop in 0..<2 {
                            let engine = nodes[(i + hop + round) % 3]
                            group.addTask {
                                guard let token = try? await engine.issueToken(saleId: sale.id, accountId: buyer).token else { return nil }
                                let order = try? await engine.purchase(
                                    saleId: sale.id, accountId: buyer, ip: "ip", idempotencyKey: "r\(round)-hop-\(hop)-\(buyer)", address: address,
                                    token: token)
                                return order.map { _ in buyer }
                            }
                        }
                    }
                    return await group.reduce(into: [String]()) { if let buyer = $1 { $0.append(buyer) } }
                }
                #expect(Set(winners).count == winners.count, "an account won on two nodes")
                bought.formUnion(winners)
                #expect(try await expectConserved(store, sale).sold == Int64(bought.count))
                clock.advance(by: 1)
                for node in nodes { try await node.tick() }
            }
            #expect(bought.count == 40)
            let figures = try await expectConserved(store, sale)
            #expect(figures.sold == 40)
            #expect(try await store.buyers(saleId: sale.id).values.allSatisfy { $0 == 1 })
            #expect(try await store.buyers(saleId: sale.id).count == 40)
        }
    }

    @Test(arguments: Backends.all) func aNodeThatSellsNothingGivesItsLeaseBack(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 40)
            let buyers = try await fans(store, 42)
            let (a, b) = twoNodes(store)
            clock.advance(by: 60)
            func buy(_ engine: FlashSaleEngine, _ buyer: String) async throws -> SaleOrder { try await buyWithToken(engine, sale, buyer) }
            // a leases a block of ten and sells one; b sells the rest of the pool, then finds it
            // empty. a still holds nine, so b does not say sold out: the fan is told to retry.
            _ = try await buy(a, buyers[0])
            for buyer in buyers[1...30] { _ = try await buy(b, buyer) }
            await #expect(throws: PurchaseRefusal.inProgress) { _ = try await buy(b, buyers[31]) }
            #expect(try await store.figures(saleId: sale.id, now: clock.now(), leaseLifetime: 5).leased == 9)
            // Half a second later a, which sells nothing, gives its nine back and b sells them.
            clock.advance(by: 1)
            try await a.tick()
            try await b.tick()
            #expect(try await store.figures(saleId: sale.id, now: clock.now(), leaseLifetime: 5).pool == 9)
            for buyer in buyers[31...39] { _ = try await buy(b, buyer) }
            await #expect(throws: PurchaseRefusal.soldOut) { _ = try await buy(b, buyers[40]) }
            #expect(try await expectConserved(store, sale).sold == 40)
        }
    }

    @Test(arguments: Backends.all) func anEndedSaleLeavesMemoryAndItsKeysStillReplay(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 5)
            let buyers = try await fans(store, 2)
            let engine = FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock, node: "node-a")
            clock.advance(by: 60)
            let token = try await engine.issueToken(saleId: sale.id, accountId: buyers[0]).token
            let first = try await engine.purchase(saleId: sale.id, accountId: buyers[0], ip: "ip", idempotencyKey: "key-0", address: address, token: token)
            let during = await engine.salesInMemory
            #expect(during.sales == 1 && during.wins == 1 && during.spentTokens == 1)
            // Still held just before the end plus keepEnded; gone just after.
            clock.advance(by: 3540 + FlashSaleEngine.keepEnded)
            try await engine.tick()
            #expect(await engine.salesInMemory.wins == 1)
            clock.advance(by: 1)
            try await engine.tick()
            let after = await engine.salesInMemory
            #expect(after.sales == 0 && after.wins == 0 && after.spentTokens == 0)
            // The key still answers its order, from the database; a new key is refused: the sale ended.
            try await engine.precheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "key-0")
            let replay = try await engine.purchase(saleId: sale.id, accountId: buyers[0], ip: "ip", idempotencyKey: "key-0", address: address, token: token)
            #expect(replay.replayed && replay.order.id == first.order.id)
            await #expect(throws: PurchaseRefusal.ended) {
                _ = try await engine.purchase(saleId: sale.id, accountId: buyers[1], ip: "ip", idempotencyKey: "key-1", address: address, token: nil)
            }
        }
    }

    @Test(arguments: Backends.all) func theFastPathAnswersAsThePrecheckDoesOrLeavesItToTheEngine(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 1)
            let buyers = try await fans(store, 2)
            let engine = FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock, node: "node-a")
            // A sale this node has not loaded: only the engine can tell.
            #expect(try engine.quickPrecheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "k0") == false)
            await #expect(throws: PurchaseRefusal.notStarted) { try await engine.precheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "k0") }
            #expect(throws: PurchaseRefusal.notStarted) { _ = try engine.quickPrecheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "k0") }
            clock.advance(by: 60)
            #expect(try engine.quickPrecheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "k0"))
            let token = try await engine.issueToken(saleId: sale.id, accountId: buyers[0]).token
            _ = try await engine.purchase(saleId: sale.id, accountId: buyers[0], ip: "ip", idempotencyKey: "k0", address: address, token: token)
            // The last unit is gone once a lease finds the pool empty; from then on the fast path refuses.
            let second = try await engine.issueToken(saleId: sale.id, accountId: buyers[1]).token
            await #expect(throws: PurchaseRefusal.soldOut) {
                _ = try await engine.purchase(saleId: sale.id, accountId: buyers[1], ip: "ip", idempotencyKey: "k1", address: address, token: second)
            }
            #expect(throws: PurchaseRefusal.soldOut) { _ = try engine.quickPrecheck(saleId: sale.id, accountId: buyers[1], idempotencyKey: "k2") }
            // A key that bought, and a sale that ended, go to the engine (a replay, an order looked up).
            #expect(try engine.quickPrecheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "k0") == false)
            try await engine.precheck(saleId: sale.id, accountId: buyers[0], idempotencyKey: "k0")
            clock.advance(by: 3600)
            #expect(try engine.quickPrecheck(saleId: sale.id, accountId: buyers[1], idempotencyKey: "k3") == false)
        }
    }
}
