extension Migration {
    /// A number for each device token in the order the tokens were issued, so every node keeps
    /// its device index in step by reading only the tokens numbered after the last it read.
    static let deviceTokenIndex = Migration(version: 11, name: "device_token_index", statements: { backend in
        switch backend {
        case .sqlite:
            [
                "ALTER TABLE devices ADD COLUMN token_seq BIGINT NOT NULL DEFAULT 0",
                "UPDATE devices SET token_seq = rowid",
                "CREATE INDEX devices_by_token_seq ON devices (token_seq)",
            ]
        case .postgres:
            [
                "CREATE SEQUENCE IF NOT EXISTS device_token_seq",
                "ALTER TABLE devices ADD COLUMN token_seq BIGINT NOT NULL DEFAULT 0",
                "UPDATE devices SET token_seq = nextval('device_token_seq')",
                "CREATE INDEX devices_by_token_seq ON devices (token_seq)",
            ]
        }
    })
}
