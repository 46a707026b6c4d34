import Foundation
import MilletCore
import SQLKit

extension SQLTransaction: OrderLedger {
    /// The order, its row locked until the commit: use cases read it to decide what to write.
    func order(id: String) async throws -> Order? {
        if backend == .postgres {
            _ = try await db.raw("SELECT id FROM orders WHERE id = \(bind: id)\(unsafeRaw: backend.forUpdate)").first()
        }
        return try await SQLStore.loadOrder(db: db, id: id)
    }

    func apply(_ event: OrderEvent, orderId: String, actor: String, note: String, now: Date) async throws -> OrderEffect {
        try await SQLStore.apply(db: db, event: event, orderId: orderId, actor: actor, note: note, now: now)
    }

    func place(_ draft: OrderDraft) async throws -> Order {
        try await SQLStore.place(db: db, draft, clearingCart: nil).order
    }

    func note(orderId: String, actor: String, note: String, at: Date) async throws {
        let status = try await SQLStore.currentStatus(db: db, orderId: orderId)
        try await SQLStore.recordTransition(db: db, orderId: orderId, from: status, to: status, actor: actor, note: note, at: at)
    }

    func saleRelease(orderId: String) async throws -> SaleRelease? {
        try await SQLStore.saleRelease(db: db, orderId: orderId)
    }
}

extension SQLTransaction: SerialLedger {
    func saleOrder(serial: String) async throws -> String? {
        try await SQLStore.saleOrder(db: db, serial: serial)
    }

    func recordSale(serials: [String], orderId: String, accountId: String, skuId: String?, at: Date) async throws {
        try await SQLStore.recordSale(db: db, serials: serials, orderId: orderId, accountId: accountId, skuId: skuId, at: at)
    }
}
