import Foundation
import MilletCore
import SQLKit

/// Statements shared by the order and payment repositories, run inside a caller's transaction.
extension SQLStore {
    /// Holds `quantity` units in the market warehouse with the most available (`preferring` one
    /// first when given), or returns `nil`. The conditional UPDATE is the whole guard against
    /// overselling: a row changes only while it still has the units, whatever other transactions
    /// do at the same moment.
    static func hold(db: any SQLDatabase, skuId: String, quantity: Int64, marketCode: String, preferring: String? = nil) async throws -> String? {
        var candidates = try await db.raw("""
            SELECT s.warehouse_id FROM stock s JOIN warehouses w ON w.id = s.warehouse_id
            WHERE s.sku_id = \(bind: skuId) AND w.market_code = \(bind: marketCode)
                AND s.received - s.held - s.sold >= \(bind: quantity)
            ORDER BY s.received - s.held - s.sold DESC, s.warehouse_id
            """).all().map { try $0.string("warehouse_id") }
        if let preferring, let index = candidates.firstIndex(of: preferring) { candidates.insert(candidates.remove(at: index), at: 0) }
        for warehouse in candidates {
            let held = try await db.raw("""
                UPDATE stock SET held = held + \(bind: quantity)
                WHERE sku_id = \(bind: skuId) AND warehouse_id = \(bind: warehouse)
                    AND received - held - sold >= \(bind: quantity)
                RETURNING warehouse_id
                """).first()
            if held != nil { return warehouse }
        }
        return nil
    }

    /// Runs one order event through ``OrderLifecycle`` and performs its stock effects; returns the
    /// effect (its payment side is ``OrderDesk``'s).
    static func apply(db: any SQLDatabase, event: OrderEvent, orderId: String, actor: String, note: String, now: Date) async throws -> OrderEffect {
        guard let row = try await db.raw("SELECT status, account_id, flash_sale_id, auction_id, preorder_id FROM orders WHERE id = \(bind: orderId)").first(),
              let current = OrderStatus(rawValue: try row.string("status"))
        else { throw DomainError.notFound(what: "order") }
        let saleId = try row.optionalString("flash_sale_id"), auctionId = try row.optionalString("auction_id")
        var lifecycle = OrderLifecycle(status: current)
        let effect = try lifecycle.apply(event)
        let moved = try await db.raw("""
            UPDATE orders SET status = \(bind: lifecycle.status.rawValue)
            WHERE id = \(bind: orderId) AND status = \(bind: current.rawValue) RETURNING id
            """).first()
        guard moved != nil else {
            throw DomainError.conflict(code: "concurrent_update", message: "the order changed meanwhile; try again")
        }
        // Service lines (no warehouse) hold no stock.
        let lines = try await db.raw("""
            SELECT sku_id, warehouse_id, quantity FROM order_lines WHERE order_id = \(bind: orderId) AND warehouse_id <> '' ORDER BY sku_id
            """).all()
        // A unit built to its buyer's options is not sold as a standard one when its balance goes
        // unpaid: it is set aside, out of the stock the store sells.
        let preorderId = try row.optionalString("preorder_id")
        var madeToChoice = false
        if let preorderId, effect.stock == .releaseHolds {
            madeToChoice = try await db.raw("SELECT options FROM preorders WHERE id = \(bind: preorderId)").first()?.string("options") ?? "[]" != "[]"
        }
        for line in lines {
            let sku = try line.string("sku_id"), warehouse = try line.string("warehouse_id"), quantity = try line.int("quantity")
            if let saleId, effect.stock == .releaseHolds || effect.stock == .returnSold {
                let backToSale = try await releaseSaleUnits(
                    db: db, saleId: saleId, accountId: try row.string("account_id"), quantity: quantity, holdReleased: effect.stock == .releaseHolds)
                if backToSale { continue }
            }
            // An auction's unit cancelled unpaid stays held by the auction for its next offer;
            // the settlement gives it back to stock if nobody takes it.
            if auctionId != nil, effect.stock == .releaseHolds { continue }
            let change: String
            switch effect.stock {
            case .none: continue
            case .releaseHolds: change = madeToChoice ? "held = held - \(quantity), received = received - \(quantity)" : "held = held - \(quantity)"
            case .commitHolds: change = "held = held - \(quantity), sold = sold + \(quantity)"
            case .returnSold: change = "sold = sold - \(quantity)"
            }
            try await db.raw("UPDATE stock SET \(unsafeRaw: change) WHERE sku_id = \(bind: sku) AND warehouse_id = \(bind: warehouse)").run()
        }
        try await recordTransition(db: db, orderId: orderId, from: current, to: lifecycle.status, actor: actor, note: note, at: now)
        if let auctionId { try await auctionOrderMoved(db: db, auctionId: auctionId, at: now) }
        if let preorderId {
            try await preorderOrderMoved(db: db, preorderId: preorderId, orderId: orderId, from: current, to: lifecycle.status)
        }
        return effect
    }

