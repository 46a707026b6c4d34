extension Migration {
    /// Serials of units sold through the store, recorded when their order ships: a device that
    /// registers with one of them is linked to its owner, order and warranty start.
    static let deviceSales = Migration(version: 10, name: "device_sales", statements: { _ in
        [
            """
            CREATE TABLE device_sales (
                serial TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                shipped_at BIGINT NOT NULL)
            """,
            "CREATE INDEX devices_by_owner ON devices (owner_account_id)",
        ]
    })
}
