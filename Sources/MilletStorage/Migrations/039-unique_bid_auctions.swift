extension Migration {
    /// Lowest-unique-bid auctions: the format and its terms on the auction, the sealed amounts,
    /// and the community points fans spend on them (points are earned by contributing, derived
    /// from posts and votes; what is spent is the only part stored).
    static let uniqueBidAuctions = Migration(version: 39, name: "unique_bid_auctions", statements: { _ in
        [
            "ALTER TABLE auctions ADD COLUMN format TEXT NOT NULL DEFAULT 'english'",
            "ALTER TABLE auctions ADD COLUMN points_per_bid BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE auctions ADD COLUMN max_bids_per_fan BIGINT NOT NULL DEFAULT 0",
            """
            CREATE TABLE unique_bids (
                id TEXT PRIMARY KEY, auction_id TEXT NOT NULL REFERENCES auctions(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                amount BIGINT NOT NULL, placed_at BIGINT NOT NULL, UNIQUE (auction_id, account_id, amount))
            """,
            "CREATE INDEX unique_bids_by_amount ON unique_bids (auction_id, amount)",
            """
            CREATE TABLE point_spends (
                id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), points BIGINT NOT NULL, reason TEXT NOT NULL,
                subject_id TEXT NOT NULL, at BIGINT NOT NULL)
            """,
            "CREATE INDEX point_spends_by_account ON point_spends (account_id)",
        ]
    })
}
