import Foundation
import MilletCore
import SQLKit

extension SQLStore: CommunityRepository {
    public func createBoard(_ board: Board) async throws {
        try await sqlTransaction { db in
            guard try await db.raw("SELECT id FROM boards WHERE slug = \(bind: board.slug)").first() == nil else {
                throw DomainError.conflict(code: "slug_taken", message: "a board with this slug exists")
            }
            try await db.raw("""
                INSERT INTO boards (id, slug, name, product_line, created_at)
                VALUES (\(bind: board.id), \(bind: board.slug), \(bind: board.name), \(bind: board.productLine), \(bind: board.createdAt.millis))
                """).run()
        }
    }

    public func boards() async throws -> [Board] {
        try await read { db in try await db.raw("SELECT * FROM boards ORDER BY name, id").all().map(Self.board(from:)) }
    }

    public func board(slug: String) async throws -> Board? {
        try await read { db in try await db.raw("SELECT * FROM boards WHERE slug = \(bind: slug)").first().map(Self.board(from:)) }
    }

    public func createPost(id: String, boardId: String, authorId: String, draft: PostDraft, now: Date) async throws -> Post {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO posts (id, board_id, author_id, kind, title, body, firmware_version, device_model, status, created_at)
                VALUES (\(bind: id), \(bind: boardId), \(bind: authorId), \(bind: draft.kind.rawValue), \(bind: draft.title), \(bind: draft.body),
                    \(bind: draft.firmwareVersion), \(bind: draft.deviceModel), \(bind: PostStatus.open.rawValue), \(bind: now.millis))
                """).run()
            try await Self.recordStatus(db: db, postId: id, from: nil, to: .open, actor: "account:\(authorId)", detail: nil, at: now)
            try await Self.follow(db: db, postId: id, accountId: authorId, now: now)
            try await Self.enqueueWebhook(db: db, .postCreated, data: [
                "postId": id, "boardId": boardId, "authorId": authorId, "kind": draft.kind.rawValue, "title": draft.title,
            ], now: now)
            return try await Self.post(db: db, id: id)!
        }
    }

    public func post(id: String) async throws -> Post? {
        try await read { db in try await Self.post(db: db, id: id) }
    }

    public func posts(boardId: String, order: PostOrder, includeHidden: Bool, now: Date, offset: Int, limit: Int) async throws -> [Post] {
        let orderBy: SQLQueryString = switch order {
        case .votes: "votes DESC, created_at DESC, id"
        case .newest: "created_at DESC, id"
        case .trending: """
            (SELECT COUNT(*) FROM post_votes v WHERE v.post_id = posts.id AND v.created_at >= \(bind: now.addingTimeInterval(-7 * 24 * 3600).millis)) DESC,
            votes DESC, created_at DESC, id
            """
        }
        let visible: SQLQueryString = includeHidden ? "" : "AND hidden = 0"
        return try await read { db in
            let ids = try await db.raw("""
                SELECT id FROM posts WHERE board_id = \(bind: boardId) AND status <> \(bind: PostStatus.duplicate.rawValue) \(visible)
                ORDER BY pinned DESC, \(orderBy) LIMIT \(bind: Int64(limit)) OFFSET \(bind: Int64(offset))
                """).all().map { try $0.string("id") }
            return try await Self.posts(db: db, ids: ids)
        }
    }

    public func roadmap(shippedSince: Date, limit: Int) async throws -> [Post] {
        try await read { db in
            let ids = try await db.raw("""
                SELECT id FROM posts p WHERE p.hidden = 0 AND (
                    p.status IN (\(bind: PostStatus.planned.rawValue), \(bind: PostStatus.inProgress.rawValue))
                    OR (p.status = \(bind: PostStatus.shipped.rawValue) AND EXISTS (
                        SELECT 1 FROM post_status_changes c WHERE c.post_id = p.id AND c.to_status = \(bind: PostStatus.shipped.rawValue)
                            AND c.at >= \(bind: shippedSince.millis))))
                ORDER BY p.votes DESC, p.created_at DESC, p.id LIMIT \(bind: Int64(limit))
                """).all().map { try $0.string("id") }
            return try await Self.posts(db: db, ids: ids)
        }
    }

    public func toggleVote(postId: String, accountId: String, now: Date) async throws -> (voted: Bool, votes: Int) {
        try await sqlTransaction { db in
            try await Self.requireOpenForReplies(db: db, postId: postId)
            let removed = try await db.raw("""
                DELETE FROM post_votes WHERE post_id = \(bind: postId) AND account_id = \(bind: accountId) RETURNING post_id
                """).first() != nil
            if !removed {
                try await db.raw("""
                    INSERT INTO post_votes (post_id, account_id, created_at) VALUES (\(bind: postId), \(bind: accountId), \(bind: now.millis))
                    """).run()
            }
            let votes = try await db.raw("""
                UPDATE posts SET votes = votes + \(bind: Int64(removed ? -1 : 1)) WHERE id = \(bind: postId) RETURNING votes
                """).first()!.int("votes")
            return (!removed, Int(votes))
        }
    }

    public func changeStatus(postId: String, _ change: PostStatusChange, actor: String, now: Date) async throws -> Post {
        try await sqlTransaction { db in
            try await Self.applyStatus(db: db, postId: postId, change, actor: actor, now: now)
            return try await Self.post(db: db, id: postId)!
        }
    }

    /// One status change inside a transaction: checked by ``PostWorkflow``, stored, recorded.
    /// Followers other than the actor hear of it unless `tellFollowers` is false (a release
    /// publication sends its own single message).
    static func applyStatus(
        db: any SQLDatabase, postId: String, _ change: PostStatusChange, actor: String, now: Date, tellFollowers: Bool = true
    ) async throws {
        guard let row = try await db.raw("SELECT status FROM posts WHERE id = \(bind: postId)").first(),
              let current = PostStatus(rawValue: try row.string("status"))
        else { throw DomainError.notFound(what: "post") }
        var workflow = PostWorkflow(status: current)
        try workflow.apply(change)
        var detail: String?
        switch change {
        case .ship(let release): detail = release
        case .decline(let reason): detail = reason.trimmed
        case .markDuplicate(let target):
            try await merge(db: db, postId, into: target)
            detail = target
        default: break
        }
        let moved = try await db.raw("""
            UPDATE posts SET status = \(bind: workflow.status.rawValue) WHERE id = \(bind: postId) AND status = \(bind: current.rawValue)
            RETURNING id
            """).first()
        guard moved != nil else { throw DomainError.conflict(code: "illegal_transition", message: "the post changed meanwhile; try again") }
        try await recordStatus(db: db, postId: postId, from: current, to: workflow.status, actor: actor, detail: detail, at: now)
        var data = ["postId": postId, "from": current.rawValue, "to": workflow.status.rawValue]
        data["detail"] = detail
        try await enqueueWebhook(db: db, .postStatusChanged, data: data, now: now)
        if tellFollowers {
            let title = try await db.raw("SELECT title FROM posts WHERE id = \(bind: postId)").first()!.string("title")
            try await notifyFollowers(
                db: db, postId: postId, except: actor.replacingOccurrences(of: "account:", with: ""), .status,
                ["title": title, "status": workflow.status.rawValue], now: now)
        }
    }

    /// Refuses votes and comments on a post that is locked, or merged into another.
    static func requireOpenForReplies(db: any SQLDatabase, postId: String) async throws {
        guard let row = try await db.raw("SELECT status, locked FROM posts WHERE id = \(bind: postId)").first() else {
            throw DomainError.notFound(what: "post")
        }
        guard try row.string("status") != PostStatus.duplicate.rawValue else {
            throw DomainError.conflict(code: "post_merged", message: "this post was merged into another; reply there")
        }
        guard try row.bool("locked") == false else { throw DomainError.conflict(code: "post_locked", message: "this post is locked by a moderator") }
    }

    /// Moves a duplicate's votes to the post it duplicates: each voter once, even one who voted for both.
    static func merge(db: any SQLDatabase, _ postId: String, into target: String) async throws {
        guard target != postId else { throw DomainError.invalid(field: "duplicateOf", "must be another post") }
        guard let row = try await db.raw("SELECT status FROM posts WHERE id = \(bind: target)").first() else {
            throw DomainError.invalid(field: "duplicateOf", "no such post")
        }
        guard try row.string("status") != PostStatus.duplicate.rawValue else {
            throw DomainError.invalid(field: "duplicateOf", "is itself a duplicate; merge into the post it points to")
        }
        try await db.raw("""
            INSERT INTO post_votes (post_id, account_id, created_at)
            SELECT \(bind: target), account_id, created_at FROM post_votes WHERE post_id = \(bind: postId)
            ON CONFLICT (post_id, account_id) DO NOTHING
            """).run()
        try await db.raw("DELETE FROM post_votes WHERE post_id = \(bind: postId)").run()
        try await db.raw("""
            INSERT INTO post_followers (post_id, account_id, created_at)
            SELECT \(bind: target), account_id, created_at FROM post_followers WHERE post_id = \(bind: postId)
            ON CONFLICT (post_id, account_id) DO NOTHING
            """).run()
        for id in [postId, target] {
            try await db.raw("""
                UPDATE posts SET votes = (SELECT COUNT(*) FROM post_votes WHERE post_id = \(bind: id)) WHERE id = \(bind: id)
                """).run()
        }
        try await db.raw("UPDATE posts SET duplicate_of = \(bind: target) WHERE id = \(bind: postId)").run()
    }

    static func recordStatus(
        db: any SQLDatabase, postId: String, from: PostStatus?, to: PostStatus, actor: String, detail: String?, at: Date
    ) async throws {
        try await db.raw("""
            INSERT INTO post_status_changes (post_id, seq, from_status, to_status, actor, detail, at)
            SELECT \(bind: postId), COALESCE(MAX(seq), 0) + 1, \(bind: from?.rawValue), \(bind: to.rawValue), \(bind: actor), \(bind: detail), \(bind: at.millis)
            FROM post_status_changes WHERE post_id = \(bind: postId)
            """).run()
    }

    static func post(db: any SQLDatabase, id: String) async throws -> Post? {
        try await posts(db: db, ids: [id]).first
    }

    /// Loads posts with their author's name, counts and history in three queries, in the order of `ids`.
    static func posts(db: any SQLDatabase, ids: [String]) async throws -> [Post] {
        guard !ids.isEmpty else { return [] }
        var histories: [String: [PostStatusRecord]] = [:]
        for change in try await db.raw("SELECT * FROM post_status_changes WHERE post_id IN (\(binds: ids)) ORDER BY post_id, seq").all() {
            histories[try change.string("post_id"), default: []].append(PostStatusRecord(
                from: try change.optionalString("from_status").flatMap(PostStatus.init(rawValue:)),
                to: PostStatus(rawValue: try change.string("to_status")) ?? .open, actor: try change.string("actor"),
                detail: try change.optionalString("detail"), at: try change.date("at")))
        }
        var posts: [String: Post] = [:]
        for row in try await db.raw("""
            SELECT p.*, a.display_name AS author_name,
                (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id) AS comment_count,
                (SELECT COUNT(*) FROM post_followers f WHERE f.post_id = p.id) AS follower_count
            FROM posts p JOIN accounts a ON a.id = p.author_id WHERE p.id IN (\(binds: ids))
            """).all() {
            let id = try row.string("id")
            posts[id] = Post(
                id: id, boardId: try row.string("board_id"), authorId: try row.string("author_id"), authorName: try row.string("author_name"),
                kind: PostKind(rawValue: try row.string("kind")) ?? .question, title: try row.string("title"), body: try row.string("body"),
                firmwareVersion: try row.optionalString("firmware_version"), deviceModel: try row.optionalString("device_model"),
                status: PostStatus(rawValue: try row.string("status")) ?? .open, votes: Int(try row.int("votes")),
                comments: Int(try row.int("comment_count")), followers: Int(try row.int("follower_count")),
                flags: PostFlags(hidden: try row.bool("hidden"), locked: try row.bool("locked"), pinned: try row.bool("pinned")),
                duplicateOf: try row.optionalString("duplicate_of"), createdAt: try row.date("created_at"),
                editedAt: try row.optionalDate("edited_at"), history: histories[id] ?? [])
        }
        return ids.compactMap { posts[$0] }
    }

    static func board(from row: any SQLRow) throws -> Board {
        Board(id: try row.string("id"), slug: try row.string("slug"), name: try row.string("name"),
              productLine: try row.optionalString("product_line"), createdAt: try row.date("created_at"))
    }
}
