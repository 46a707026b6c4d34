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
        // The buyer's order next: a repair or a plan opened for these units meanwhile is seen.
        _ = try await db.raw("SELECT id FROM orders WHERE id = \(bind: sale.orderId)\(unsafeRaw: backend.forUpdate)").first()
        let closed = [CaseStatus.refused, .closed, .cancelled].map(\.rawValue)
        let lapsed = [OrderStatus.cancelled, .refunded].map(\.rawValue)
        if let open = try await db.raw("""
            SELECT serial FROM service_cases WHERE serial IN (\(binds: units.serials)) AND status NOT IN (\(binds: closed))
            UNION ALL SELECT p.serial FROM plan_covers p JOIN orders o ON o.id = p.order_id
            WHERE p.serial IN (\(binds: units.serials)) AND p.cancelled = 0 AND p.ends_at > \(bind: units.at.millis) AND o.status NOT IN (\(binds: lapsed))
            """).first() {
            throw DomainError.conflict(code: "service_open", message: "unit \(try open.string("serial")) has an open service case or plan; settle it first")
        }
        // The units go back to the allocations the sale drew them from, the latest week first;
        // the rows are locked oldest first, as a sale locks them.
        var drawn: [(id: String, units: Int64)] = try row.string("drawn").split(separator: " ").map { part in
            let pieces = part.split(separator: ":")
            return (String(pieces[0]), Int64(pieces[1]) ?? 0)
        }
        let locked = try await db.raw("""
            SELECT id, sold FROM partner_allocations
            WHERE store_id = \(bind: sale.storeId) AND sku_id = \(bind: sale.skuId) AND sold > 0
            ORDER BY week, id\(unsafeRaw: backend.forUpdate)
            """).all()
        var sold: [String: Int64] = [:]
        for allocation in locked { sold[try allocation.string("id")] = try allocation.int("sold") }
        // A sale recorded before the allocations it drew from were kept: the store's, latest week first.
        if drawn.isEmpty { drawn = try locked.map { (try $0.string("id"), try $0.int("sold")) } }
        var left = Int64(units.serials.count)
        for index in drawn.indices.reversed() where left > 0 {
            let (id, units0) = drawn[index]
            let take = min(left, units0, sold[id] ?? 0)
            guard take > 0 else { continue }
            try await db.raw("UPDATE partner_allocations SET sold = sold - \(bind: take) WHERE id = \(bind: id)").run()
            try await recordMove(AllocationMove(allocationId: id, kind: .saleReturned, units: take, actor: units.actor, at: units.at))
            drawn[index].units -= take
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
            UPDATE partner_sales SET returned_serials = \(bind: sale.returnedSerials.joined(separator: " ")),
                drawn = \(bind: drawn.map { "\($0.id):\($0.units)" }.joined(separator: " "))
            WHERE id = \(bind: sale.id)
            """).run()
        // The buyer's order says what came back, and is refunded once everything did.
        let everything = sale.keptSerials.isEmpty
        // (A till sale's order is `completed` from the start; its money went back at the till, the amount in the note.)
        let refunded = everything ? try await db.raw("""
            UPDATE orders SET status = \(bind: OrderStatus.refunded.rawValue) WHERE id = \(bind: sale.orderId) AND status = \(bind: OrderStatus.completed.rawValue)
            RETURNING id
            """).first() != nil : false
        try await SQLStore.recordTransition(
            db: db, orderId: sale.orderId, from: .completed, to: refunded ? .refunded : .completed, actor: units.actor,
            note: "\(units.serials.joined(separator: ", ")) brought back to \(units.storeName), \(units.refund) refunded there: \(units.reason)", at: units.at)
        return sale
    }
}
