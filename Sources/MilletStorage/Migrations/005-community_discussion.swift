extension Migration {
    /// Comments, followers, moderation flags, reports and the moderators' audit log; inbox
    /// messages may point at a post. Every existing post's author follows it.
    static let communityDiscussion = Migration(version: 5, name: "community_discussion", statements: { _ in
        [
            """
            CREATE TABLE comments (
                id TEXT PRIMARY KEY, post_id TEXT NOT NULL REFERENCES posts(id), author_id TEXT NOT NULL REFERENCES accounts(id),
                body TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX comments_by_post ON comments (post_id, created_at)",
            "CREATE INDEX comments_by_author ON comments (author_id, created_at)",
            "CREATE INDEX posts_by_author ON posts (author_id, created_at)",
            """
            CREATE TABLE post_followers (
                post_id TEXT NOT NULL REFERENCES posts(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                created_at BIGINT NOT NULL, PRIMARY KEY (post_id, account_id))
            """,
            "INSERT INTO post_followers (post_id, account_id, created_at) SELECT id, author_id, created_at FROM posts",
            "ALTER TABLE posts ADD COLUMN hidden BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE posts ADD COLUMN locked BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE posts ADD COLUMN pinned BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE posts ADD COLUMN edited_at BIGINT",
            """
            CREATE TABLE post_reports (
                post_id TEXT NOT NULL REFERENCES posts(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                reason TEXT NOT NULL, created_at BIGINT NOT NULL, resolved_at BIGINT, PRIMARY KEY (post_id, account_id))
            """,
            """
            CREATE TABLE moderation_log (
                id TEXT PRIMARY KEY, actor_id TEXT NOT NULL REFERENCES accounts(id), action TEXT NOT NULL,
                post_id TEXT NOT NULL REFERENCES posts(id), detail TEXT, at BIGINT NOT NULL)
            """,
            "CREATE INDEX moderation_log_by_time ON moderation_log (at)",
            "ALTER TABLE inbox ADD COLUMN post_id TEXT REFERENCES posts(id)",
        ]
    })
}
