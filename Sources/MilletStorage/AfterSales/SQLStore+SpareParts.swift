import Foundation
import MilletCore
import SQLKit

extension SQLStore: SparePartRepository {
    public func spareParts(marketCode: String, includeInactive: Bool) async throws -> [SparePart] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM spare_parts WHERE market_code = \(bind: marketCode) AND (active = 1 OR \(bind: Int64(includeInactive ? 1 : 0)) = 1)
                ORDER BY code
                """).all().map { row in
                try SparePart(
                    marketCode: try row.string("market_code"), code: try row.string("code"), part: PartClass(rawValue: try row.string("part_class"))!,
                    name: try row.string("name"), price: try row.int("price_minor"), stocked: try row.bool("stocked"), active: try row.bool("active"))
            }
        }
    }

    public func save(_ part: SparePart) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO spare_parts (market_code, code, part_class, name, price_minor, stocked, active)
                VALUES (\(bind: part.marketCode), \(bind: part.code), \(bind: part.part.rawValue), \(bind: part.name), \(bind: part.price),
                    \(bind: Int64(part.stocked ? 1 : 0)), \(bind: Int64(part.active ? 1 : 0)))
                ON CONFLICT (market_code, code) DO UPDATE SET part_class = excluded.part_class, name = excluded.name,
                    price_minor = excluded.price_minor, stocked = excluded.stocked, active = excluded.active
                """).run()
        }
    }

    public func sparePartStock(centreId: String) async throws -> [String: Int] {
        try await read { db in
            var stock: [String: Int] = [:]
            for row in try await db.raw("SELECT code, quantity FROM spare_part_stock WHERE centre_id = \(bind: centreId)").all() {
                stock[try row.string("code")] = Int(try row.int("quantity"))
            }
            return stock
        }
    }

    public func setSparePartStock(centreId: String, code: String, quantity: Int) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO spare_part_stock (centre_id, code, quantity) VALUES (\(bind: centreId), \(bind: code), \(bind: Int64(quantity)))
                ON CONFLICT (centre_id, code) DO UPDATE SET quantity = excluded.quantity
                """).run()
        }
    }
}
