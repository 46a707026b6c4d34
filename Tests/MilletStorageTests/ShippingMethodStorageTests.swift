import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Shipping methods on every backend: the chosen method's price is in the order total, free
/// over its threshold, by weight for express; a method the market does not offer holds nothing.
extension StorageConformanceTests {
    func day(_ text: String) -> Date { try! Date(text + "T00:00:00Z", strategy: .iso8601) }

    @Test(arguments: Backends.all) func theChosenMethodIsPricedIntoTheOrder(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let desk = store.desk(clock)
            let price = try #require(try await store.price(skuId: sku.id, marketCode: "IN")).shelfPrice
            let items = [CartItem(skuId: sku.id, quantity: 3)]
            // Three boxed phones weigh 1,260 g: express charges the first kilogram and one more.
            let express = try await desk.place(
                accountId: fan.id, market: market, items: items, address: address, shippingMethod: "express",
                idempotencyKey: "ship-method-1", language: "hi", clearingCart: nil).order
            #expect(express.totals.shipping == 9_900 + 4_900 && express.totals.subtotal == price * 3)
            #expect(express.totals.total == price * 3 + 14_800)
            // Placed on Friday 15 January 2027: one to two working days.
            #expect(express.shipping == OrderShipping(
                methodCode: "express", methodName: "एक्सप्रेस डिलीवरी",
                delivery: DeliveryWindow(earliest: day("2027-01-18"), latest: day("2027-01-19"))))
            #expect(try await store.order(id: express.id) == express)

            // Standard is the default and free over ₹999.
            let standard = try await desk.place(
                accountId: fan.id, market: market, items: [CartItem(skuId: sku.id, quantity: 1)], address: address, shippingMethod: nil,
                idempotencyKey: "ship-method-2", language: "en", clearingCart: nil).order
            #expect(standard.totals.shipping == 0 && standard.totals.total == price)
            #expect(standard.shipping?.methodCode == "standard" && standard.shipping?.delivery.latest == day("2027-01-26"))
            try await expectStock(store, sku: sku, held: 4, sold: 0)

            // A method the market does not offer, or no longer offers, holds nothing.
            await #expect(throws: DomainError.self) {
                try await desk.place(
                    accountId: fan.id, market: market, items: items, address: address, shippingMethod: "drone",
                    idempotencyKey: "ship-method-3", language: "en", clearingCart: nil)
            }
            let methods = try await store.shippingMethods(marketCode: "IN", includeInactive: false)
            let old = try #require(methods.first { $0.code == "express" })
            try await store.save(ShippingMethod(
                stored: "IN", code: "express", names: old.names, rate: old.rate, freeOver: nil, minDays: 1, maxDays: 2,
                position: old.position, active: false))
            #expect(try await store.shippingMethods(marketCode: "IN", includeInactive: false).map(\.code) == ["standard"])
            #expect(try await store.shippingMethods(marketCode: "IN", includeInactive: true).map(\.code) == ["standard", "express"])
            await #expect(throws: DomainError.self) {
                try await desk.place(
                    accountId: fan.id, market: market, items: items, address: address, shippingMethod: "express",
                    idempotencyKey: "ship-method-4", language: "en", clearingCart: nil)
            }
            try await expectStock(store, sku: sku, held: 4, sold: 0)
            // The order placed before the change keeps its method and price.
            #expect(try await store.order(id: express.id)?.totals.shipping == 14_800)
        }
    }
}
