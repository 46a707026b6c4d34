extension Migration {
    /// An account's orders are found through the `(account_id, idempotency_key)` unique index and
    /// sorted there; a second index by account cost every order one more randomly placed page
    /// written, and a flash sale writes thousands of orders a second.
    static let ordersByAccountDropped = Migration(version: 12, name: "orders_by_account_dropped", statements: { _ in
        ["DROP INDEX orders_by_account"]
    })
}
