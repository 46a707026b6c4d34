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
}
