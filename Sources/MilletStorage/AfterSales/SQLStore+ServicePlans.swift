import Foundation
import MilletCore
import SQLKit

extension SQLStore: ServicePlanRepository {
    public func servicePlans(marketCode: String, includeInactive: Bool) async throws -> [ServicePlan] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM service_plans WHERE market_code = \(bind: marketCode) AND (active = 1 OR \(bind: Int64(includeInactive ? 1 : 0)) = 1)
                ORDER BY code
                """).all().map { row in
                try ServicePlan(
                    marketCode: try row.string("market_code"), code: try row.string("code"), kind: PlanKind(rawValue: try row.string("kind"))!,
                    name: try row.string("name"), months: Int(try row.int("months")), price: try row.int("price_minor"),
                    windowDays: Int(try row.int("window_days")), active: try row.bool("active"))
            }
        }
    }

    public func save(_ plan: ServicePlan) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO service_plans (market_code, code, kind, name, months, price_minor, window_days, active)
                VALUES (\(bind: plan.marketCode), \(bind: plan.code), \(bind: plan.kind.rawValue), \(bind: plan.name), \(bind: Int64(plan.months)),
                    \(bind: plan.price), \(bind: Int64(plan.windowDays)), \(bind: Int64(plan.active ? 1 : 0)))
                ON CONFLICT (market_code, code) DO UPDATE SET kind = excluded.kind, name = excluded.name, months = excluded.months,
                    price_minor = excluded.price_minor, window_days = excluded.window_days, active = excluded.active
                """).run()
        }
    }

    public func planCovers(serial: String) async throws -> [PlanCover] {
        try await read { db in try await Self.planCovers(db: db, where: "p.serial", serial) }
    }

    public func planCover(id: String) async throws -> PlanCover? {
        try await read { db in try await Self.planCovers(db: db, where: "p.id", id).first }
    }

    /// Plans with their status: cancelled when marked so or when their order was; active once the
    /// order is paid; pending before.
    static func planCovers(db: any SQLDatabase, where column: String, _ value: String) async throws -> [PlanCover] {
        try await db.raw("""
            SELECT p.*, o.status AS order_status FROM plan_covers p JOIN orders o ON o.id = p.order_id
            WHERE \(unsafeRaw: column) = \(bind: value) ORDER BY p.created_at, p.id
            """).all().map { row in
            let order = OrderStatus(rawValue: try row.string("order_status")) ?? .cancelled
            let status: PlanStatus = try row.bool("cancelled") || order == .cancelled || order == .refunded ? .cancelled
                : order == .pendingPayment ? .pending : .active
            return PlanCover(
                id: try row.string("id"), planCode: try row.string("plan_code"), kind: PlanKind(rawValue: try row.string("kind"))!,
                name: try row.string("name"), serial: try row.string("serial"), accountId: try row.string("account_id"),
                marketCode: try row.string("market_code"), orderId: try row.string("order_id"), startsAt: try row.date("starts_at"),
                endsAt: try row.date("ends_at"), status: status, createdAt: try row.date("created_at"))
        }
    }
}
