extension Migration {
    /// Each DDI tenant's gateway: the digest of its `GatewayToken` and the model, market and
    /// channel of the devices first seen through it.
    static let ddiGateways = Migration(version: 32, name: "ddi_gateways", statements: { _ in
        [
            """
            CREATE TABLE ddi_gateways (
                tenant TEXT PRIMARY KEY, token_hash TEXT NOT NULL, model_id TEXT NOT NULL REFERENCES device_models(id),
                market_code TEXT NOT NULL REFERENCES markets(code), channel TEXT NOT NULL, serial_prefix TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
        ]
    })
}
