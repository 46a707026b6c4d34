extension Migration {
    /// Shared Wi-Fi hotspots: the password sealed, the place in microdegrees, and a version that
    /// moves with each change devices must see (shared, revoked, hidden for idleness).
    static let hotspots = Migration(version: 36, name: "hotspots", statements: { _ in
        [
            """
            CREATE TABLE hotspots (
                id TEXT PRIMARY KEY, owner_device_id TEXT NOT NULL REFERENCES devices(id), owner_account_id TEXT, ssid TEXT NOT NULL,
                bssid TEXT NOT NULL, latitude BIGINT NOT NULL, longitude BIGINT NOT NULL, sealed_password TEXT NOT NULL,
                created_at BIGINT NOT NULL, last_success_at BIGINT, idle_until BIGINT NOT NULL, revoked_at BIGINT, hidden BIGINT NOT NULL,
                version BIGINT NOT NULL)
            """,
            "CREATE INDEX hotspots_by_place ON hotspots (latitude, longitude)",
            "CREATE INDEX hotspots_by_version ON hotspots (version)",
            "CREATE INDEX hotspots_by_idleness ON hotspots (hidden, idle_until)",
            "CREATE INDEX hotspots_by_owner ON hotspots (owner_account_id, created_at)",
            "CREATE TABLE hotspot_version (id BIGINT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO hotspot_version (id, value) VALUES (1, 0)",
        ]
    })
}
