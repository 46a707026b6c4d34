extension Migration {
    /// Tax documents: each market's invoices and credit notes are numbered from their own
    /// sequence row, taken in the transaction that issues them; a document is stored whole (its
    /// JSON) beside the columns it is found by, and never changed.
    static let invoices = Migration(version: 18, name: "invoices", statements: { _ in
        [
            "CREATE TABLE invoice_sequences (market_code TEXT NOT NULL, kind TEXT NOT NULL, last BIGINT NOT NULL, PRIMARY KEY (market_code, kind))",
            """
            CREATE TABLE invoices (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, market_code TEXT NOT NULL, sequence BIGINT NOT NULL, number TEXT NOT NULL UNIQUE,
                order_id TEXT NOT NULL REFERENCES orders(id), refund_id TEXT REFERENCES refunds(id), issued_at BIGINT NOT NULL,
                document TEXT NOT NULL, UNIQUE (market_code, kind, sequence))
            """,
            "CREATE INDEX invoices_by_order ON invoices (order_id, issued_at)",
            "CREATE INDEX invoices_by_date ON invoices (issued_at)",
        ]
    })
}
