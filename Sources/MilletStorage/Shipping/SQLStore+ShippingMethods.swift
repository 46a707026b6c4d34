import Foundation
import MilletCore
import SQLKit

extension SQLStore: ShippingMethodRepository {
    public func shippingMethods(marketCode: String, includeInactive: Bool) async throws -> [ShippingMethod] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM shipping_methods WHERE market_code = \(bind: marketCode) AND (active = 1 OR \(bind: Int64(includeInactive ? 1 : 0)) = 1)
                ORDER BY position, code
                """).all().map(Self.shippingMethod(from:))
        }
    }

    public func save(_ method: ShippingMethod) async throws {
        let (kind, first, extra): (String, Int64, Int64) = switch method.rate {
        case .flat(let amount): ("flat", amount, 0)
        case .byWeight(let firstKg, let perExtraKg): ("weight", firstKg, perExtraKg)
        }
        let names = String(decoding: try JSONEncoder().encode(method.names), as: UTF8.self)
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO shipping_methods (market_code, code, names, rate_kind, first_minor, extra_kg_minor, free_over_minor,
                    min_days, max_days, position, active)
                VALUES (\(bind: method.marketCode), \(bind: method.code), \(bind: names), \(bind: kind), \(bind: first), \(bind: extra),
                    \(bind: method.freeOver), \(bind: Int64(method.minDays)), \(bind: Int64(method.maxDays)),
                    \(bind: Int64(method.position)), \(bind: Int64(method.active ? 1 : 0)))
                ON CONFLICT (market_code, code) DO UPDATE SET names = excluded.names, rate_kind = excluded.rate_kind,
                    first_minor = excluded.first_minor, extra_kg_minor = excluded.extra_kg_minor,
                    free_over_minor = excluded.free_over_minor, min_days = excluded.min_days, max_days = excluded.max_days,
                    position = excluded.position, active = excluded.active
                """).run()
        }
    }

    static func shippingMethod(from row: any SQLRow) throws -> ShippingMethod {
        let first = try row.int("first_minor"), extra = try row.int("extra_kg_minor")
        return ShippingMethod(
            stored: try row.string("market_code"), code: try row.string("code"),
            names: try JSONDecoder().decode([String: String].self, from: Data(try row.string("names").utf8)),
            rate: try row.string("rate_kind") == "weight" ? .byWeight(firstKg: first, perExtraKg: extra) : .flat(first),
            freeOver: try row.decodeNil(column: "free_over_minor") ? nil : try row.int("free_over_minor"),
            minDays: Int(try row.int("min_days")), maxDays: Int(try row.int("max_days")),
            position: Int(try row.int("position")), active: try row.bool("active"))
    }
}
