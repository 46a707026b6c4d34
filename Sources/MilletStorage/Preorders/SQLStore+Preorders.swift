import Foundation
import MilletCore
import SQLKit

extension SQLStore: PreorderRepository {
    public func createBatch(_ batch: ProductionBatch) async throws -> ProductionBatch {
        try await sqlTransaction { [backend] db in
            // Batches of one SKU are numbered one at a time: its row is locked meanwhile.
            _ = try await db.raw("SELECT id FROM skus WHERE id = \(bind: batch.skuId)\(unsafeRaw: backend.forUpdate)").first()
            let last = try await db.raw("""
                SELECT CAST(COALESCE(MAX(number), 0) AS BIGINT) AS n FROM production_batches
                WHERE sku_id = \(bind: batch.skuId) AND market_code = \(bind: batch.marketCode)
                """).first()?.int("n") ?? 0
            try await db.raw("""
                INSERT INTO production_batches (id, sku_id, market_code, currency, number, units, reserved, ship_from, ship_to, price, deposit,
                    status, slips, created_at, goal, funding_ends)
                VALUES (\(bind: batch.id), \(bind: batch.skuId), \(bind: batch.marketCode), \(bind: batch.currency), \(bind: last + 1),
                    \(bind: Int64(batch.units)), 0, \(bind: batch.shipFrom.millis), \(bind: batch.shipTo.millis), \(bind: batch.price),
                    \(bind: batch.deposit), \(bind: batch.status.rawValue), 0, \(bind: batch.createdAt.millis), \(bind: batch.goal.map(Int64.init)),
                    \(bind: batch.fundingEnds?.millis))
                """).run()
            return try await Self.batch(db: db, id: batch.id, lock: nil)!
        }
    }

    public func batch(id: String) async throws -> ProductionBatch? {
        try await read { db in try await Self.batch(db: db, id: id, lock: nil) }
    }

    public func batches(skuIds: [String]?, marketCode: String?, openOnly: Bool) async throws -> [ProductionBatch] {
        if let skuIds, skuIds.isEmpty { return [] }
        let skus = (skuIds ?? []).map { SQLQueryString("\(bind: $0)") }
        return try await read { db in
            try await db.raw("""
                SELECT * FROM production_batches
                WHERE (\(bind: skuIds == nil ? 1 : 0) = 1 OR sku_id IN (\(skus.isEmpty ? "''" : skus.joined(separator: ", "))))
                    AND (market_code = \(bind: marketCode) OR \(bind: marketCode == nil ? 1 : 0) = 1)
                    AND (status = \(bind: ProductionBatch.Status.open.rawValue) OR \(bind: openOnly ? 0 : 1) = 1)
                ORDER BY CASE WHEN status = \(bind: ProductionBatch.Status.open.rawValue) THEN 0 ELSE 1 END, ship_from, number, id LIMIT 500
                """).all().map(Self.batch(from:))
        }
    }

    public func preorder(id: String) async throws -> Preorder? {
        try await read { db in try await db.raw("SELECT * FROM preorders WHERE id = \(bind: id)").first().map(Self.preorder(from:)) }
    }

    public func preorders(accountId: String) async throws -> [Preorder] {
        try await read { db in
            try await db.raw("SELECT * FROM preorders WHERE account_id = \(bind: accountId) ORDER BY created_at DESC, id LIMIT 100").all().map(Self.preorder(from:))
        }
    }

    public func placedPreorders(batchId: String) async throws -> [Preorder] {
        try await read { db in try await Self.placedPreorders(db: db, batchId: batchId) }
    }

    public func demand(since: Date) async throws -> [DemandDay] {
        try await read { db in
            // Days counted in Swift: both databases give the rows, neither is asked to format dates.
            let placed = try await db.raw("""
                SELECT b.sku_id, b.market_code, p.created_at AS at FROM preorders p JOIN production_batches b ON b.id = p.batch_id
                WHERE p.created_at >= \(bind: since.millis)
                """).all()
            let waiting = try await db.raw("""
                SELECT sku_id, market_code, joined_at AS at FROM preorder_waitlist WHERE joined_at >= \(bind: since.millis)
                """).all()
            var days: [String: DemandDay] = [:]
            for (rows, isWaiting) in [(placed, false), (waiting, true)] {
                for row in rows {
                    let sku = try row.string("sku_id"), market = try row.string("market_code"), day = MessageCourier.day(try row.date("at"))
                    let key = "\(sku) \(market) \(day)"
                    var entry = days[key] ?? DemandDay(skuId: sku, marketCode: market, day: day, preorders: 0, waiting: 0)
                    if isWaiting { entry.waiting += 1 } else { entry.preorders += 1 }
                    days[key] = entry
                }
            }
            return days.values.sorted { ($0.skuId, $0.marketCode, $0.day) < ($1.skuId, $1.marketCode, $1.day) }
        }
    }

