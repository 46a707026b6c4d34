import Foundation
import MilletCore
import SQLKit

extension SQLStore: OrderRepository {
    public func place(_ draft: OrderDraft, clearingCart cartId: String?) async throws -> (order: Order, created: Bool) {
        try await sqlTransaction { db in try await Self.place(db: db, draft, clearingCart: cartId) }
    }

    /// Places an order inside the caller's transaction: holds stock for each line of goods (a
    /// service line holds none and has no warehouse), stores the order and its first entry.
    static func place(db: any SQLDatabase, _ draft: OrderDraft, clearingCart cartId: String?) async throws -> (order: Order, created: Bool) {
        if let existing = try await Self.orderId(db: db, accountId: draft.accountId, key: draft.idempotencyKey) {
            try IdempotentRequest.check(stored: existing.requestHash, given: draft.requestHash)
            return (try await Self.loadOrder(db: db, id: existing.id)!, false)
        }
        // Hold in a fixed SKU order so concurrent checkouts lock stock rows in the same order.
        var warehouses: [Int: String] = [:]
        // An auction's order takes the unit the auction holds (none for a lot outside the catalogue).
        var auctionWarehouse: String?
        if let auctionId = draft.auctionId {
            auctionWarehouse = try await db.raw("SELECT warehouse_id FROM auctions WHERE id = \(bind: auctionId)").first()?.optionalString("warehouse_id") ?? ""
        }
        for index in draft.lines.indices.sorted(by: { draft.lines[$0].skuId < draft.lines[$1].skuId }) {
            let line = draft.lines[index]
            if let auctionWarehouse {
                warehouses[index] = auctionWarehouse
                continue
            }
            if line.skuId.hasPrefix(OrderLine.serviceSKUPrefix) {
                warehouses[index] = ""
                continue
            }
            guard let warehouse = try await Self.hold(db: db, skuId: line.skuId, quantity: Int64(line.quantity), marketCode: draft.market.code,
                                                      preferring: draft.holdIn) else {
                throw DomainError.conflict(code: "out_of_stock", message: "not enough \(line.skuCode) in stock")
            }
            warehouses[index] = warehouse
        }
        let t = draft.totals
        let a = draft.shippingAddress
        let number = try await Self.orderNumbers(db: db, market: draft.market.code, placedAt: draft.now, count: 1)[0]
        try await db.raw("""
            INSERT INTO orders (id, number, account_id, market_code, currency, status, subtotal, shipping, tax, total,
                prices_include_tax, ship_name, ship_line1, ship_city, ship_postcode, ship_phone, payment_deadline,
                idempotency_key, created_at, shipping_method, shipping_method_name, delivery_earliest, delivery_latest, buyer_tax_id, request_hash,
                auction_id, preorder_id)
            VALUES (\(bind: draft.id), \(bind: number), \(bind: draft.accountId), \(bind: draft.market.code),
                \(bind: draft.market.currency.code), \(bind: OrderStatus.pendingPayment.rawValue), \(bind: t.subtotal),
                \(bind: t.shipping), \(bind: t.tax), \(bind: t.total), \(bind: Int64(t.pricesIncludeTax ? 1 : 0)),
                \(bind: a.name), \(bind: a.line1), \(bind: a.city), \(bind: a.postcode), \(bind: a.phone),
                \(bind: draft.paymentDeadline.millis), \(bind: draft.idempotencyKey), \(bind: draft.now.millis),
                \(bind: draft.shipping?.methodCode ?? ""), \(bind: draft.shipping?.methodName ?? ""),
                \(bind: draft.shipping?.delivery.earliest.millis), \(bind: draft.shipping?.delivery.latest.millis),
                \(bind: draft.buyerTaxId), \(bind: draft.requestHash), \(bind: draft.auctionId), \(bind: draft.preorderId))
            """).run()
        for (index, line) in draft.lines.enumerated() {
            let lineTotal = try Money(minorUnits: line.unitPrice, currency: draft.market.currency.code).times(line.quantity)
            try await db.raw("""
                INSERT INTO order_lines (order_id, line_no, sku_id, sku_code, product_name, warehouse_id, quantity,
                    unit_price, line_total)
                VALUES (\(bind: draft.id), \(bind: Int64(index + 1)), \(bind: line.skuId), \(bind: line.skuCode),
                    \(bind: line.productName), \(bind: warehouses[index]!), \(bind: Int64(line.quantity)),
                    \(bind: line.unitPrice), \(bind: lineTotal.minorUnits))
                """).run()
        }
        try await Self.recordTransition(
            db: db, orderId: draft.id, from: nil, to: .pendingPayment, actor: "account:\(draft.accountId)",
            note: "order placed", at: draft.now)
        if let cartId {
            try await db.raw("DELETE FROM cart_items WHERE cart_id = \(bind: cartId)").run()
        }
        return (try await Self.loadOrder(db: db, id: draft.id)!, true)
    }

