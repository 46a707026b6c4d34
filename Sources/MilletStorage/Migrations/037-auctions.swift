extension Migration {
    /// Fan auctions: the terms, and the state the bids left (leader, maxima, price, end) on the
    /// same row, locked while a bid is decided; the bids in order, which replay to that state.
    static let auctions = Migration(version: 37, name: "auctions", statements: { _ in
        [
            """
            CREATE TABLE auctions (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, sku_id TEXT, market_code TEXT NOT NULL, currency TEXT NOT NULL,
                start_price BIGINT NOT NULL, reserve_price BIGINT, increments TEXT NOT NULL, starts_at BIGINT NOT NULL,
                scheduled_end BIGINT NOT NULL, extension_seconds BIGINT NOT NULL, extension_cap_seconds BIGINT NOT NULL,
                min_level BIGINT NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL,
                leader_account_id TEXT REFERENCES accounts(id), leader_maximum BIGINT, runner_up_maximum BIGINT,
                price BIGINT NOT NULL, price_rule TEXT NOT NULL, ends_at BIGINT NOT NULL, bids BIGINT NOT NULL)
            """,
            "CREATE INDEX auctions_by_end ON auctions (ends_at)",
            """
            CREATE TABLE auction_bids (
                id TEXT PRIMARY KEY, auction_id TEXT NOT NULL REFERENCES auctions(id), seq BIGINT NOT NULL,
                account_id TEXT NOT NULL REFERENCES accounts(id), maximum BIGINT NOT NULL, placed_at BIGINT NOT NULL,
                UNIQUE (auction_id, seq))
            """,
        ]
    })
}
