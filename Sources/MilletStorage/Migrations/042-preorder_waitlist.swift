extension Migration {
    /// Fans waiting for a place in the next batch of a SKU in a market, and when they were told.
    static let preorderWaitlist = Migration(version: 42, name: "preorder_waitlist", statements: { _ in
        [
            """
            CREATE TABLE preorder_waitlist (
                account_id TEXT NOT NULL REFERENCES accounts(id), sku_id TEXT NOT NULL REFERENCES skus(id), market_code TEXT NOT NULL,
                joined_at BIGINT NOT NULL, told_at BIGINT, PRIMARY KEY (account_id, sku_id, market_code))
            """,
            "CREATE INDEX preorder_waitlist_waiting ON preorder_waitlist (sku_id, market_code, told_at, joined_at)",
            "CREATE INDEX preorder_waitlist_by_day ON preorder_waitlist (joined_at)",
        ]
    })
}
