import Foundation
import MilletCore
import SQLKit

/// The write side of a flash sale: node leases and the group-commit journal.
extension SQLStore {
    /// Thrown inside a journal transaction when the node's lease is gone; rolls everything back.
    struct LeaseLost: Error {}

    public func lease(saleId: String, node: String, units: Int64, now: Date, leaseLifetime: TimeInterval) async throws -> Int64 {
        try await sqlTransaction { db in
            // Updating the sale row first locks it, so concurrent nodes lease one after another.
            guard let sale = try await db.raw("""
                UPDATE flash_sales SET leased = leased WHERE id = \(bind: saleId) AND closed = 0
                RETURNING units, sold, leased, fcode_units, returned
                """).first() else { return 0 }
            var leased = try sale.int("leased")
            // Leases of nodes that stopped renewing them go back to the pool.
            let dead = try await db.raw("""
                DELETE FROM flash_sale_leases WHERE sale_id = \(bind: saleId) AND node_id <> \(bind: node)
                    AND renewed_at < \(bind: now.addingTimeInterval(-leaseLifetime).millis)
                RETURNING units
                """).all().reduce(Int64(0)) { $0 + (try $1.int("units")) }
            leased -= dead
            let pool = try sale.int("units") - sale.int("sold") - leased - sale.int("fcode_units") - sale.int("returned")
            let granted = min(units, max(0, pool))
            try await db.raw("UPDATE flash_sales SET leased = \(bind: leased + granted) WHERE id = \(bind: saleId)").run()
            try await db.raw("""
                INSERT INTO flash_sale_leases (sale_id, node_id, units, renewed_at)
                VALUES (\(bind: saleId), \(bind: node), \(bind: granted), \(bind: now.millis))
                ON CONFLICT (sale_id, node_id) DO UPDATE SET units = flash_sale_leases.units + excluded.units, renewed_at = excluded.renewed_at
                """).run()
            return granted
        }
    }

    public func sellOut(saleId: String, node: String, now: Date, leaseLifetime: TimeInterval) async throws -> SellOutFigures {
        // One statement, so the pool, the other nodes' leases and the count are of one moment.
        let live = now.addingTimeInterval(-leaseLifetime).millis
        return try await read { db in
            guard let row = try await db.raw("""
                SELECT s.units - s.sold - s.fcode_units - s.returned - (\(Self.leaseSum(live: live))) AS pool,
                    (\(Self.leaseSum(live: live, except: node))) AS elsewhere, s.bought
                FROM flash_sales s WHERE s.id = \(bind: saleId)
                """).first() else { throw DomainError.notFound(what: "flash sale") }
            return SellOutFigures(pool: try row.int("pool"), leasedElsewhere: try row.int("elsewhere"), bought: try row.int("bought"))
        }
    }

    /// A subquery of the units in the leases of sale `s` renewed since `live`, leaving out
    /// `node`'s when given.
    static func leaseSum(live: Int64, except node: String? = nil) -> SQLQueryString {
        let others: SQLQueryString = node.map { "AND l.node_id <> \(bind: $0)" } ?? ""
        return """
            SELECT CAST(COALESCE(SUM(l.units), 0) AS BIGINT) FROM flash_sale_leases l
            WHERE l.sale_id = s.id AND l.renewed_at >= \(bind: live) \(others)
            """
    }

    public func renewLeases(node: String, now: Date) async throws {
        try await read { db in
            try await db.raw("UPDATE flash_sale_leases SET renewed_at = \(bind: now.millis) WHERE node_id = \(bind: node)").run()
        }
    }

    public func returnLease(saleId: String, node: String, units: Int64) async throws {
        guard units > 0 else { return }
        do {
            _ = try await sqlTransaction { db in try await Self.takeFromLease(db: db, saleId: saleId, node: node, units: units, sold: false) }
        } catch is LeaseLost {
            // The lease was already reclaimed; its units are back in the pool.
        }
    }

