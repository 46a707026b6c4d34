extension Migration {
    /// Outbound webhooks: the receivers staff register and the outbox of deliveries, written in
    /// the same transaction as the change each announces.
    static let webhooks = Migration(version: 7, name: "webhooks", statements: { _ in
        [
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, secret TEXT NOT NULL,
                active BIGINT NOT NULL DEFAULT 1, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id), event TEXT NOT NULL, body TEXT NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT, locked_until BIGINT, delivered_at BIGINT, gave_up_at BIGINT,
                last_error TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)",
            "CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at)",
        ]
    })
}
