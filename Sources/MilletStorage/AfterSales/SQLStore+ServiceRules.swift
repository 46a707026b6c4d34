import Foundation
import MilletCore
import SQLKit

extension SQLStore: ServiceRuleRepository {
    public func serviceRules(marketCode: String, includeInactive: Bool) async throws -> [ServiceRule] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM service_rules WHERE market_code = \(bind: marketCode) AND (active = 1 OR \(bind: Int64(includeInactive ? 1 : 0)) = 1)
                ORDER BY code
                """).all().map(Self.serviceRule(from:))
        }
    }

    public func save(_ rule: ServiceRule) async throws {
        let values = Self.serviceRuleValues(rule)
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO service_rules (market_code, code, remedy, ground, parts, period, case_days, title, active)
                VALUES (\(bind: values[0]), \(bind: values[1]), \(bind: values[2]), \(bind: values[3]), \(bind: values[4]), \(bind: values[5]),
                    \(bind: Int64(rule.caseDays)), \(bind: values[6]), \(bind: Int64(rule.active ? 1 : 0)))
                ON CONFLICT (market_code, code) DO UPDATE SET remedy = excluded.remedy, ground = excluded.ground, parts = excluded.parts,
                    period = excluded.period, case_days = excluded.case_days, title = excluded.title, active = excluded.active
                """).run()
        }
    }

    /// A rule's text columns in table order: market, code, remedy, ground, parts, period, title.
    static func serviceRuleValues(_ rule: ServiceRule) -> [String] {
        [rule.marketCode, rule.code, rule.remedy.rawValue, rule.ground.rawValue, rule.parts.map(\.rawValue).joined(separator: ","),
         rule.period.text, rule.title]
    }

    static func serviceRule(from row: any SQLRow) throws -> ServiceRule {
        try ServiceRule(
            marketCode: try row.string("market_code"), code: try row.string("code"), remedy: Remedy(rawValue: try row.string("remedy"))!,
            ground: ServiceGround(rawValue: try row.string("ground"))!,
            parts: try row.string("parts").split(separator: ",").compactMap { PartClass(rawValue: String($0)) },
            period: try ServicePeriod(text: try row.string("period")), caseDays: Int(try row.int("case_days")), title: try row.string("title"),
            active: try row.bool("active"))
    }
}
