extension Migration {
    /// Messages: the notice outbox (one row per thing a fan should hear about, written in the
    /// transaction that caused it, with where its email and SMS are), what each fan chose to
    /// receive, single-use account links stored by digest, verified emails, and the sandbox's
    /// record of what it would have sent.
    static let messages = Migration(version: 21, name: "messages", statements: { _ in
        [
            "ALTER TABLE accounts ADD COLUMN email_verified_at BIGINT",
            """
            CREATE TABLE account_tokens (
                token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), purpose TEXT NOT NULL,
                expires_at BIGINT NOT NULL, used_at BIGINT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX account_tokens_by_account ON account_tokens (account_id, purpose)",
            """
            CREATE TABLE notices (
                id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), kind TEXT NOT NULL, subject_id TEXT NOT NULL,
                dedupe_key TEXT NOT NULL UNIQUE, params TEXT NOT NULL, created_at BIGINT NOT NULL, email_status TEXT NOT NULL,
                sms_status TEXT NOT NULL, attempts BIGINT NOT NULL, next_at BIGINT, last_error TEXT)
            """,
            "CREATE INDEX notices_due ON notices (next_at)",
            "CREATE INDEX notices_by_account ON notices (account_id, created_at)",
            """
            CREATE TABLE message_preferences (
                account_id TEXT PRIMARY KEY REFERENCES accounts(id), language TEXT, phone TEXT, muted TEXT NOT NULL)
            """,
            """
            CREATE TABLE sandbox_messages (
                id TEXT PRIMARY KEY, channel TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL,
                html TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sandbox_messages_by_date ON sandbox_messages (channel, created_at)",
        ]
    })
}
