extension Migration {
    /// Weekly releases, the posts they answer, and the in-app inbox their publication fills.
    static let weeklyReleases = Migration(version: 4, name: "weekly_releases", statements: { _ in
        [
            """
            CREATE TABLE releases (
                id TEXT PRIMARY KEY, product_line TEXT NOT NULL, version TEXT NOT NULL, channel TEXT NOT NULL,
                release_date BIGINT NOT NULL, published BIGINT NOT NULL DEFAULT 0, notes TEXT, created_at BIGINT NOT NULL,
                UNIQUE (product_line, version, channel))
            """,
            """
            CREATE TABLE release_posts (
                release_id TEXT NOT NULL REFERENCES releases(id), post_id TEXT NOT NULL REFERENCES posts(id),
                PRIMARY KEY (release_id, post_id))
            """,
            """
            CREATE TABLE inbox (
                id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), release_id TEXT REFERENCES releases(id),
                text TEXT NOT NULL, created_at BIGINT NOT NULL, read_at BIGINT, UNIQUE (account_id, release_id))
            """,
            "CREATE INDEX inbox_by_account ON inbox (account_id, created_at)",
        ]
    })
}
