import Foundation
import MilletCore
import SQLKit

extension SQLStore: ModerationRepository {
    public func moderate(postId: String, _ action: ModerationAction, actorId: String, now: Date) async throws -> Post {
        try await sqlTransaction { db in
            guard let post = try await Self.post(db: db, id: postId) else { throw DomainError.notFound(what: "post") }
            var detail: String?
            switch action {
            case .move(let slug):
                guard let board = try await db.raw("SELECT id FROM boards WHERE slug = \(bind: slug)").first() else {
                    throw DomainError.invalid(field: "board", "no such board")
                }
                let boardId = try board.string("id")
                guard boardId != post.boardId else { throw DomainError.conflict(code: "no_change", message: "the post is already on that board") }
                try await db.raw("UPDATE posts SET board_id = \(bind: boardId) WHERE id = \(bind: postId)").run()
                detail = slug
            case .dismiss:
                let open = try await db.raw("""
                    SELECT post_id FROM post_reports WHERE post_id = \(bind: postId) AND resolved_at IS NULL
                    """).first()
                guard open != nil else { throw DomainError.conflict(code: "no_change", message: "the post has no open reports") }
            default:
                let flags = try post.flags.applying(action)
                try await db.raw("""
                    UPDATE posts SET hidden = \(bind: Int64(flags.hidden ? 1 : 0)), locked = \(bind: Int64(flags.locked ? 1 : 0)),
                        pinned = \(bind: Int64(flags.pinned ? 1 : 0))
                    WHERE id = \(bind: postId)
                    """).run()
                if case .hide(let reason) = action { detail = reason }
            }
            try await db.raw("""
                UPDATE post_reports SET resolved_at = \(bind: now.millis) WHERE post_id = \(bind: postId) AND resolved_at IS NULL
                """).run()
            try await db.raw("""
                INSERT INTO moderation_log (id, actor_id, action, post_id, detail, at)
                VALUES (\(bind: Identifier.make()), \(bind: actorId), \(bind: action.name), \(bind: postId), \(bind: detail), \(bind: now.millis))
                """).run()
            return try await Self.post(db: db, id: postId)!
        }
    }

    public func report(_ report: PostReport) async throws {
        try await sqlTransaction { db in
            guard try await db.raw("SELECT id FROM posts WHERE id = \(bind: report.postId)").first() != nil else {
                throw DomainError.notFound(what: "post")
            }
            let filed = try await db.raw("""
                INSERT INTO post_reports (post_id, account_id, reason, created_at)
                VALUES (\(bind: report.postId), \(bind: report.accountId), \(bind: report.reason), \(bind: report.createdAt.millis))
                ON CONFLICT (post_id, account_id) DO NOTHING RETURNING post_id
                """).first()
            guard filed != nil else { throw DomainError.conflict(code: "already_reported", message: "you reported this post already") }
        }
    }

    public func openReports(limit: Int) async throws -> [ReportedPost] {
        try await read { db in
            let rows = try await db.raw("""
                SELECT * FROM post_reports WHERE resolved_at IS NULL AND post_id IN (
                    SELECT post_id FROM post_reports WHERE resolved_at IS NULL GROUP BY post_id
                    ORDER BY COUNT(*) DESC, MIN(created_at), post_id LIMIT \(bind: Int64(limit)))
                ORDER BY created_at, account_id
                """).all()
            var reports: [String: [PostReport]] = [:]
            for row in rows {
                let report = PostReport(
                    postId: try row.string("post_id"), accountId: try row.string("account_id"), reason: try row.string("reason"),
                    createdAt: try row.date("created_at"))
                reports[report.postId, default: []].append(report)
            }
            let posts = try await Self.posts(db: db, ids: Array(reports.keys))
            return posts.map { ReportedPost(post: $0, reports: reports[$0.id] ?? []) }.sorted {
                ($1.reports.count, $0.reports[0].createdAt, $0.post.id) < ($0.reports.count, $1.reports[0].createdAt, $1.post.id)
            }
        }
    }

    public func moderationLog(offset: Int, limit: Int) async throws -> [ModerationEntry] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM moderation_log ORDER BY at DESC, id LIMIT \(bind: Int64(limit)) OFFSET \(bind: Int64(offset))
                """).all().map { row in
                ModerationEntry(
                    id: try row.string("id"), actorId: try row.string("actor_id"), action: try row.string("action"),
                    postId: try row.string("post_id"), detail: try row.optionalString("detail"), at: try row.date("at"))
            }
        }
    }
}