    /// An order bought in a flash sale stops counting as sold there. A unit that was only held goes
    /// back to the sale's pool while the sale is open (returns `true`: stock is untouched, the sale
    /// still holds it); otherwise it goes back to the store like any order's.
    static func releaseSaleUnits(db: any SQLDatabase, saleId: String, accountId: String, quantity: Int64, holdReleased: Bool) async throws -> Bool {
        try await db.raw("""
            UPDATE flash_sale_buyers SET units = units - \(bind: quantity) WHERE sale_id = \(bind: saleId) AND account_id = \(bind: accountId)
            """).run()
        let open = try await db.raw("SELECT closed FROM flash_sales WHERE id = \(bind: saleId)").first().map { try $0.int("closed") == 0 } ?? false
        if holdReleased && open {
            try await db.raw("UPDATE flash_sales SET sold = sold - \(bind: quantity) WHERE id = \(bind: saleId)").run()
            return true
        }
        try await db.raw("UPDATE flash_sales SET sold = sold - \(bind: quantity), returned = returned + \(bind: quantity) WHERE id = \(bind: saleId)").run()
        return false
    }

    static func recordTransition(db: any SQLDatabase, orderId: String, from: OrderStatus?, to: OrderStatus, actor: String, note: String, at: Date) async throws {
        try await db.raw("""
            INSERT INTO order_transitions (order_id, seq, from_status, to_status, actor, note, at)
            VALUES (\(bind: orderId),
                (SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM order_transitions WHERE order_id = \(bind: orderId)),
                \(bind: from?.rawValue), \(bind: to.rawValue), \(bind: actor), \(bind: note), \(bind: at.millis))
            """).run()
        if from != to { try await noticeOrderMove(db: db, orderId: orderId, to: to, at: at) }
    }

    /// The order an account placed with a key, and the digest of the request that placed it.
    static func orderId(db: any SQLDatabase, accountId: String, key: String) async throws -> (id: String, requestHash: String?)? {
        try await db.raw("SELECT id, request_hash FROM orders WHERE account_id = \(bind: accountId) AND idempotency_key = \(bind: key)")
            .first().map { (try $0.string("id"), try $0.optionalString("request_hash")) }
    }

    static func loadOrders(db: any SQLDatabase, ids: [String]) async throws -> [Order] {
        var orders: [Order] = []
        for id in ids {
            if let order = try await loadOrder(db: db, id: id) { orders.append(order) }
        }
        return orders
    }

    static func loadOrder(db: any SQLDatabase, id: String) async throws -> Order? {
        guard let row = try await db.raw("SELECT * FROM orders WHERE id = \(bind: id)").first() else { return nil }
        let lines = try await db.raw("SELECT * FROM order_lines WHERE order_id = \(bind: id) ORDER BY line_no").all().map { line in
            OrderLine(
                skuId: try line.string("sku_id"), skuCode: try line.string("sku_code"), productName: try line.string("product_name"),
                warehouseId: try line.string("warehouse_id"), quantity: Int(try line.int("quantity")),
                unitPrice: try line.int("unit_price"), lineTotal: try line.int("line_total"))
        }
        let timeline = try await db.raw("SELECT * FROM order_transitions WHERE order_id = \(bind: id) ORDER BY seq").all().map { t in
            OrderTransition(
                from: try t.decodeNil(column: "from_status") ? nil : OrderStatus(rawValue: try t.string("from_status")),
                to: OrderStatus(rawValue: try t.string("to_status")) ?? .pendingPayment, actor: try t.string("actor"),
                note: try t.string("note"), at: try t.date("at"))
        }
        let address = try ShippingAddress(
            name: try row.string("ship_name"), line1: try row.string("ship_line1"), city: try row.string("ship_city"),
            postcode: try row.string("ship_postcode"), phone: try row.string("ship_phone"))
        return Order(
            // An order a node without migration 28 wrote has no number yet: it reads as before.
            id: id, number: try row.optionalString("number") ?? "M" + id.prefix(10).uppercased(), accountId: try row.string("account_id"), marketCode: try row.string("market_code"),
            currency: try row.string("currency"), status: OrderStatus(rawValue: try row.string("status")) ?? .pendingPayment,
            lines: lines,
            totals: OrderTotals(
                subtotal: try row.int("subtotal"), shipping: try row.int("shipping"), tax: try row.int("tax"),
                total: try row.int("total"), pricesIncludeTax: try row.bool("prices_include_tax")),
            shippingAddress: address, paymentDeadline: try row.date("payment_deadline"),
            createdAt: try row.date("created_at"), timeline: timeline,
            refunds: try await db.raw("SELECT * FROM refunds WHERE order_id = \(bind: id) ORDER BY created_at, id").all().map(refund(from:)),
            shipments: try await shipments(db: db, orderId: id), shipping: try shipping(from: row),
            buyerTaxId: try row.optionalString("buyer_tax_id"))
    }

    /// The method an order was placed with; `nil` for orders placed without one (flash sales).
    static func shipping(from row: any SQLRow) throws -> OrderShipping? {
        let code = try row.string("shipping_method")
        guard !code.isEmpty, !(try row.decodeNil(column: "delivery_earliest")) else { return nil }
        return OrderShipping(
            methodCode: code, methodName: try row.string("shipping_method_name"),
            delivery: DeliveryWindow(earliest: try row.date("delivery_earliest"), latest: try row.date("delivery_latest")))
    }

    static func currentStatus(db: any SQLDatabase, orderId: String) async throws -> OrderStatus {
        guard let row = try await db.raw("SELECT status FROM orders WHERE id = \(bind: orderId)").first(),
              let status = OrderStatus(rawValue: try row.string("status"))
        else { throw DomainError.notFound(what: "order") }
        return status
    }
}
