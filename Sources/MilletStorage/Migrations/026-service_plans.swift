import MilletCore

extension Migration {
    /// Service plans each market sells (seeded from ``DemoServicePlans`` for the markets present)
    /// and the plans bought for units, each paid by its own order.
    static let servicePlans = Migration(version: 26, name: "service_plans", statements: { _ in
        [
            """
            CREATE TABLE service_plans (
                market_code TEXT NOT NULL REFERENCES markets(code), code TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
                months BIGINT NOT NULL, price_minor BIGINT NOT NULL, window_days BIGINT NOT NULL, active BIGINT NOT NULL,
                PRIMARY KEY (market_code, code))
            """,
            """
            CREATE TABLE plan_covers (
                id TEXT PRIMARY KEY, plan_code TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, serial TEXT NOT NULL,
                account_id TEXT NOT NULL REFERENCES accounts(id), market_code TEXT NOT NULL, order_id TEXT NOT NULL REFERENCES orders(id),
                starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, cancelled BIGINT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX plan_covers_by_serial ON plan_covers (serial)",
        ] + demoMarketCodes.flatMap(DemoServicePlans.plans(marketCode:)).map { plan in
            """
            INSERT INTO service_plans (market_code, code, kind, name, months, price_minor, window_days, active)
            SELECT '\(plan.marketCode)', '\(plan.code)', '\(plan.kind.rawValue)', \(literal(plan.name)),
                \(plan.months), \(plan.price), \(plan.windowDays), 1
            FROM markets WHERE code = '\(plan.marketCode)'
            """
        }
    })
}
