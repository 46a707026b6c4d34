extension Migration {
    /// Flash sales: the sale row carries its counters, and a CHECK keeps
    /// `sold + leased + fcode_units + returned <= units` true in every transaction.
    static let flashSales = Migration(version: 2, name: "flash_sales", statements: { _ in
        [
            "ALTER TABLE orders ADD COLUMN flash_sale_id TEXT",
            "CREATE INDEX orders_by_sale ON orders (flash_sale_id)",
            """
            CREATE TABLE flash_sales (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, sku_id TEXT NOT NULL REFERENCES skus(id),
                market_code TEXT NOT NULL REFERENCES markets(code), warehouse_id TEXT NOT NULL REFERENCES warehouses(id),
                price BIGINT NOT NULL, currency TEXT NOT NULL, starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL,
                units BIGINT NOT NULL, per_account_limit BIGINT NOT NULL, payment_window_seconds BIGINT NOT NULL,
                reserved_only BIGINT NOT NULL, created_at BIGINT NOT NULL, proof_of_work_bits BIGINT NOT NULL, token_key TEXT NOT NULL,
                sold BIGINT NOT NULL DEFAULT 0, leased BIGINT NOT NULL DEFAULT 0, fcode_units BIGINT NOT NULL DEFAULT 0,
                returned BIGINT NOT NULL DEFAULT 0, reservations BIGINT NOT NULL DEFAULT 0, closed BIGINT NOT NULL DEFAULT 0,
                CHECK (sold >= 0 AND leased >= 0 AND fcode_units >= 0 AND returned >= 0
                    AND sold + leased + fcode_units + returned <= units))
            """,
            "CREATE INDEX flash_sales_by_end ON flash_sales (ends_at)",
            """
            CREATE TABLE flash_sale_leases (
                sale_id TEXT NOT NULL REFERENCES flash_sales(id), node_id TEXT NOT NULL,
                units BIGINT NOT NULL CHECK (units >= 0), renewed_at BIGINT NOT NULL, PRIMARY KEY (sale_id, node_id))
            """,
            """
            CREATE TABLE flash_sale_reservations (
                sale_id TEXT NOT NULL REFERENCES flash_sales(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                created_at BIGINT NOT NULL, PRIMARY KEY (sale_id, account_id))
            """,
            """
            CREATE TABLE flash_sale_buyers (
                sale_id TEXT NOT NULL REFERENCES flash_sales(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                units BIGINT NOT NULL CHECK (units >= 0), PRIMARY KEY (sale_id, account_id))
            """,
            """
            CREATE TABLE fcodes (
                code TEXT PRIMARY KEY, sale_id TEXT NOT NULL REFERENCES flash_sales(id), order_id TEXT,
                created_at BIGINT NOT NULL)
            """,
        ]
    })
}
