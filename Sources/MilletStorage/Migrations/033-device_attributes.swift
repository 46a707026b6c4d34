extension Migration {
    /// What a device's update agent says of itself (hawkBit's `configData`: hardware revision,
    /// MAC address, ...), as a JSON object of strings.
    static let deviceAttributes = Migration(version: 33, name: "device_attributes", statements: { _ in
        [
            """
            CREATE TABLE device_attributes (
                device_id TEXT PRIMARY KEY REFERENCES devices(id), data TEXT NOT NULL, updated_at BIGINT NOT NULL)
            """,
        ]
    })
}