    /// Moves `units` out of the node's lease, into `sold` or back to the pool. Rows are always
    /// locked in one order, buyers, then the sale, then leases (``lease(saleId:node:units:now:leaseLifetime:)``,
    /// the journal, `commitOne` and cancellations all keep it), so two nodes never deadlock. Throws ``LeaseLost`` when the lease no longer has them.
    /// Answers the sale's count of units ever bought, after these when they were sold.
    @discardableResult
    static func takeFromLease(db: any SQLDatabase, saleId: String, node: String, units: Int64, sold: Bool) async throws -> Int64 {
        try await db.raw("UPDATE flash_sales SET leased = leased WHERE id = \(bind: saleId)").run()
        let taken = try await db.raw("""
            UPDATE flash_sale_leases SET units = units - \(bind: units)
            WHERE sale_id = \(bind: saleId) AND node_id = \(bind: node) AND units >= \(bind: units) RETURNING units
            """).first()
        guard taken != nil else { throw LeaseLost() }
        let bought = sold ? units : 0
        return try await db.raw("""
            UPDATE flash_sales SET sold = sold + \(bind: bought), bought = bought + \(bind: bought), leased = leased - \(bind: units)
            WHERE id = \(bind: saleId) RETURNING bought
            """).first()!.int("bought")
    }

    /// Stamps the buyers' rows with the sale's count of units ever bought that their purchase
    /// reached (rows already locked by ``countPurchase(db:saleId:accounts:limit:)``), so a node
    /// reads only the buyers since its last read.
    static func stampBuyers(db: any SQLDatabase, saleId: String, accounts: some Collection<String>, bought: Int64) async throws {
        let list = Set(accounts).sorted().map { account -> SQLQueryString in "\(bind: account)" }.joined(separator: ", ")
        try await db.raw("""
            UPDATE flash_sale_buyers SET bought_at = \(bind: bought) WHERE sale_id = \(bind: saleId) AND account_id IN (\(list))
            """).run()
    }

    public var journalExecutor: (any TaskExecutor)? { statementExecutor }

    public func commit(_ purchases: [SalePurchase], node: String) async throws -> [JournalOutcome] {
        guard !purchases.isEmpty else { return [] }
        do {
            return try await sqlTransaction { [backend] db in
                var outcomes = [JournalOutcome?](repeating: nil, count: purchases.count)
                for (index, replay) in try await Self.replays(db: db, backend: backend, purchases).enumerated() {
                    if let replay { outcomes[index] = replay }
                }
                // Orders are written after every sale's rows are taken, so the order-number rows are
                // locked last, as every other writer of them does (no lock cycle on PostgreSQL).
                var sold: [SalePurchase] = []
                for saleId in Set(purchases.map(\.sale.id)).sorted() {
                    let indices = purchases.indices.filter { purchases[$0].sale.id == saleId && outcomes[$0] == nil }
                    guard !indices.isEmpty else { continue }
                    let limit = Int64(purchases[indices[0]].sale.perAccountLimit)
                    // The database, not memory, has the last word on the per-account limit. Each round asks
                    // for one more unit per account, so a new row never starts above the limit.
                    var byAccount: [String: [Int]] = [:]
                    for index in indices { byAccount[purchases[index].accountId, default: []].append(index) }
                    var accepted: [SalePurchase] = []
                    var round = 0
                    while true {
                        let accounts = byAccount.filter { $0.value.count > round }.keys.sorted()
                        guard !accounts.isEmpty else { break }
                        let allowed = try await Self.countPurchase(db: db, saleId: saleId, accounts: accounts, limit: limit)
                        for account in accounts {
                            let index = byAccount[account]![round]
                            if allowed.contains(account) {
                                accepted.append(purchases[index])
                            } else {
                                outcomes[index] = .limitReached
                            }
                        }
                        round += 1
                    }
                    let count = Int64(accepted.count)
                    guard count > 0 else { continue }
                    let bought = try await Self.takeFromLease(db: db, saleId: saleId, node: node, units: count, sold: true)
                    try await Self.stampBuyers(db: db, saleId: saleId, accounts: accepted.map(\.accountId), bought: bought)
                    sold += accepted
                }
                let numbers = try await Self.insertSaleOrders(db: db, sold, note: "bought in the flash sale")
                for index in purchases.indices where outcomes[index] == nil {
                    outcomes[index] = .created(orderId: purchases[index].orderId, number: numbers[purchases[index].orderId]!)
                }
                return outcomes.map { $0! }
            }
        } catch is LeaseLost {
            return purchases.map { _ in .leaseLost }
        }
    }