    public func order(id: String) async throws -> Order? {
        try await read { db in try await Self.loadOrder(db: db, id: id) }
    }

    public func order(accountId: String, idempotencyKey: String, requestHash: String?) async throws -> Order? {
        try await read { db in
            guard let placed = try await Self.orderId(db: db, accountId: accountId, key: idempotencyKey) else { return nil }
            try IdempotentRequest.check(stored: placed.requestHash, given: requestHash)
            return try await Self.loadOrder(db: db, id: placed.id)
        }
    }

    public func orders(accountId: String, offset: Int, limit: Int) async throws -> [Order] {
        try await read { db in
            let rows = try await db.raw("""
                SELECT id FROM orders WHERE account_id = \(bind: accountId)
                ORDER BY created_at DESC, id LIMIT \(bind: Int64(limit)) OFFSET \(bind: Int64(offset))
                """).all()
            return try await Self.loadOrders(db: db, ids: rows.map { try $0.string("id") })
        }
    }

    public func orders(status: OrderStatus?, matching query: String?, offset: Int, limit: Int) async throws -> [Order] {
        let wanted = status?.rawValue ?? ""
        // A LIKE pattern of the words as typed: `%`, `_` and `!` stand for themselves.
        let typed = (query ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let pattern = "%" + typed.replacingOccurrences(of: "!", with: "!!").replacingOccurrences(of: "%", with: "!%")
            .replacingOccurrences(of: "_", with: "!_") + "%"
        return try await read { db in
            let rows = try await db.raw("""
                SELECT o.id FROM orders o JOIN accounts a ON a.id = o.account_id
                WHERE (o.status = \(bind: wanted) OR \(bind: wanted) = '')
                  AND (\(bind: typed) = '' OR LOWER(o.number) LIKE \(bind: pattern) ESCAPE '!' OR LOWER(a.email) LIKE \(bind: pattern) ESCAPE '!'
                       OR LOWER(a.display_name) LIKE \(bind: pattern) ESCAPE '!')
                ORDER BY o.created_at DESC, o.id LIMIT \(bind: Int64(limit)) OFFSET \(bind: Int64(offset))
                """).all()
            return try await Self.loadOrders(db: db, ids: rows.map { try $0.string("id") })
        }
    }

    public func overdueOrderIds(now: Date, limit: Int) async throws -> [String] {
        try await read { db in
            try await db.raw("""
                SELECT id FROM orders WHERE status = \(bind: OrderStatus.pendingPayment.rawValue)
                AND payment_deadline <= \(bind: now.millis)
                AND NOT EXISTS (
                    SELECT 1 FROM payments WHERE payments.order_id = orders.id AND payments.status = \(bind: PaymentStatus.authorized.rawValue))
                ORDER BY payment_deadline LIMIT \(bind: Int64(limit))
                """).all().map { try $0.string("id") }
        }
    }

    public func countsByStatus() async throws -> [OrderStatus: Int] {
        try await read { db in
            var counts = Dictionary(uniqueKeysWithValues: OrderStatus.allCases.map { ($0, 0) })
            for row in try await db.raw("SELECT status, CAST(COUNT(*) AS BIGINT) AS n FROM orders GROUP BY status").all() {
                if let status = OrderStatus(rawValue: try row.string("status")) { counts[status] = Int(try row.int("n")) }
            }
            return counts
        }
    }
}
