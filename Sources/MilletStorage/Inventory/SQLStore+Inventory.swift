import MilletCore
import SQLKit

extension SQLStore: InventoryRepository {
    public func save(_ warehouse: Warehouse) async throws {
        try await read { db in
            try await db.raw("""
                INSERT INTO warehouses (id, market_code, name, local_factory)
                VALUES (\(bind: warehouse.id), \(bind: warehouse.marketCode), \(bind: warehouse.name),
                    \(bind: Int64(warehouse.isLocalFactory ? 1 : 0)))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, local_factory = excluded.local_factory
                """).run()
        }
    }

    public func warehouses(marketCode: String?) async throws -> [Warehouse] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM warehouses WHERE market_code = \(bind: marketCode ?? "") OR \(bind: marketCode ?? "") = ''
                ORDER BY market_code, name
                """).all().map(Self.warehouse(from:))
        }
    }

    public func warehouse(id: String) async throws -> Warehouse? {
        try await read { db in
            try await db.raw("SELECT * FROM warehouses WHERE id = \(bind: id)").first().map(Self.warehouse(from:))
        }
    }

    public func receive(skuId: String, warehouseId: String, quantity: Int64) async throws -> StockLevel {
        guard quantity >= 1 && quantity <= 10_000_000 else {
            throw DomainError.invalid(field: "quantity", "must be between 1 and 10000000")
        }
        return try await sqlTransaction { db in
            try await Self.receive(db: db, skuId: skuId, warehouseId: warehouseId, quantity: quantity)
            let row = try await db.raw("SELECT * FROM stock WHERE sku_id = \(bind: skuId) AND warehouse_id = \(bind: warehouseId)").first()
            return try Self.stockLevel(from: row!)
        }
    }

    /// Adds `quantity` received units of the SKU to the warehouse's stock, inside the caller's transaction.
    static func receive(db: any SQLDatabase, skuId: String, warehouseId: String, quantity: Int64) async throws {
        try await db.raw("""
            INSERT INTO stock (sku_id, warehouse_id, received, held, sold)
            VALUES (\(bind: skuId), \(bind: warehouseId), \(bind: quantity), 0, 0)
            ON CONFLICT (sku_id, warehouse_id) DO UPDATE SET received = stock.received + excluded.received
            """).run()
    }

    public func stock(skuId: String) async throws -> [StockLevel] {
        try await read { db in
            try await db.raw("SELECT * FROM stock WHERE sku_id = \(bind: skuId) ORDER BY warehouse_id").all().map(Self.stockLevel(from:))
        }
    }

    public func available(skuIds: [String], marketCode: String) async throws -> [String: Int64] {
        guard !skuIds.isEmpty else { return [:] }
        return try await read { db in
            let rows = try await db.raw("""
                SELECT s.sku_id, CAST(SUM(s.received - s.held - s.sold) AS BIGINT) AS available
                FROM stock s JOIN warehouses w ON w.id = s.warehouse_id
                WHERE w.market_code = \(bind: marketCode) AND s.sku_id IN (\(binds: skuIds))
                GROUP BY s.sku_id
                """).all()
            var result = Dictionary(uniqueKeysWithValues: skuIds.map { ($0, Int64(0)) })
            for row in rows { result[try row.string("sku_id")] = try row.int("available") }
            return result
        }
    }

    static func warehouse(from row: any SQLRow) throws -> Warehouse {
        Warehouse(id: try row.string("id"), marketCode: try row.string("market_code"), name: try row.string("name"),
                  isLocalFactory: try row.bool("local_factory"))
    }

    static func stockLevel(from row: any SQLRow) throws -> StockLevel {
        StockLevel(skuId: try row.string("sku_id"), warehouseId: try row.string("warehouse_id"),
                   received: try row.int("received"), held: try row.int("held"), sold: try row.int("sold"))
    }
}
