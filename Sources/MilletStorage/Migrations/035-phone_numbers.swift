extension Migration {
    /// Crowd-tagged numbers: each number's label (what devices see, versioned for the blocklist
    /// delta), the devices' reports on it, and owners' disputes. Numbers are keyed by the SHA-256
    /// of their E.164 form, which is what lookups ask by.
    static let phoneNumbers = Migration(version: 35, name: "phone_numbers", statements: { _ in
        [
            """
            CREATE TABLE number_labels (
                number_hash TEXT PRIMARY KEY, e164 TEXT NOT NULL, market TEXT NOT NULL, category TEXT, confidence_bp BIGINT NOT NULL,
                reporters BIGINT NOT NULL, expires_at BIGINT, business_name TEXT, suspended BIGINT NOT NULL, cleared_at BIGINT,
                version BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX number_labels_by_version ON number_labels (market, version)",
            "CREATE INDEX number_labels_in_version_order ON number_labels (version)",
            "CREATE INDEX number_labels_by_expiry ON number_labels (expires_at)",
            """
            CREATE TABLE number_reports (
                number_hash TEXT NOT NULL REFERENCES number_labels(number_hash), device_id TEXT NOT NULL, account_id TEXT,
                network TEXT NOT NULL, category TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (number_hash, device_id))
            """,
            """
            CREATE TABLE number_disputes (
                id TEXT PRIMARY KEY, e164 TEXT NOT NULL, account_id TEXT NOT NULL REFERENCES accounts(id), state TEXT NOT NULL,
                reason TEXT NOT NULL, code_hash TEXT NOT NULL, attempts BIGINT NOT NULL, created_at BIGINT NOT NULL,
                code_expires_at BIGINT NOT NULL, decided_at BIGINT, decided_by TEXT, note TEXT)
            """,
            "CREATE INDEX number_disputes_by_account ON number_disputes (account_id, created_at)",
            "CREATE INDEX number_disputes_by_state ON number_disputes (state, created_at)",
            "CREATE INDEX number_disputes_by_number ON number_disputes (e164, created_at)",
            // The last version a label was given; its one row is locked by each write that moves one.
            "CREATE TABLE number_label_version (id BIGINT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO number_label_version (id, value) VALUES (1, 0)",
        ]
    })
}
