extension Migration {
    /// Log-outs and account changes in the order they were written, so every node drops the
    /// sessions they end from memory within a second. `AUTOINCREMENT` keeps SQLite from handing
    /// out a number again after old rows are deleted.
    static let sessionRevocations = Migration(version: 14, name: "session_revocations", statements: { backend in
        let seq = backend == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"
        return [
            """
            CREATE TABLE session_revocations (
                seq \(seq), token_hash TEXT, account_id TEXT, revoked_at BIGINT NOT NULL,
                CHECK ((token_hash IS NULL) <> (account_id IS NULL)))
            """,
            "CREATE INDEX session_revocations_by_time ON session_revocations (revoked_at)",
        ]
    })
}
