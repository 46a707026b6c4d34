extension Migration {
    /// What a check-in changes, a device's version and when it was last seen, moves from the wide
    /// `devices` row to `device_state`, keyed by a small number each device gets once. A second's
    /// check-ins from a million devices then rewrite a few thousand pages of a 15 MB table instead
    /// of tens of thousands of pages of `devices`, each found through its text id.
    static let deviceState = Migration(version: 13, name: "device_state", statements: { backend in
        let numbered: [String] = switch backend {
        case .sqlite:
            ["ALTER TABLE devices ADD COLUMN number BIGINT NOT NULL DEFAULT 0", "UPDATE devices SET number = rowid"]
        case .postgres:
            [
                "CREATE SEQUENCE device_number_seq",
                "ALTER TABLE devices ADD COLUMN number BIGINT NOT NULL DEFAULT 0",
                "UPDATE devices SET number = nextval('device_number_seq')",
            ]
        }
        // `INTEGER PRIMARY KEY` makes the number SQLite's own row key: one B-tree, no second index.
        let key = backend == .sqlite ? "INTEGER" : "BIGINT"
        return numbered + [
            "CREATE UNIQUE INDEX devices_by_number ON devices (number)",
            """
            CREATE TABLE device_state (
                number \(key) PRIMARY KEY REFERENCES devices(number), version TEXT NOT NULL, last_seen_at BIGINT)
            """,
            "INSERT INTO device_state (number, version, last_seen_at) SELECT number, version, last_seen_at FROM devices",
            "DROP INDEX devices_by_model",
            "ALTER TABLE devices DROP COLUMN version",
            "ALTER TABLE devices DROP COLUMN last_seen_at",
            "CREATE INDEX devices_by_model ON devices (model_id, market_code)",
        ]
    })
}
