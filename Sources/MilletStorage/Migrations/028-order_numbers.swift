extension Migration {
    /// Order numbers people can read out and that never repeat: market, UTC day and that day's
    /// sequence in the market (`IN-20261204-0042`), kept unique by an index. Orders placed before
    /// are numbered the same way, in the order they were placed.
    static let orderNumbers = Migration(version: 28, name: "order_numbers", statements: { backend in
        let day = backend == .sqlite
            ? "strftime('%Y%m%d', created_at / 1000, 'unixepoch')"
            : "to_char(to_timestamp(created_at / 1000) AT TIME ZONE 'UTC', 'YYYYMMDD')"
        let padded = backend == .sqlite
            ? "CASE WHEN n < 10000 THEN substr('000' || n, -4) ELSE CAST(n AS TEXT) END"
            : "CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END"
        return [
            "CREATE TABLE order_sequences (market_code TEXT NOT NULL, day TEXT NOT NULL, last BIGINT NOT NULL, PRIMARY KEY (market_code, day))",
            "ALTER TABLE orders ADD COLUMN number TEXT",
            """
            UPDATE orders SET number = numbered.number FROM (
                SELECT id, market_code || '-' || day || '-' || \(padded) AS number FROM (
                    SELECT id, market_code, \(day) AS day,
                        ROW_NUMBER() OVER (PARTITION BY market_code, \(day) ORDER BY created_at, id) AS n
                    FROM orders) ranked) numbered
            WHERE numbered.id = orders.id
            """,
            "INSERT INTO order_sequences (market_code, day, last) SELECT market_code, \(day), COUNT(*) FROM orders GROUP BY market_code, \(day)",
            "CREATE UNIQUE INDEX orders_number ON orders (number)",
        ]
    })
}
