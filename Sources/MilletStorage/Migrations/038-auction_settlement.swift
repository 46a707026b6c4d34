extension Migration {
    /// Settling fan auctions: the unit an auction of a SKU holds (its warehouse), the payment and
    /// second-chance windows, the outcome and when the settlement looks next; the offers down the
    /// bidders; strikes; and the auction an order buys the unit of.
    ///
    /// Auctions scheduled before it settle only if they are one-off lots (no unit was held for a
    /// SKU then) still running: a closed one is not offered to its winner after the fact.
    static let auctionSettlement = Migration(version: 38, name: "auction_settlement", statements: { backend in
        let nowMillis = backend == .postgres ? "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)" : "CAST(strftime('%s', 'now') AS INTEGER) * 1000"
        return [
            "ALTER TABLE auctions ADD COLUMN warehouse_id TEXT",
            "ALTER TABLE auctions ADD COLUMN payment_window_seconds BIGINT NOT NULL DEFAULT 172800",
            "ALTER TABLE auctions ADD COLUMN second_chance_seconds BIGINT NOT NULL DEFAULT 86400",
            "ALTER TABLE auctions ADD COLUMN outcome TEXT",
            "ALTER TABLE auctions ADD COLUMN sold_price BIGINT",
            "ALTER TABLE auctions ADD COLUMN settle_at BIGINT",
            "ALTER TABLE auctions ADD COLUMN settles BIGINT NOT NULL DEFAULT 0",
            "UPDATE auctions SET settles = 1 WHERE sku_id IS NULL AND ends_at > \(nowMillis)",
            "CREATE INDEX auctions_by_settlement ON auctions (outcome, settle_at)",
            """
            CREATE TABLE auction_offers (
                auction_id TEXT NOT NULL REFERENCES auctions(id), round BIGINT NOT NULL, account_id TEXT NOT NULL REFERENCES accounts(id),
                price BIGINT NOT NULL, offered_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, status TEXT NOT NULL, order_id TEXT,
                win BIGINT NOT NULL, PRIMARY KEY (auction_id, round))
            """,
            "CREATE INDEX auction_offers_by_account ON auction_offers (account_id)",
            """
            CREATE TABLE auction_strikes (
                account_id TEXT NOT NULL REFERENCES accounts(id), auction_id TEXT NOT NULL REFERENCES auctions(id), at BIGINT NOT NULL,
                PRIMARY KEY (account_id, auction_id))
            """,
            "ALTER TABLE orders ADD COLUMN auction_id TEXT",
        ]
    })
}
