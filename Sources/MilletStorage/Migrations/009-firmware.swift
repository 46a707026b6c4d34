extension Migration {
    /// Devices and over-the-air firmware: models with factory keys, registered devices (tokens
    /// stored as SHA-256), content-addressed builds, signing keys, staged rollouts, install reports.
    static let firmware = Migration(version: 9, name: "firmware", statements: { _ in
        [
            """
            CREATE TABLE device_models (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, product_line TEXT NOT NULL, factory_key TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE devices (
                id TEXT PRIMARY KEY, serial TEXT NOT NULL UNIQUE, model_id TEXT NOT NULL REFERENCES device_models(id),
                market_code TEXT NOT NULL, channel TEXT NOT NULL, version TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
                registered_at BIGINT NOT NULL, last_seen_at BIGINT, owner_account_id TEXT REFERENCES accounts(id),
                order_id TEXT, warranty_starts_at BIGINT)
            """,
            "CREATE INDEX devices_by_model ON devices (model_id, market_code, version)",
            """
            CREATE TABLE firmware_builds (
                id TEXT PRIMARY KEY, model_id TEXT NOT NULL REFERENCES device_models(id), version TEXT NOT NULL, sha256 TEXT NOT NULL,
                size BIGINT NOT NULL, min_source_version TEXT, release_id TEXT REFERENCES releases(id), notes TEXT, created_at BIGINT NOT NULL,
                UNIQUE (model_id, version))
            """,
            "CREATE INDEX firmware_builds_by_sha ON firmware_builds (sha256)",
            """
            CREATE TABLE signing_keys (
                id TEXT PRIMARY KEY, private_key TEXT NOT NULL, public_key TEXT NOT NULL, created_at BIGINT NOT NULL, retired_at BIGINT)
            """,
            """
            CREATE TABLE rollouts (
                id TEXT PRIMARY KEY, build_id TEXT NOT NULL REFERENCES firmware_builds(id), model_id TEXT NOT NULL, channel TEXT NOT NULL,
                markets TEXT NOT NULL, source_versions TEXT NOT NULL, stages TEXT NOT NULL, stage BIGINT NOT NULL, state TEXT NOT NULL,
                threshold_bp BIGINT NOT NULL, min_reports BIGINT NOT NULL, advance_every_seconds BIGINT, stage_started_at BIGINT NOT NULL,
                halt_reason TEXT, rollback_build_id TEXT REFERENCES firmware_builds(id), created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX rollouts_by_state ON rollouts (state)",
            """
            CREATE TABLE rollout_events (
                rollout_id TEXT NOT NULL REFERENCES rollouts(id), seq BIGINT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL,
                detail TEXT, at BIGINT NOT NULL, PRIMARY KEY (rollout_id, seq))
            """,
            """
            CREATE TABLE install_reports (
                id TEXT PRIMARY KEY, rollout_id TEXT NOT NULL REFERENCES rollouts(id), device_id TEXT NOT NULL REFERENCES devices(id),
                version TEXT NOT NULL, state TEXT NOT NULL, code TEXT, at BIGINT NOT NULL)
            """,
            "CREATE INDEX install_reports_by_rollout ON install_reports (rollout_id, at)",
            """
            CREATE TABLE rollout_results (
                rollout_id TEXT NOT NULL REFERENCES rollouts(id), device_id TEXT NOT NULL REFERENCES devices(id), state TEXT NOT NULL,
                PRIMARY KEY (rollout_id, device_id))
            """,
        ]
    })
}
