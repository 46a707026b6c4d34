extension Migration {
    /// Build to order: production batches of a SKU for a market (places, ship window, price and
    /// deposit; a crowdfunded batch's goal and deadline), the pre-orders that fill them, and the
    /// pre-order an order takes money for.
    static let preorders = Migration(version: 40, name: "preorders", statements: { _ in
        [
            """
            CREATE TABLE production_batches (
                id TEXT PRIMARY KEY, sku_id TEXT NOT NULL REFERENCES skus(id), market_code TEXT NOT NULL, currency TEXT NOT NULL,
                number BIGINT NOT NULL, units BIGINT NOT NULL, reserved BIGINT NOT NULL CHECK (reserved >= 0), ship_from BIGINT NOT NULL,
                ship_to BIGINT NOT NULL, price BIGINT NOT NULL, deposit BIGINT NOT NULL, status TEXT NOT NULL, slips BIGINT NOT NULL,
                created_at BIGINT NOT NULL, late_told_at BIGINT, goal BIGINT, funding_ends BIGINT, funded_at BIGINT, UNIQUE (sku_id, market_code, number), CHECK (reserved <= units))
            """,
            "CREATE INDEX production_batches_by_sku ON production_batches (sku_id, market_code, status, ship_from)",
            """
            CREATE TABLE preorders (
                id TEXT PRIMARY KEY, batch_id TEXT NOT NULL REFERENCES production_batches(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                deposit_order_id TEXT NOT NULL, balance_order_id TEXT, status TEXT NOT NULL, ship_name TEXT NOT NULL, ship_line1 TEXT NOT NULL,
                ship_city TEXT NOT NULL, ship_postcode TEXT NOT NULL, ship_phone TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX preorders_by_batch ON preorders (batch_id, created_at)",
            "CREATE INDEX preorders_by_account ON preorders (account_id, created_at)",
            "CREATE INDEX preorders_by_deposit ON preorders (deposit_order_id)",
            "ALTER TABLE orders ADD COLUMN preorder_id TEXT",
        ]
    })
}
