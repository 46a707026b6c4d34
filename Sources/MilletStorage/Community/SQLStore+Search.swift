import Foundation
import MilletCore
import SQLKit

extension SQLStore: CommunitySearch {
    public func search(_ query: SearchQuery, boardId: String?, includeHidden: Bool, limit: Int) async throws -> [Post] {
        try await matching(query, every: true, boardId: boardId, includeHidden: includeHidden, limit: limit)
    }

    public func similar(_ query: SearchQuery, boardId: String?, limit: Int) async throws -> [Post] {
        try await matching(query, every: false, boardId: boardId, includeHidden: false, limit: limit)
    }

    /// Posts matching all (`every`) or any of the words, best first: FTS5's bm25 on SQLite,
    /// `ts_rank` on PostgreSQL. Any-word matching also takes words as prefixes.
    private func matching(_ query: SearchQuery, every: Bool, boardId: String?, includeHidden: Bool, limit: Int) async throws -> [Post] {
        var where_: SQLQueryString = "p.status <> \(bind: PostStatus.duplicate.rawValue)"
        if !includeHidden { where_ = "\(where_) AND p.hidden = 0" }
        if let boardId { where_ = "\(where_) AND p.board_id = \(bind: boardId)" }
        let filter = where_, backend = backend
        return try await read { db in
            let rows: [any SQLRow]
            switch backend {
            case .sqlite:
                let match = query.terms.map { "\"\($0)\"" + (every ? "" : "*") }.joined(separator: every ? " " : " OR ")
                rows = try await db.raw("""
                    SELECT s.post_id AS id FROM (
                        SELECT post_id, MIN(rank) AS score FROM post_search WHERE post_search MATCH \(bind: match) GROUP BY post_id
                    ) s JOIN posts p ON p.id = s.post_id
                    WHERE \(filter) ORDER BY s.score, p.votes DESC, p.id LIMIT \(bind: Int64(limit))
                    """).all()
            case .postgres:
                let tsquery = query.terms.map { every ? $0 : "\($0):*" }.joined(separator: every ? " & " : " | ")
                rows = try await db.raw("""
                    SELECT p.id FROM posts p, to_tsquery('simple', \(bind: tsquery)) q
                    WHERE (to_tsvector('simple', p.title || ' ' || p.body) @@ q
                        OR EXISTS (SELECT 1 FROM comments c WHERE c.post_id = p.id AND to_tsvector('simple', c.body) @@ q))
                        AND \(filter)
                    ORDER BY ts_rank(to_tsvector('simple', p.title || ' ' || p.body), q) DESC, p.votes DESC, p.id
                    LIMIT \(bind: Int64(limit))
                    """).all()
            }
            return try await Self.posts(db: db, ids: rows.map { try $0.string("id") })
        }
    }
}
