import Foundation
import MilletCore
import SQLKit

extension SQLStore: FlashSaleRepository {
    public func createSale(_ sale: FlashSale) async throws {
        try await sqlTransaction { db in
            // The sale holds its units in the warehouse like an order would, so the store cannot sell them.
            let taken = try await db.raw("""
                UPDATE stock SET held = held + \(bind: sale.units)
                WHERE sku_id = \(bind: sale.skuId) AND warehouse_id = \(bind: sale.warehouseId)
                    AND received - held - sold >= \(bind: sale.units)
                RETURNING sku_id
                """).first()
            guard taken != nil else {
                throw DomainError.conflict(code: "out_of_stock", message: "the warehouse has fewer than \(sale.units) units available")
            }
            try await db.raw("""
                INSERT INTO flash_sales (id, title, sku_id, market_code, warehouse_id, price, currency, starts_at, ends_at,
                    units, per_account_limit, payment_window_seconds, reserved_only, created_at, proof_of_work_bits, token_key)
                VALUES (\(bind: sale.id), \(bind: sale.title), \(bind: sale.skuId), \(bind: sale.marketCode),
                    \(bind: sale.warehouseId), \(bind: sale.price), \(bind: sale.currency), \(bind: sale.startsAt.millis),
                    \(bind: sale.endsAt.millis), \(bind: sale.units), \(bind: Int64(sale.perAccountLimit)),
                    \(bind: Int64(sale.paymentWindowSeconds)), \(bind: Int64(sale.reservedOnly ? 1 : 0)), \(bind: sale.createdAt.millis),
                    \(bind: Int64(sale.proofOfWorkBits)), \(bind: sale.tokenKey))
                """).run()
        }
    }

    public func sale(id: String) async throws -> FlashSale? {
        try await read { db in
            try await db.raw("SELECT * FROM flash_sales WHERE id = \(bind: id)").first().map(Self.flashSale(from:))
        }
    }

