extension Migration {
    /// Shipping methods per market, the boxed weight that prices them, and the method an order
    /// was placed with. Every market present gets a standard method at its flat shipping price,
    /// named in its default language, so checkout keeps working on an existing store.
    static let shippingMethods = Migration(version: 19, name: "shipping_methods", statements: { _ in
        [
            """
            CREATE TABLE shipping_methods (
                market_code TEXT NOT NULL REFERENCES markets(code), code TEXT NOT NULL, names TEXT NOT NULL,
                rate_kind TEXT NOT NULL, first_minor BIGINT NOT NULL, extra_kg_minor BIGINT NOT NULL, free_over_minor BIGINT,
                min_days BIGINT NOT NULL, max_days BIGINT NOT NULL, position BIGINT NOT NULL, active BIGINT NOT NULL,
                PRIMARY KEY (market_code, code))
            """,
            """
            INSERT INTO shipping_methods (market_code, code, names, rate_kind, first_minor, extra_kg_minor, free_over_minor,
                min_days, max_days, position, active)
            SELECT code, 'standard', '{"' || default_language || '":"' || CASE default_language
                    WHEN 'zh-Hans' THEN '标准配送' WHEN 'es' THEN 'Envío estándar' WHEN 'hi' THEN 'सामान्य डिलीवरी'
                    WHEN 'id' THEN 'Pengiriman reguler' ELSE 'Standard delivery' END || '"}',
                'flat', shipping_minor, 0, NULL, 2, 5, 0, 1
            FROM markets
            """,
            "ALTER TABLE skus ADD COLUMN weight_grams BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE orders ADD COLUMN shipping_method TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE orders ADD COLUMN shipping_method_name TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE orders ADD COLUMN delivery_earliest BIGINT",
            "ALTER TABLE orders ADD COLUMN delivery_latest BIGINT",
        ]
    })
}
