extension Migration {
    /// The capture outbox: an authorized payment carries its capture's attempts, next try (the
    /// sender's lease while it sends), last error and the provider's reference; the capture
    /// sender finds due ones through the partial index. The sandbox provider's books gain the
    /// authorizations the fan gave on its pay page and the captures it was asked for.
    static let captures = Migration(version: 16, name: "captures", statements: { _ in
        [
            "ALTER TABLE payments ADD COLUMN capture_attempts BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE payments ADD COLUMN capture_next_at BIGINT",
            "ALTER TABLE payments ADD COLUMN capture_error TEXT",
            "ALTER TABLE payments ADD COLUMN capture_reference TEXT",
            "CREATE INDEX payments_capture_due ON payments (capture_next_at) WHERE status = 'authorized'",
            """
            CREATE TABLE sandbox_authorizations (
                payment_id TEXT PRIMARY KEY, amount BIGINT NOT NULL, currency TEXT NOT NULL, capturable BIGINT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE sandbox_captures (
                reference TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, payment_id TEXT NOT NULL,
                amount BIGINT NOT NULL, currency TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
        ]
    })
}