    public func waitlist(accountId: String) async throws -> [WaitlistEntry] {
        try await read { db in
            try await db.raw("SELECT * FROM preorder_waitlist WHERE account_id = \(bind: accountId) ORDER BY joined_at DESC LIMIT 100").all()
                .map(Self.waitlistEntry(from:))
        }
    }

    static func waitlistEntry(from row: any SQLRow) throws -> WaitlistEntry {
        WaitlistEntry(accountId: try row.string("account_id"), skuId: try row.string("sku_id"), marketCode: try row.string("market_code"),
                      joinedAt: try row.date("joined_at"), toldAt: try row.optionalDate("told_at"))
    }

    public func buildList(batchId: String) async throws -> [Preorder] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM preorders WHERE batch_id = \(bind: batchId)
                    AND (status IN (\(bind: PreorderStatus.awaitingDeposit.rawValue), \(bind: PreorderStatus.reserved.rawValue)) OR balance_order_id IS NOT NULL)
                ORDER BY created_at, id
                """).all().map(Self.preorder(from:))
        }
    }

    static func placedPreorders(db: any SQLDatabase, batchId: String) async throws -> [Preorder] {
        try await db.raw("""
            SELECT * FROM preorders WHERE batch_id = \(bind: batchId)
                AND status IN (\(bind: PreorderStatus.awaitingDeposit.rawValue), \(bind: PreorderStatus.reserved.rawValue))
            ORDER BY created_at, id
            """).all().map(Self.preorder(from:))
    }

    static func batch(db: any SQLDatabase, id: String, lock backend: Backend?) async throws -> ProductionBatch? {
        try await db.raw("SELECT * FROM production_batches WHERE id = \(bind: id)\(unsafeRaw: backend?.forUpdate ?? "")").first().map(batch(from:))
    }

    static func batch(from row: any SQLRow) throws -> ProductionBatch {
        ProductionBatch(
            id: try row.string("id"), skuId: try row.string("sku_id"), marketCode: try row.string("market_code"), currency: try row.string("currency"),
            number: Int(try row.int("number")), units: Int(try row.int("units")), reserved: Int(try row.int("reserved")),
            shipFrom: try row.date("ship_from"), shipTo: try row.date("ship_to"), price: try row.int("price"), deposit: try row.int("deposit"),
            status: ProductionBatch.Status(rawValue: try row.string("status")) ?? .open, slips: Int(try row.int("slips")),
            createdAt: try row.date("created_at"), goal: try row.optionalInt("goal").map(Int.init),
            fundingEnds: try row.decodeNil(column: "funding_ends") ? nil : try row.date("funding_ends"),
            fundedAt: try row.decodeNil(column: "funded_at") ? nil : try row.date("funded_at"))
    }

    static func preorder(from row: any SQLRow) throws -> Preorder {
        Preorder(
            id: try row.string("id"), batchId: try row.string("batch_id"), accountId: try row.string("account_id"),
            depositOrderId: try row.string("deposit_order_id"), balanceOrderId: try row.optionalString("balance_order_id"),
            status: PreorderStatus(rawValue: try row.string("status")) ?? .cancelled,
            address: try ShippingAddress(name: try row.string("ship_name"), line1: try row.string("ship_line1"), city: try row.string("ship_city"),
                                         postcode: try row.string("ship_postcode"), phone: try row.string("ship_phone")),
            createdAt: try row.date("created_at"), options: try OptionsJSON.chosen(row))
    }

    /// One of a pre-order's orders moved: the pre-order follows (``Preorder/afterOrder(_:movedFrom:to:)``),
    /// and a place it gives up goes back to its batch while the batch is open. The order's row,
    /// changed just before in the same transaction, keeps a second move of it waiting.
    static func preorderOrderMoved(db: any SQLDatabase, preorderId: String, orderId: String, from: OrderStatus, to: OrderStatus) async throws {
        guard let preorder = try await db.raw("SELECT * FROM preorders WHERE id = \(bind: preorderId)").first()
            .map(Self.preorder(from:)), let next = preorder.afterOrder(orderId, movedFrom: from, to: to) else { return }
        try await db.raw("UPDATE preorders SET status = \(bind: next.rawValue) WHERE id = \(bind: preorderId)").run()
        if preorder.status.holdsPlace && !next.holdsPlace {
            try await db.raw("""
                UPDATE production_batches SET reserved = reserved - 1 WHERE id = \(bind: preorder.batchId) AND status = \(bind: ProductionBatch.Status.open.rawValue)
                """).run()
        }
    }
}

extension SQLTransaction: PreorderLedger {
    func takePlace(skuId: String, marketCode: String, now: Date) async throws -> ProductionBatch? {
        let candidates = try await db.raw("""
            SELECT id FROM production_batches
            WHERE sku_id = \(bind: skuId) AND market_code = \(bind: marketCode) AND status = \(bind: ProductionBatch.Status.open.rawValue) AND reserved < units
                AND (funding_ends IS NULL OR funding_ends > \(bind: now.millis))
            ORDER BY ship_from, number
            """).all().map { try $0.string("id") }
        // The conditional UPDATE is the guard against overfilling, whatever runs at the same moment.
        for id in candidates {
            let taken = try await db.raw("""
                UPDATE production_batches SET reserved = reserved + 1
                WHERE id = \(bind: id) AND reserved < units AND status = \(bind: ProductionBatch.Status.open.rawValue) RETURNING id
                """).first()
            if taken != nil { return try await SQLStore.batch(db: db, id: id, lock: nil) }
        }
        return nil
    }

    func batchInLedger(id: String) async throws -> ProductionBatch? {
        try await SQLStore.batch(db: db, id: id, lock: backend)
    }

    func update(_ batch: ProductionBatch) async throws {
        try await db.raw("""
            UPDATE production_batches SET ship_from = \(bind: batch.shipFrom.millis), ship_to = \(bind: batch.shipTo.millis), slips = \(bind: Int64(batch.slips)),
                status = \(bind: batch.status.rawValue), funded_at = \(bind: batch.fundedAt?.millis)
            WHERE id = \(bind: batch.id)
            """).run()
    }

    func insert(_ preorder: Preorder) async throws {
        let a = preorder.address
        try await db.raw("""
            INSERT INTO preorders (id, batch_id, account_id, deposit_order_id, balance_order_id, status, ship_name, ship_line1, ship_city, ship_postcode,
                ship_phone, created_at, options)
            VALUES (\(bind: preorder.id), \(bind: preorder.batchId), \(bind: preorder.accountId), \(bind: preorder.depositOrderId),
                \(bind: preorder.balanceOrderId), \(bind: preorder.status.rawValue), \(bind: a.name), \(bind: a.line1), \(bind: a.city), \(bind: a.postcode),
                \(bind: a.phone), \(bind: preorder.createdAt.millis), \(bind: try OptionsJSON.encode(preorder.options)))
            """).run()
    }

    func preorderInLedger(id: String) async throws -> Preorder? {
        try await db.raw("SELECT * FROM preorders WHERE id = \(bind: id)\(unsafeRaw: backend.forUpdate)").first().map(SQLStore.preorder(from:))
    }

    func preorder(accountId: String, idempotencyKey: String, requestHash: String) async throws -> Preorder? {
        guard let row = try await db.raw("""
            SELECT p.*, o.request_hash FROM preorders p JOIN orders o ON o.id = p.deposit_order_id
            WHERE o.account_id = \(bind: accountId) AND o.idempotency_key = \(bind: idempotencyKey)
            """).first() else { return nil }
        try IdempotentRequest.check(stored: try row.optionalString("request_hash"), given: requestHash)
        return try SQLStore.preorder(from: row)
    }

    func preorder(ofOrder orderId: String) async throws -> Preorder? {
        try await db.raw("""
            SELECT p.* FROM preorders p JOIN orders o ON o.preorder_id = p.id WHERE o.id = \(bind: orderId)
            """).first().map(SQLStore.preorder(from:))
    }

    func placedPreorders(batchId: String) async throws -> [Preorder] {
        try await SQLStore.placedPreorders(db: db, batchId: batchId)
    }

    func update(_ preorder: Preorder) async throws {
        try await db.raw("""
            UPDATE preorders SET status = \(bind: preorder.status.rawValue), balance_order_id = \(bind: preorder.balanceOrderId) WHERE id = \(bind: preorder.id)
            """).run()
    }

    func lateBatches(now: Date) async throws -> [ProductionBatch] {
        try await db.raw("""
            SELECT * FROM production_batches
            WHERE status = \(bind: ProductionBatch.Status.open.rawValue) AND ship_to < \(bind: now.millis)
                AND (late_told_at IS NULL OR late_told_at < ship_to)
            ORDER BY ship_to, id LIMIT 100\(unsafeRaw: backend.forUpdate)
            """).all().map(SQLStore.batch(from:))
    }

    func campaignsDue(now: Date) async throws -> [ProductionBatch] {
        try await db.raw("""
            SELECT * FROM production_batches
            WHERE status = \(bind: ProductionBatch.Status.open.rawValue) AND funding_ends <= \(bind: now.millis) AND funded_at IS NULL
            ORDER BY funding_ends, id LIMIT 100
            """).all().map(SQLStore.batch(from:))
    }

    func markToldLate(batchId: String, at: Date) async throws {
        try await db.raw("UPDATE production_batches SET late_told_at = \(bind: at.millis) WHERE id = \(bind: batchId)").run()
    }

    func join(_ entry: WaitlistEntry) async throws {
        try await db.raw("""
            INSERT INTO preorder_waitlist (account_id, sku_id, market_code, joined_at, told_at)
            VALUES (\(bind: entry.accountId), \(bind: entry.skuId), \(bind: entry.marketCode), \(bind: entry.joinedAt.millis), NULL)
            ON CONFLICT (account_id, sku_id, market_code) DO UPDATE SET joined_at = excluded.joined_at, told_at = NULL
            """).run()
    }

    func leaveWaitlist(accountId: String, skuId: String, marketCode: String) async throws -> Bool {
        try await db.raw("""
            DELETE FROM preorder_waitlist WHERE account_id = \(bind: accountId) AND sku_id = \(bind: skuId) AND market_code = \(bind: marketCode)
            RETURNING account_id
            """).first() != nil
    }

    func waitingToTell(now: Date, limit: Int) async throws -> [(WaitlistEntry, ProductionBatch)] {
        let open = ProductionBatch.Status.open.rawValue
        let rows = try await db.raw("""
            SELECT w.* FROM preorder_waitlist w
            WHERE w.told_at IS NULL AND EXISTS (
                SELECT 1 FROM production_batches b WHERE b.sku_id = w.sku_id AND b.market_code = w.market_code AND b.status = \(bind: open)
                    AND b.reserved < b.units AND (b.funding_ends IS NULL OR b.funding_ends > \(bind: now.millis)))
            ORDER BY w.joined_at, w.account_id LIMIT \(bind: Int64(limit))
            """).all()
        var found: [(WaitlistEntry, ProductionBatch)] = []
        for row in rows {
            let entry = try SQLStore.waitlistEntry(from: row)
            guard let batch = try await db.raw("""
                SELECT * FROM production_batches WHERE sku_id = \(bind: entry.skuId) AND market_code = \(bind: entry.marketCode) AND status = \(bind: open)
                    AND reserved < units AND (funding_ends IS NULL OR funding_ends > \(bind: now.millis))
                ORDER BY ship_from, number LIMIT 1
                """).first().map(SQLStore.batch(from:)) else { continue }
            found.append((entry, batch))
        }
        return found
    }

    func markTold(accountId: String, skuId: String, marketCode: String, at: Date) async throws {
        try await db.raw("""
            UPDATE preorder_waitlist SET told_at = \(bind: at.millis)
            WHERE account_id = \(bind: accountId) AND sku_id = \(bind: skuId) AND market_code = \(bind: marketCode)
            """).run()
    }

    func receive(skuId: String, warehouseId: String, marketCode: String, units: Int) async throws {
        guard try await db.raw("SELECT id FROM warehouses WHERE id = \(bind: warehouseId) AND market_code = \(bind: marketCode)").first() != nil else {
            throw DomainError.invalid(field: "warehouseId", "not a warehouse of \(marketCode)")
        }
        guard units > 0 else { return }
        try await SQLStore.receive(db: db, skuId: skuId, warehouseId: warehouseId, quantity: Int64(units))
    }
}
