import Foundation
import MilletCore
import MilletHTTP
import MilletStorage

extension BenchKit {
    /// A sale of `units` Note 3 phones in India, received into stock first, opening `opensIn`
    /// seconds from the clock's now and ending three hours from it.
    static func scheduleSale(
        services: MilletServices, store: SQLStore, clock: any MilletClock, units: Int64, opensIn: TimeInterval = 3600
    ) async throws -> FlashSale {
        guard let product = try await services.catalog.product(slug: "millet-note-3") else { throw BenchError.failed("no demo product") }
        let sku = product.skus[0].id
        guard let warehouse = try await store.warehouses(marketCode: "IN").first else { throw BenchError.failed("no warehouse in India") }
        _ = try await store.receive(skuId: sku, warehouseId: warehouse.id, quantity: units)
        return try await SaleScheduler(
            catalog: store, inventory: store, markets: store, sales: store, pricing: services.pricing, clock: clock
        ).schedule(SaleRequest(
            title: "Bench launch", skuId: sku, marketCode: "IN", warehouseId: warehouse.id, startsAt: clock.now().addingTimeInterval(opensIn),
            endsAt: clock.now().addingTimeInterval(3 * 3600), units: units))
    }
}