    public func commitOne(_ purchase: SalePurchase) async throws -> JournalOutcome {
        try await sqlTransaction { [backend] db in
            if let replay = try await Self.replays(db: db, backend: backend, [purchase])[0] { return replay }
            let sale = purchase.sale
            // The buyer's row before the sale row, the order the journal and cancellations lock them in.
            let allowed = try await Self.countPurchase(
                db: db, saleId: sale.id, accounts: [purchase.accountId], limit: Int64(sale.perAccountLimit))
            guard !allowed.isEmpty else { throw PurchaseRefusal.limitReached }
            // One row lock per order: the sale row is the hot spot every buyer queues on.
            let taken = try await db.raw("""
                UPDATE flash_sales SET sold = sold + 1, bought = bought + 1
                WHERE id = \(bind: sale.id) AND closed = 0 AND sold + leased + fcode_units + returned < units RETURNING bought
                """).first()
            guard let taken else { throw PurchaseRefusal.soldOut }
            try await Self.stampBuyers(db: db, saleId: sale.id, accounts: [purchase.accountId], bought: try taken.int("bought"))
            return try await Self.insertSaleOrder(db: db, purchase, note: "bought in the flash sale")
        }
    }

    /// On PostgreSQL, locks each buyer's row of the sale (made with no units when the account has
    /// none yet) before the keys are looked up. The same key sent to two nodes at once reaches the
    /// database in two transactions; without the lock both would find no order under it, and the
    /// second would be refused at the limit (or break the key's unique index) instead of answering
    /// the first's order. Once the lock is held, whichever transaction held it before has
    /// committed and its order is visible. SQLite runs one writing transaction at a time already.
    /// Rows are locked in one order (sale, then account), before any sale or lease row.
    private static func holdBuyers(db: any SQLDatabase, backend: Backend, _ purchases: [SalePurchase]) async throws {
        guard backend == .postgres else { return }
        let buyers = Set(purchases.map { [$0.sale.id, $0.accountId] }).sorted { $0.lexicographicallyPrecedes($1) }
        let rows = buyers.map { buyer -> SQLQueryString in "(\(bind: buyer[0]), \(bind: buyer[1]), 0)" }
        try await db.raw("""
            INSERT INTO flash_sale_buyers (sale_id, account_id, units) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (sale_id, account_id) DO UPDATE SET units = flash_sale_buyers.units
            """).run()
    }

    /// Counts one more unit for each account unless that would pass the limit; answers the accounts counted.
    static func countPurchase(db: any SQLDatabase, saleId: String, accounts: [String], limit: Int64) async throws -> Set<String> {
        let rows = accounts.map { account -> SQLQueryString in "(\(bind: saleId), \(bind: account), 1)" }
        return Set(try await db.raw("""
            INSERT INTO flash_sale_buyers (sale_id, account_id, units) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (sale_id, account_id) DO UPDATE SET units = flash_sale_buyers.units + 1
            WHERE flash_sale_buyers.units + 1 <= \(bind: limit)
            RETURNING account_id
            """).all().map { try $0.string("account_id") })
    }

    /// For each purchase, the order an earlier request with the same account and key created
    /// (`keyReused` when that request was another purchase). Holds the buyers' rows first
    /// (``holdBuyers(db:backend:_:)``), so a transaction writing the same key has committed.
    static func replays(db: any SQLDatabase, backend: Backend, _ purchases: [SalePurchase]) async throws -> [JournalOutcome?] {
        try await holdBuyers(db: db, backend: backend, purchases)
        var found: [String: (id: String, requestHash: String?)] = [:]
        for start in stride(from: 0, to: purchases.count, by: 250) {
            let chunk = purchases[start..<min(start + 250, purchases.count)]
            // Every order of these accounts (a few each), matched to the keys here. Asking for the
            // keys too (`AND idempotency_key IN (…)`) made SQLite search the index once for every
            // account and key pair: 256 searches for a batch of 16, 4,096 for one of 64.
            let accounts = Set(chunk.map(\.accountId)).map { id -> SQLQueryString in "\(bind: id)" }.joined(separator: ", ")
            for row in try await db.raw("SELECT id, account_id, idempotency_key, request_hash FROM orders WHERE account_id IN (\(accounts))").all() {
                found[try row.string("account_id") + " " + row.string("idempotency_key")] = (try row.string("id"), try row.optionalString("request_hash"))
            }
        }
        return purchases.map { purchase in
            found[purchase.accountId + " " + purchase.idempotencyKey].map { placed in
                IdempotentRequest.matches(stored: placed.requestHash, given: purchase.requestHash) ? .replayed(orderId: placed.id) : .keyReused
            }
        }
    }

