extension Migration {
    /// The fan community: boards, posts, one vote per account per post, and every status change.
    static let community = Migration(version: 3, name: "community", statements: { _ in
        [
            """
            CREATE TABLE boards (
                id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, product_line TEXT, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE posts (
                id TEXT PRIMARY KEY, board_id TEXT NOT NULL REFERENCES boards(id), author_id TEXT NOT NULL REFERENCES accounts(id),
                kind TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, firmware_version TEXT, device_model TEXT,
                status TEXT NOT NULL, votes BIGINT NOT NULL DEFAULT 0 CHECK (votes >= 0), duplicate_of TEXT REFERENCES posts(id),
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX posts_by_board_votes ON posts (board_id, votes)",
            "CREATE INDEX posts_by_board_created ON posts (board_id, created_at)",
            """
            CREATE TABLE post_votes (
                post_id TEXT NOT NULL REFERENCES posts(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                created_at BIGINT NOT NULL, PRIMARY KEY (post_id, account_id))
            """,
            """
            CREATE TABLE post_status_changes (
                post_id TEXT NOT NULL REFERENCES posts(id), seq BIGINT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,
                actor TEXT NOT NULL, detail TEXT, at BIGINT NOT NULL, PRIMARY KEY (post_id, seq))
            """,
        ]
    })
}
