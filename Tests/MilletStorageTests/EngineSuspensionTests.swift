import Foundation
import MilletCore
import Synchronization
import Testing
@testable import MilletStorage

/// The flash-sale engine across its suspension points: a sale dropped from memory while a
/// purchase waited on the database is answered as ended, never a trap.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aSaleForgottenWhileAReadIsOutAnswersEnded(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 5, reservedOnly: true)
            let buyer = try await fans(store, 1)[0]
            let stall = StallingSaleRepository(store)
            let engine = FlashSaleEngine(repository: stall, catalog: store, orders: store, markets: store, clock: clock, node: "node-a")
            // At the start, before reservations settle, a reserved-only sale asks the database
            // whether this fan reserved: the engine waits there.
            clock.advance(by: 60)
            let asking = Task { try await engine.issueToken(saleId: sale.id, accountId: buyer) }
            await stall.stalled()
            // Meanwhile the sale ends, its keep-time passes and a tick forgets it.
            clock.advance(by: sale.endsAt.timeIntervalSince(clock.now()) + FlashSaleEngine.keepEnded + 1)
            try await engine.tick()
            #expect(await engine.salesInMemory.sales == 0)
            stall.resume()
            await #expect(throws: PurchaseRefusal.ended) { _ = try await asking.value }
        }
    }

    /// A node holding units while the pool is empty gives them back on its tick; when the
    /// database does not take them, they stay this node's to sell, not lost until the lease lapses.
    @Test(arguments: Backends.all) func unitsTheDatabaseDidNotTakeBackAreStillSoldHere(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let sale = try await scheduleSale(store, units: 8)
            let buyers = try await fans(store, 2)
            let failing = StallingSaleRepository(store)
            let engine = FlashSaleEngine(repository: failing, catalog: store, orders: store, markets: store, clock: clock, node: "node-a")
            clock.advance(by: 60)
            _ = try await buyWithToken(engine, sale, buyers[0])
            // node-a leased two units and sold one; another node takes the rest of the pool.
            #expect(try await store.lease(saleId: sale.id, node: "node-b", units: 8, now: clock.now(), leaseLifetime: 5) == 6)
            clock.advance(by: 1)
            failing.returnsFail.withLock { $0 = true }
            await #expect(throws: CancellationError.self) { try await engine.tick() }
            failing.returnsFail.withLock { $0 = false }
            #expect(!(try await buyWithToken(engine, sale, buyers[1]).replayed))
            #expect(try await expectConserved(store, sale).sold == 2)
        }
    }
}

/// The store as the flash-sale engine sees it, except that the first `hasReserved` read waits
/// until the test resumes it, and lease returns fail while `returnsFail` is set.
final class StallingSaleRepository: FlashSaleRepository {
    let inner: SQLStore
    let returnsFail = Mutex(false)
    private let (reached, reachedIn) = AsyncStream.makeStream(of: Void.self)
    private let (go, goIn) = AsyncStream.makeStream(of: Void.self)

    init(_ inner: SQLStore) { self.inner = inner }

    /// Returns once a read is waiting.
    func stalled() async { for await _ in reached { return } }
    /// Lets the waiting read go on.
    func resume() { goIn.finish() }

    func hasReserved(saleId: String, accountId: String) async throws -> Bool {
        reachedIn.yield()
        for await _ in go {}
        return try await inner.hasReserved(saleId: saleId, accountId: accountId)
    }

    func createSale(_ sale: FlashSale) async throws { try await inner.createSale(sale) }
    func sale(id: String) async throws -> FlashSale? { try await inner.sale(id: id) }
    func sales(endingAfter after: Date, limit: Int) async throws -> [FlashSale] { try await inner.sales(endingAfter: after, limit: limit) }
    func figures(saleId: String, now: Date, leaseLifetime: TimeInterval) async throws -> SaleFigures {
        try await inner.figures(saleId: saleId, now: now, leaseLifetime: leaseLifetime)
    }
    func reserve(_ reservations: [SaleReservation]) async throws -> [ReservationOutcome] { try await inner.reserve(reservations) }
    func reservedAccounts(saleId: String) async throws -> Set<String> { try await inner.reservedAccounts(saleId: saleId) }
    func buyers(saleId: String) async throws -> [String: Int] { try await inner.buyers(saleId: saleId) }
    func buyers(saleId: String, boughtAfter count: Int64) async throws -> [String] { try await inner.buyers(saleId: saleId, boughtAfter: count) }
    func lease(saleId: String, node: String, units: Int64, now: Date, leaseLifetime: TimeInterval) async throws -> Int64 {
        try await inner.lease(saleId: saleId, node: node, units: units, now: now, leaseLifetime: leaseLifetime)
    }
    func sellOut(saleId: String, node: String, now: Date, leaseLifetime: TimeInterval) async throws -> SellOutFigures {
        try await inner.sellOut(saleId: saleId, node: node, now: now, leaseLifetime: leaseLifetime)
    }
    func renewLeases(node: String, now: Date) async throws { try await inner.renewLeases(node: node, now: now) }
    func returnLease(saleId: String, node: String, units: Int64) async throws {
        if returnsFail.withLock({ $0 }) { throw CancellationError() }
        try await inner.returnLease(saleId: saleId, node: node, units: units)
    }
    func commit(_ purchases: [SalePurchase], node: String) async throws -> [JournalOutcome] { try await inner.commit(purchases, node: node) }
    func commitOne(_ purchase: SalePurchase) async throws -> JournalOutcome { try await inner.commitOne(purchase) }
    func issueFCodes(saleId: String, count: Int, now: Date) async throws -> [String] { try await inner.issueFCodes(saleId: saleId, count: count, now: now) }
    func redeem(fcode: String, purchase: SalePurchase) async throws -> JournalOutcome { try await inner.redeem(fcode: fcode, purchase: purchase) }
    func saleRelease(orderId: String) async throws -> SaleRelease? { try await inner.saleRelease(orderId: orderId) }
    func closeEndedSales(now: Date) async throws -> [String] { try await inner.closeEndedSales(now: now) }
    var journalExecutor: (any TaskExecutor)? { inner.journalExecutor }
}