    /// Writes one purchase's order; answers it as created, with its number.
    static func insertSaleOrder(db: any SQLDatabase, _ purchase: SalePurchase, note: String) async throws -> JournalOutcome {
        let numbers = try await insertSaleOrders(db: db, [purchase], note: note)
        return .created(orderId: purchase.orderId, number: numbers[purchase.orderId]!)
    }

    /// Writes orders, their one line and their first transition with multi-row statements;
    /// answers each order's number by its id.
    @discardableResult
    static func insertSaleOrders(db: any SQLDatabase, _ purchases: [SalePurchase], note: String) async throws -> [String: String] {
        var numbers: [String: String] = [:]
        for start in stride(from: 0, to: purchases.count, by: 400) {
            let chunk = purchases[start..<min(start + 400, purchases.count)]
            // One statement per market and day takes the chunk's numbers, in a fixed order.
            for (place, group) in Dictionary(grouping: chunk, by: { [$0.sale.marketCode, Order.numberDay($0.now)] })
                .sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                let taken = try await orderNumbers(db: db, market: place[0], placedAt: group[0].now, count: group.count)
                for (purchase, number) in zip(group, taken) { numbers[purchase.orderId] = number }
            }
            let orders = chunk.map { p -> SQLQueryString in
                let t = p.totals, a = p.address
                return """
                    (\(bind: p.orderId), \(bind: numbers[p.orderId]!), \(bind: p.requestHash), \(bind: p.accountId), \(bind: p.sale.marketCode), \(bind: p.sale.currency),
                    \(bind: OrderStatus.pendingPayment.rawValue), \(bind: t.subtotal), \(bind: t.shipping), \(bind: t.tax), \(bind: t.total),
                    \(bind: Int64(t.pricesIncludeTax ? 1 : 0)), \(bind: a.name), \(bind: a.line1), \(bind: a.city), \(bind: a.postcode),
                    \(bind: a.phone), \(bind: p.paymentDeadline.millis), \(bind: p.idempotencyKey), \(bind: p.now.millis), \(bind: p.sale.id))
                    """
            }
            try await db.raw("""
                INSERT INTO orders (id, number, request_hash, account_id, market_code, currency, status, subtotal, shipping, tax, total,
                    prices_include_tax, ship_name, ship_line1, ship_city, ship_postcode, ship_phone, payment_deadline,
                    idempotency_key, created_at, flash_sale_id)
                VALUES \(orders.joined(separator: ", "))
                """).run()
            let lines = chunk.map { p -> SQLQueryString in
                """
                (\(bind: p.orderId), 1, \(bind: p.sale.skuId), \(bind: p.skuCode), \(bind: p.productName), \(bind: p.sale.warehouseId),
                1, \(bind: p.sale.price), \(bind: p.sale.price))
                """
            }
            try await db.raw("""
                INSERT INTO order_lines (order_id, line_no, sku_id, sku_code, product_name, warehouse_id, quantity, unit_price, line_total)
                VALUES \(lines.joined(separator: ", "))
                """).run()
            let transitions = chunk.map { p -> SQLQueryString in
                "(\(bind: p.orderId), 1, NULL, \(bind: OrderStatus.pendingPayment.rawValue), \(bind: "account:\(p.accountId)"), \(bind: note), \(bind: p.now.millis))"
            }
            try await db.raw("""
                INSERT INTO order_transitions (order_id, seq, from_status, to_status, actor, note, at)
                VALUES \(transitions.joined(separator: ", "))
                """).run()
            // Each win's confirmation, in the outbox with the order.
            let notices = chunk.map { p -> SQLQueryString in
                let key = "\(NoticeKind.orderPlaced.rawValue):\(p.orderId)"
                return """
                    (\(bind: key), \(bind: p.accountId), \(bind: NoticeKind.orderPlaced.rawValue), \(bind: p.orderId), \(bind: key), '{}',
                    \(bind: p.now.millis), 'pending', 'pending', 0, \(bind: p.now.millis))
                    """
            }
            try await db.raw("""
                INSERT INTO notices (\(unsafeRaw: SQLStore.noticeColumns))
                VALUES \(notices.joined(separator: ", ")) ON CONFLICT (dedupe_key) DO NOTHING
                """).run()
        }
        return numbers
    }
}
