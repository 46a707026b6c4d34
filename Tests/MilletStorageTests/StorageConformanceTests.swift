import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// One suite, every backend: what the repositories promise, checked on real databases.
@Suite(.serialized) struct StorageConformanceTests {
    let clock = TestClock()
    let address = try! ShippingAddress(name: "Asha", line1: "12 MG Road", city: "Bengaluru", postcode: "560001", phone: "+91 98450 00000")

    @Test func postgresIsPresentWhenRequired() {
        if ProcessInfo.processInfo.environment["MILLET_REQUIRE_POSTGRES"] == "1" {
            #expect(Backends.postgresURL != nil, "scripts/test must provide a PostgreSQL server")
        }
    }

    @Test(arguments: Backends.all) func migrationsAreVersionedAndIdempotent(backend: SQLStore.Backend) async throws {
        let store = try await Backends.freshStore(backend)
        #expect(try await store.schemaVersion() == SQLStore.migrations.count)
        #expect(try await store.migrate().isEmpty)
        await store.close()
    }

    @Test(arguments: Backends.all) func demoDataRoundTrips(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            #expect(try await store.markets().map(\.code) == ["CN", "ES", "GB", "ID", "IN"])
            #expect(try await store.market(code: "ID")?.currency == Currency(code: "IDR", minorDigits: 0))
            let note = try #require(try await store.product(slug: "millet-note-3"))
            #expect(note.skus.count == 4)
            #expect(note.text(in: "zh-Hans").name == "小米粒 Note 3")
            #expect(try await store.prices(productId: note.id, marketCode: "IN").count == 4)
            let available = try await store.available(skuIds: [note.skus[0].id], marketCode: "IN")
            #expect(available[note.skus[0].id] == DemoData.unitsPerWarehouse)
            #expect(try await store.account(email: "fan@millet.test")?.role == .customer)
        }
    }

    @Test(arguments: Backends.all) func anOrderHoldsThenSellsStockAndRecordsItsTimeline(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let (order, created) = try await place(store, fan: fan, sku: sku, quantity: 3, market: market, key: "key-00001")
            #expect(created && order.status == .pendingPayment)
            #expect(order.paymentDeadline == clock.now().addingTimeInterval(30 * 60))
            try await expectStock(store, sku: sku, held: 3, sold: 0)

            let payment = try await store.createPayment(orderId: order.id, provider: "sandbox", now: clock.now())
            #expect(payment.amount == order.totals.total)
            let notice = PaymentNotice(eventId: "evt_a", kind: .succeeded, paymentId: payment.id, amount: payment.amount, currency: payment.currency)
            #expect(try await store.desk(clock).receive(notice, provider: "sandbox").outcome == .orderPaid)
            #expect(try await store.desk(clock).receive(notice, provider: "sandbox").outcome == .duplicate)
            try await expectStock(store, sku: sku, held: 0, sold: 3)

            let shipped = try await store.desk(clock).ship(orderId: order.id, serials: [], actor: "staff:x", note: "")
            #expect(shipped.timeline.map(\.to) == [.pendingPayment, .paid, .shipped])
            #expect(shipped.timeline.map(\.actor) == ["account:\(fan.id)", "provider:sandbox", "staff:x"])
            await #expect(throws: DomainError.self) {
                try await store.desk(clock).apply(.complete, orderId: order.id, serials: [], actor: "x", note: "")
            }
            try await expectStock(store, sku: sku, held: 0, sold: 3)
        }
    }

    @Test(arguments: Backends.all) func theSameIdempotencyKeyGivesTheSameOrder(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let first = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "same-key-1")
            let second = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "same-key-1")
            #expect(first.order.id == second.order.id && !second.created)
            try await expectStock(store, sku: sku, held: 1, sold: 0)
        }
    }

    @Test(arguments: Backends.all) func aFailedLineHoldsNothing(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let band = try #require(try await store.product(slug: "millet-band-2")).skus[0]
            let draft = OrderDraft(
                id: Identifier.make(), accountId: fan.id, market: market,
                lines: [(sku.id, sku.code, "Note", 2, 100), (band.id, band.code, "Band", Int(DemoData.unitsPerWarehouse) + 1, 100)],
                totals: try OrderTotals.compute(lines: [(100, 2)], market: market), shippingAddress: address,
                idempotencyKey: "key-fail-1", now: clock.now())
            await #expect(throws: DomainError.conflict(code: "out_of_stock", message: "not enough MB2-BLK in stock")) {
                try await store.place(draft, clearingCart: nil)
            }
            try await expectStock(store, sku: sku, held: 0, sold: 0)
            #expect(try await store.order(id: draft.id) == nil)
        }
    }

    @Test(arguments: Backends.all) func racingCheckoutsSellExactlyTheUnitsThereAre(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            // Leave exactly 5 units: hold the rest in one order.
            _ = try await place(store, fan: fan, sku: sku, quantity: Int(DemoData.unitsPerWarehouse) - 5, market: market, key: "bulk-000001", allowBulk: true)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for attempt in 0..<40 {
                    group.addTask {
                        do {
                            _ = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "race-\(attempt)-key")
                            return true
                        } catch DomainError.conflict(code: "out_of_stock", _) {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 5)
            try await expectStock(store, sku: sku, held: DemoData.unitsPerWarehouse, sold: 0)
        }
    }

    @Test(arguments: Backends.all) func overdueOrdersExpireAndALatePaymentIsRefunded(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let (order, _) = try await place(store, fan: fan, sku: sku, quantity: 2, market: market, key: "late-key-1")
            let payment = try await store.createPayment(orderId: order.id, provider: "sandbox", now: clock.now())
            clock.advance(by: 29 * 60)
            #expect(try await store.desk(clock).expireOverdue().isEmpty)
            clock.advance(by: 60)
            #expect(try await store.desk(clock).expireOverdue() == [order.id])
            try await expectStock(store, sku: sku, held: 0, sold: 0)

            let notice = PaymentNotice(eventId: "evt_late", kind: .succeeded, paymentId: payment.id, amount: payment.amount, currency: payment.currency)
            let (outcome, refunded) = try await store.desk(clock).receive(notice, provider: "sandbox")
            #expect(outcome == .refundedLate && refunded.status == .refunded)
            let after = try #require(try await store.order(id: order.id))
            #expect(after.status == .cancelled)
            #expect(after.timeline.last?.note == "refund of INR \(payment.amount / 100).00 requested: late payment \(payment.id)")
            #expect(after.refunds.map(\.amount) == [payment.amount] && after.refunds.map(\.status) == [.requested])
            try await expectStock(store, sku: sku, held: 0, sold: 0)
        }
    }

    @Test(arguments: Backends.all) func aMismatchedAmountChangesNothing(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let (order, _) = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "mismatch-1")
            let payment = try await store.createPayment(orderId: order.id, provider: "sandbox", now: clock.now())
            let notice = PaymentNotice(eventId: "evt_m", kind: .succeeded, paymentId: payment.id, amount: payment.amount - 1, currency: payment.currency)
            await #expect(throws: DomainError.self) { try await store.desk(clock).receive(notice, provider: "sandbox") }
            #expect(try await store.order(id: order.id)?.status == .pendingPayment)
            #expect(try await store.payment(id: payment.id)?.status == .pending)
        }
    }

    @Test(arguments: Backends.all) func aGuestCartMergesIntoTheAccountCart(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, _) = try await fixture(store)
            let guest = try await store.cart(for: .guest("g1"), marketCode: "IN")
            try await store.setQuantity(cartId: guest.id, skuId: sku.id, quantity: 8)
            let mine = try await store.cart(for: .account(fan.id), marketCode: "IN")
            try await store.setQuantity(cartId: mine.id, skuId: sku.id, quantity: 4)
            try await store.mergeGuestCart(token: "g1", into: fan.id, marketCode: "IN")
            #expect(try await store.cart(for: .account(fan.id), marketCode: "IN").items == [CartItem(skuId: sku.id, quantity: Cart.maxQuantityPerSKU)])
            #expect(try await store.cart(for: .guest("g1"), marketCode: "IN").items.isEmpty)
        }
    }

    @Test(arguments: Backends.all) func sessionsExpireAndEmailsAreUnique(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let fan = try #require(try await store.account(email: "fan@millet.test"))
            try await store.createSession(tokenHash: "h1", accountId: fan.id, expiresAt: clock.now().addingTimeInterval(60))
            let live = try #require(try await store.sessions(tokenHashes: ["h1"], now: clock.now())["h1"])
            #expect(live.account.id == fan.id && live.expiresAt == clock.now().addingTimeInterval(60))
            #expect(try await store.sessions(tokenHashes: ["h1"], now: clock.now().addingTimeInterval(61)).isEmpty)
            await #expect(throws: DomainError.conflict(code: "email_taken", message: "an account with this email exists")) {
                try await store.create(Account(id: Identifier.make(), email: "fan@millet.test", displayName: "x", role: .customer, passwordHash: "", createdAt: clock.now()))
            }
        }
    }

    // MARK: helpers

    func fixture(_ store: SQLStore) async throws -> (Account, SKU, Market) {
        let fan = try #require(try await store.account(email: "fan@millet.test"))
        let sku = try #require(try await store.product(slug: "millet-note-3")).skus[0]
        return (fan, sku, try #require(try await store.market(code: "IN")))
    }

    func place(_ store: SQLStore, fan: Account, sku: SKU, quantity: Int, market: Market, key: String, allowBulk: Bool = false) async throws -> (order: Order, created: Bool) {
        let price = try #require(try await store.price(skuId: sku.id, marketCode: market.code))
        let totals = try OrderTotals.compute(lines: [(price.shelfPrice, quantity)], market: market)
        let draft = OrderDraft(
            id: Identifier.make(), accountId: fan.id, market: market, lines: [(sku.id, sku.code, "Note 3", quantity, price.shelfPrice)],
            totals: totals, shippingAddress: address, idempotencyKey: key, now: clock.now())
        return try await store.place(draft, clearingCart: nil)
    }

    func expectStock(_ store: SQLStore, sku: SKU, held: Int64, sold: Int64, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let levels = try await store.stock(skuId: sku.id)
        let warehouse = try #require(try await store.warehouses(marketCode: "IN").first)
        let india = try #require(levels.first { $0.warehouseId == warehouse.id })
        #expect(india.held == held && india.sold == sold, sourceLocation: sourceLocation)
        for level in levels { #expect(level.received == level.available + level.held + level.sold, sourceLocation: sourceLocation) }
    }
}
