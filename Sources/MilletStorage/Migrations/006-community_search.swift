extension Migration {
    /// Full-text search over posts and their comments: an FTS5 table kept by triggers on SQLite,
    /// expression GIN indexes on PostgreSQL. The `simple` configuration and `unicode61` tokenizer
    /// both split on word boundaries without stemming, so every demo language searches the same way.
    static let communitySearch = Migration(version: 6, name: "community_search", statements: { backend in
        switch backend {
        case .sqlite:
            [
                "CREATE VIRTUAL TABLE post_search USING fts5(post_id UNINDEXED, source UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2')",
                "INSERT INTO post_search (post_id, source, text) SELECT id, 'post', title || ' ' || body FROM posts",
                "INSERT INTO post_search (post_id, source, text) SELECT post_id, id, body FROM comments",
                """
                CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
                    INSERT INTO post_search (post_id, source, text) VALUES (new.id, 'post', new.title || ' ' || new.body);
                END
                """,
                """
                CREATE TRIGGER posts_search_update AFTER UPDATE OF title, body ON posts BEGIN
                    DELETE FROM post_search WHERE post_id = old.id AND source = 'post';
                    INSERT INTO post_search (post_id, source, text) VALUES (new.id, 'post', new.title || ' ' || new.body);
                END
                """,
                """
                CREATE TRIGGER comments_search_insert AFTER INSERT ON comments BEGIN
                    INSERT INTO post_search (post_id, source, text) VALUES (new.post_id, new.id, new.body);
                END
                """,
            ]
        case .postgres:
            [
                "CREATE INDEX posts_search ON posts USING GIN (to_tsvector('simple', title || ' ' || body))",
                "CREATE INDEX comments_search ON comments USING GIN (to_tsvector('simple', body))",
            ]
        }
    })
}
