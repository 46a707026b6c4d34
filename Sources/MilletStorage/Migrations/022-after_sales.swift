import MilletCore

extension Migration {
    /// After-sales: each market's service rules (seeded from ``DemoServiceRules`` for the markets
    /// present), service cases with their lines and history, what a sold serial was and from when
    /// its cover counts after a replacement, and the graded units that came back.
    static let afterSales = Migration(version: 22, name: "after_sales", statements: { _ in
        [
            """
            CREATE TABLE service_rules (
                market_code TEXT NOT NULL REFERENCES markets(code), code TEXT NOT NULL, remedy TEXT NOT NULL, ground TEXT NOT NULL,
                parts TEXT NOT NULL, period TEXT NOT NULL, case_days BIGINT NOT NULL, title TEXT NOT NULL, active BIGINT NOT NULL,
                PRIMARY KEY (market_code, code))
            """,
            """
            CREATE TABLE service_cases (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, account_id TEXT NOT NULL REFERENCES accounts(id),
                order_id TEXT NOT NULL REFERENCES orders(id), market_code TEXT NOT NULL, serial TEXT, ground TEXT NOT NULL,
                part TEXT NOT NULL, description TEXT NOT NULL, remedy TEXT NOT NULL, rule_code TEXT NOT NULL, rule_title TEXT NOT NULL,
                deadline_at BIGINT NOT NULL, refund_amount BIGINT NOT NULL, currency TEXT NOT NULL, refund_id TEXT, grade TEXT,
                replacement_serial TEXT, pickup_on TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX service_cases_by_order ON service_cases (order_id)",
            "CREATE INDEX service_cases_by_account ON service_cases (account_id, created_at)",
            "CREATE INDEX service_cases_by_status ON service_cases (status, deadline_at)",
            """
            CREATE TABLE service_case_lines (
                case_id TEXT NOT NULL REFERENCES service_cases(id), sku_id TEXT NOT NULL, quantity BIGINT NOT NULL CHECK (quantity > 0),
                PRIMARY KEY (case_id, sku_id))
            """,
            """
            CREATE TABLE service_case_events (
                case_id TEXT NOT NULL REFERENCES service_cases(id), seq BIGINT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,
                event TEXT NOT NULL, actor TEXT NOT NULL, note TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (case_id, seq))
            """,
            "ALTER TABLE device_sales ADD COLUMN sku_id TEXT",
            "ALTER TABLE device_sales ADD COLUMN warranty_from BIGINT",
            "ALTER TABLE device_sales ADD COLUMN replaced_by TEXT",
            """
            CREATE TABLE returned_units (
                case_id TEXT NOT NULL REFERENCES service_cases(id), sku_id TEXT NOT NULL, warehouse_id TEXT NOT NULL,
                quantity BIGINT NOT NULL, grade TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (case_id, sku_id))
            """,
            """
            CREATE TABLE refurbished_stock (
                sku_id TEXT NOT NULL, warehouse_id TEXT NOT NULL, quantity BIGINT NOT NULL CHECK (quantity >= 0),
                PRIMARY KEY (sku_id, warehouse_id))
            """,
        ] + demoMarketCodes.flatMap(DemoServiceRules.rules(marketCode:)).map { rule in
            let row = SQLStore.serviceRuleValues(rule).map(literal).joined(separator: ", ")
            return """
                INSERT INTO service_rules (market_code, code, remedy, ground, parts, period, title, case_days, active)
                SELECT \(row), \(rule.caseDays), 1 FROM markets WHERE code = '\(rule.marketCode)'
                """
        }
    })
}
