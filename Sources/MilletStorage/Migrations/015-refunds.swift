extension Migration {
    /// The refund outbox: a refund is written with the order change that decided it and sent to
    /// the provider by the refund sender, which finds due ones through the partial index. The
    /// sandbox provider's own books sit apart, as a real provider's would.
    static let refunds = Migration(version: 15, name: "refunds", statements: { _ in
        [
            """
            CREATE TABLE refunds (
                id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id),
                payment_id TEXT NOT NULL REFERENCES payments(id), provider TEXT NOT NULL,
                amount BIGINT NOT NULL CHECK (amount > 0), currency TEXT NOT NULL, status TEXT NOT NULL,
                reason TEXT NOT NULL, actor TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT,
                provider_reference TEXT, last_error TEXT, created_at BIGINT NOT NULL, settled_at BIGINT)
            """,
            "CREATE INDEX refunds_by_order ON refunds (order_id, created_at)",
            "CREATE INDEX refunds_due ON refunds (next_attempt_at) WHERE status = 'requested'",
            """
            CREATE TABLE sandbox_refunds (
                reference TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, payment_id TEXT NOT NULL,
                amount BIGINT NOT NULL, currency TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sandbox_refunds_by_payment ON sandbox_refunds (payment_id, created_at)",
        ]
    })
}
