extension Migration {
    /// The digest of the request that placed an order with an idempotency key, so the key sent
    /// again with another request is refused; orders placed before have none.
    static let orderRequests = Migration(version: 29, name: "order_requests", statements: { _ in
        ["ALTER TABLE orders ADD COLUMN request_hash TEXT"]
    })
}
