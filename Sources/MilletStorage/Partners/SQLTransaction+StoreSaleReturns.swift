import Foundation
import MilletCore
import SQLKit

extension SQLTransaction {
    func returnUnits(_ units: StoreSaleReturn) async throws -> StoreSale {
        guard let row = try await db.raw("SELECT * FROM partner_sales WHERE id = \(bind: units.saleId)\(unsafeRaw: backend.forUpdate)").first() else {
            throw DomainError.notFound(what: "sale")
        }
        var sale = try SQLStore.storeSale(from: row)
        if let again = units.serials.first(where: sale.returnedSerials.contains) {
            throw DomainError.conflict(code: "already_returned", message: "unit \(again) came back before")
        }
        let closed = [CaseStatus.refused, .closed, .cancelled].map(\.rawValue)
        if let open = try await db.raw("""
            SELECT serial FROM service_cases WHERE serial IN (\(binds: units.serials)) AND status NOT IN (\(binds: closed))
            UNION ALL SELECT serial FROM plan_covers WHERE serial IN (\(binds: units.serials)) AND cancelled = 0 AND ends_at > \(bind: units.at.millis)
            """).first() {
            throw DomainError.conflict(code: "service_open", message: "unit \(try open.string("serial")) has an open service case or plan; settle it first")
        }
        // The units go back to the store's allocations of the SKU, latest week first.
        var left = Int64(units.serials.count)
        for allocation in try await db.raw("""
            SELECT id, sold FROM partner_allocations WHERE store_id = \(bind: sale.storeId) AND sku_id = \(bind: sale.skuId) AND sold > 0
            ORDER BY week DESC, id DESC\(unsafeRaw: backend.forUpdate)
            """).all() where left > 0 {
            let id = try allocation.string("id"), take = min(left, try allocation.int("sold"))
            try await db.raw("UPDATE partner_allocations SET sold = sold - \(bind: take) WHERE id = \(bind: id)").run()
            try await recordMove(AllocationMove(allocationId: id, kind: .saleReturned, units: take, actor: units.actor, at: units.at))
            left -= take
        }
        guard left == 0 else { throw DomainError.conflict(code: "not_allocated", message: "the store's allocations do not hold the sale's units") }
        // The units are no longer the buyer's: no warranty, no owner of the device.
        try await db.raw("DELETE FROM device_sales WHERE serial IN (\(binds: units.serials)) AND order_id = \(bind: sale.orderId)").run()
        try await db.raw("""
            UPDATE devices SET owner_account_id = NULL, order_id = NULL, warranty_starts_at = NULL
            WHERE serial IN (\(binds: units.serials)) AND order_id = \(bind: sale.orderId)
            """).run()
        sale.returnedSerials += units.serials
        try await db.raw("""
            UPDATE partner_sales SET returned_serials = \(bind: sale.returnedSerials.joined(separator: " ")) WHERE id = \(bind: sale.id)
            """).run()
        // The buyer's order says what came back, and is refunded once everything did.
        let everything = Set(sale.returnedSerials) == Set(sale.serials)
        if everything {
            try await db.raw("UPDATE orders SET status = \(bind: OrderStatus.refunded.rawValue) WHERE id = \(bind: sale.orderId)").run()
        }
        try await SQLStore.recordTransition(
            db: db, orderId: sale.orderId, from: .completed, to: everything ? .refunded : .completed, actor: units.actor,
            note: "\(units.serials.joined(separator: ", ")) brought back to \(units.storeName) and refunded there: \(units.reason)", at: units.at)
        return sale
    }
}