    public func sales(endingAfter after: Date, limit: Int) async throws -> [FlashSale] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM flash_sales WHERE ends_at > \(bind: after.millis) ORDER BY starts_at, id LIMIT \(bind: Int64(limit))
                """).all().map(Self.flashSale(from:))
        }
    }

    public func figures(saleId: String, now: Date, leaseLifetime: TimeInterval) async throws -> SaleFigures {
        try await read { db in
            guard let row = try await db.raw("""
                SELECT s.*, (\(Self.leaseSum(live: now.addingTimeInterval(-leaseLifetime).millis))) AS live
                FROM flash_sales s WHERE s.id = \(bind: saleId)
                """).first() else { throw DomainError.notFound(what: "flash sale") }
            let live = try row.int("live")
            let units = try row.int("units"), sold = try row.int("sold"), fcodes = try row.int("fcode_units"), returned = try row.int("returned")
            return SaleFigures(
                units: units, sold: sold, pool: units - sold - live - fcodes - returned, leased: live, fcodeUnits: fcodes,
                returned: returned, reservations: try row.int("reservations"))
        }
    }

    /// One transaction for the batch: per sale, the new reservations in a few multi-row inserts
    /// and one update of the count. A fan twice in the batch is added once. Sales, and fans
    /// within a sale, are written in id order, so two nodes' batches never wait on each other
    /// in a circle (PostgreSQL).
    public func reserve(_ reservations: [SaleReservation]) async throws -> [ReservationOutcome] {
        guard !reservations.isEmpty else { return [] }
        return try await sqlTransaction { db in
            var outcomes = [ReservationOutcome?](repeating: nil, count: reservations.count)
            for saleId in Set(reservations.map(\.saleId)).sorted() {
                let places = reservations.indices.filter { reservations[$0].saleId == saleId }
                var firstPlace: [String: Int] = [:]
                for place in places where firstPlace[reservations[place].accountId] == nil { firstPlace[reservations[place].accountId] = place }
                let fresh = places.filter { firstPlace[reservations[$0].accountId] == $0 }.sorted { reservations[$0].accountId < reservations[$1].accountId }
                var added: Set<String> = []
                for chunk in Self.statementChunks(fresh) {
                    let rows = chunk.map { place -> SQLQueryString in
                        "(\(bind: saleId), \(bind: reservations[place].accountId), \(bind: reservations[place].now.millis))"
                    }
                    for row in try await db.raw("""
                        INSERT INTO flash_sale_reservations (sale_id, account_id, created_at) VALUES \(rows.joined(separator: ", "))
                        ON CONFLICT (sale_id, account_id) DO NOTHING RETURNING account_id
                        """).all() {
                        added.insert(try row.string("account_id"))
                    }
                }
                let count = try await (added.isEmpty
                    ? db.raw("SELECT reservations FROM flash_sales WHERE id = \(bind: saleId)")
                    : db.raw("UPDATE flash_sales SET reservations = reservations + \(bind: Int64(added.count)) WHERE id = \(bind: saleId) RETURNING reservations")).first()
                guard let total = try count?.int("reservations") else { throw DomainError.notFound(what: "flash sale") }
                // Each added fan's count is the sale's as of its own reservation, in the batch's order.
                var before = total - Int64(added.count)
                for place in places {
                    let isNew = firstPlace[reservations[place].accountId] == place && added.contains(reservations[place].accountId)
                    if isNew { before += 1 }
                    outcomes[place] = ReservationOutcome(added: isNew, reservations: isNew ? before : total)
                }
            }
            return outcomes.map { $0! }
        }
    }

    public func hasReserved(saleId: String, accountId: String) async throws -> Bool {
        try await read { db in
            try await db.raw("""
                SELECT account_id FROM flash_sale_reservations WHERE sale_id = \(bind: saleId) AND account_id = \(bind: accountId)
                """).first() != nil
        }
    }

    public func reservedAccounts(saleId: String) async throws -> Set<String> {
        try await read { db in
            Set(try await db.raw("SELECT account_id FROM flash_sale_reservations WHERE sale_id = \(bind: saleId)").all()
                .map { try $0.string("account_id") })
        }
    }

    public func buyers(saleId: String) async throws -> [String: Int] {
        try await read { db in
            var buyers: [String: Int] = [:]
            for row in try await db.raw("SELECT account_id, units FROM flash_sale_buyers WHERE sale_id = \(bind: saleId) AND units > 0").all() {
                buyers[try row.string("account_id")] = Int(try row.int("units"))
            }
            return buyers
        }
    }

    public func buyers(saleId: String, boughtAfter count: Int64) async throws -> [String] {
        try await read { db in
            try await db.raw("""
                SELECT account_id FROM flash_sale_buyers
                WHERE sale_id = \(bind: saleId) AND bought_at > \(bind: count) AND (bought_at > 0 OR units > 0)
                """).all().map { try $0.string("account_id") }
        }
    }

    public func issueFCodes(saleId: String, count: Int, now: Date) async throws -> [String] {
        guard (1...1000).contains(count) else { throw DomainError.invalid(field: "count", "must be from 1 to 1000") }
        return try await sqlTransaction { db in try await Self.issueFCodes(db: db, saleId: saleId, count: count, now: now) }
    }

    /// Moves `count` units of the sale's pool to its F-code allotment and makes one code for each.
    static func issueFCodes(db: any SQLDatabase, saleId: String, count: Int, now: Date) async throws -> [String] {
        let moved = try await db.raw("""
            UPDATE flash_sales SET fcode_units = fcode_units + \(bind: Int64(count))
            WHERE id = \(bind: saleId) AND closed = 0
                AND sold + leased + fcode_units + returned + \(bind: Int64(count)) <= units
            RETURNING id
            """).first()
        guard moved != nil else {
            throw DomainError.conflict(code: "sold_out", message: "the sale's pool has fewer than \(count) units")
        }
        var codes: [String] = []
        for _ in 0..<count {
            let code = FCode.make()
            try await db.raw("INSERT INTO fcodes (code, sale_id, created_at) VALUES (\(bind: code), \(bind: saleId), \(bind: now.millis))").run()
            codes.append(code)
        }
        return codes
    }

    public func redeem(fcode: String, purchase: SalePurchase) async throws -> JournalOutcome {
        try await sqlTransaction { [backend] db in
            if let replay = try await Self.replays(db: db, backend: backend, [purchase])[0] { return replay }
            // An F-code skips the queue, not the per-account limit; the buyer's row first, as everywhere.
            let allowed = try await Self.countPurchase(
                db: db, saleId: purchase.sale.id, accounts: [purchase.accountId], limit: Int64(purchase.sale.perAccountLimit))
            guard !allowed.isEmpty else { return .limitReached }
            let used = try await db.raw("""
                UPDATE fcodes SET order_id = \(bind: purchase.orderId)
                WHERE code = \(bind: fcode) AND sale_id = \(bind: purchase.sale.id) AND order_id IS NULL RETURNING code
                """).first()
            guard used != nil else {
                let known = try await db.raw("SELECT code FROM fcodes WHERE code = \(bind: fcode) AND sale_id = \(bind: purchase.sale.id)").first()
                throw known == nil ? DomainError.notFound(what: "F-code") : DomainError.conflict(code: "fcode_used", message: "this F-code was already used")
            }
            let open = try await db.raw("""
                UPDATE flash_sales SET fcode_units = fcode_units - 1, sold = sold + 1, bought = bought + 1
                WHERE id = \(bind: purchase.sale.id) AND closed = 0 RETURNING bought
                """).first()
            guard let open else { throw PurchaseRefusal.ended.domainError }
            try await Self.stampBuyers(db: db, saleId: purchase.sale.id, accounts: [purchase.accountId], bought: try open.int("bought"))
            return try await Self.insertSaleOrder(db: db, purchase, note: "bought with an F-code")
        }
    }

    public func saleRelease(orderId: String) async throws -> SaleRelease? {
        try await read { db in try await Self.saleRelease(db: db, orderId: orderId) }
    }

    static func saleRelease(db: any SQLDatabase, orderId: String) async throws -> SaleRelease? {
        guard let row = try await db.raw("SELECT flash_sale_id, account_id FROM orders WHERE id = \(bind: orderId)").first(),
              let saleId = try row.optionalString("flash_sale_id")
        else { return nil }
        return SaleRelease(saleId: saleId, accountId: try row.string("account_id"))
    }

    public func closeEndedSales(now: Date) async throws -> [String] {
        let due = try await read { db in
            try await db.raw("SELECT id FROM flash_sales WHERE closed = 0 AND ends_at <= \(bind: now.millis)").all().map { try $0.string("id") }
        }
        for id in due {
            try await sqlTransaction { db in
                // Lock the row by closing it, then give back everything the sale has not sold.
                guard let row = try await db.raw("""
                    UPDATE flash_sales SET closed = 1 WHERE id = \(bind: id) AND closed = 0
                    RETURNING units, sold, returned, sku_id, warehouse_id
                    """).first() else { return }
                let unsold = try row.int("units") - row.int("sold") - row.int("returned")
                try await db.raw("""
                    UPDATE flash_sales SET leased = 0, fcode_units = 0, returned = returned + \(bind: unsold) WHERE id = \(bind: id)
                    """).run()
                try await db.raw("DELETE FROM flash_sale_leases WHERE sale_id = \(bind: id)").run()
                try await db.raw("""
                    UPDATE stock SET held = held - \(bind: unsold)
                    WHERE sku_id = \(bind: try row.string("sku_id")) AND warehouse_id = \(bind: try row.string("warehouse_id"))
                    """).run()
            }
        }
        return due
    }

    static func flashSale(from row: any SQLRow) throws -> FlashSale {
        FlashSale(
            id: try row.string("id"), title: try row.string("title"), skuId: try row.string("sku_id"),
            marketCode: try row.string("market_code"), warehouseId: try row.string("warehouse_id"), price: try row.int("price"),
            currency: try row.string("currency"), startsAt: try row.date("starts_at"), endsAt: try row.date("ends_at"),
            units: try row.int("units"), perAccountLimit: Int(try row.int("per_account_limit")),
            paymentWindowSeconds: Int(try row.int("payment_window_seconds")), reservedOnly: try row.bool("reserved_only"),
            createdAt: try row.date("created_at"), proofOfWorkBits: Int(try row.int("proof_of_work_bits")),
            tokenKey: try row.string("token_key"))
    }
}
