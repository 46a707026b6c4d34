import Foundation
import MilletCore
import SQLKit

extension SQLStore: DiscussionRepository {
    public func addComment(id: String, postId: String, authorId: String, draft: CommentDraft, now: Date) async throws -> Comment {
        try await sqlTransaction { db in
            try await Self.requireOpenForReplies(db: db, postId: postId)
            try await db.raw("""
                INSERT INTO comments (id, post_id, author_id, body, created_at)
                VALUES (\(bind: id), \(bind: postId), \(bind: authorId), \(bind: draft.body), \(bind: now.millis))
                """).run()
            try await Self.follow(db: db, postId: postId, accountId: authorId, now: now)
            let row = try await db.raw("""
                SELECT p.title, a.display_name FROM posts p, accounts a WHERE p.id = \(bind: postId) AND a.id = \(bind: authorId)
                """).first()!
            let name = try row.string("display_name")
            try await Self.enqueueWebhook(db: db, .commentCreated, data: ["postId": postId, "commentId": id, "authorId": authorId], now: now)
            try await Self.notifyFollowers(
                db: db, postId: postId, except: authorId, .comment, ["name": name, "title": try row.string("title")], now: now)
            return Comment(id: id, postId: postId, authorId: authorId, authorName: name, body: draft.body, createdAt: now)
        }
    }

    public func comments(postId: String, offset: Int, limit: Int) async throws -> [Comment] {
        try await read { db in
            try await db.raw("""
                SELECT c.*, a.display_name FROM comments c JOIN accounts a ON a.id = c.author_id WHERE c.post_id = \(bind: postId)
                ORDER BY c.created_at, c.id LIMIT \(bind: Int64(limit)) OFFSET \(bind: Int64(offset))
                """).all().map { row in
                Comment(id: try row.string("id"), postId: try row.string("post_id"), authorId: try row.string("author_id"),
                        authorName: try row.string("display_name"), body: try row.string("body"), createdAt: try row.date("created_at"))
            }
        }
    }

    public func setFollowing(_ following: Bool, postId: String, accountId: String, now: Date) async throws -> Int {
        try await sqlTransaction { db in
            guard try await db.raw("SELECT id FROM posts WHERE id = \(bind: postId)").first() != nil else { throw DomainError.notFound(what: "post") }
            if following {
                try await Self.follow(db: db, postId: postId, accountId: accountId, now: now)
            } else {
                try await db.raw("DELETE FROM post_followers WHERE post_id = \(bind: postId) AND account_id = \(bind: accountId)").run()
            }
            return Int(try await db.raw("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM post_followers WHERE post_id = \(bind: postId)
                """).first()!.int("n"))
        }
    }

    public func isFollowing(postId: String, accountId: String) async throws -> Bool {
        try await read { db in
            try await db.raw("SELECT post_id FROM post_followers WHERE post_id = \(bind: postId) AND account_id = \(bind: accountId)").first() != nil
        }
    }

    public func writes(accountId: String, since: Date) async throws -> Int {
        try await read { db in
            let row = try await db.raw("""
                SELECT CAST((SELECT COUNT(*) FROM posts WHERE author_id = \(bind: accountId) AND created_at >= \(bind: since.millis))
                    + (SELECT COUNT(*) FROM comments WHERE author_id = \(bind: accountId) AND created_at >= \(bind: since.millis)) AS BIGINT) AS n
                """).first()!
            return Int(try row.int("n"))
        }
    }

    public func editPost(id: String, authorId: String, draft: PostDraft, now: Date) async throws -> Post {
        try await sqlTransaction { db in
            guard let row = try await db.raw("SELECT author_id, locked FROM posts WHERE id = \(bind: id)").first() else {
                throw DomainError.notFound(what: "post")
            }
            guard try row.string("author_id") == authorId else { throw DomainError.forbidden(message: "only its author can edit a post") }
            guard try row.bool("locked") == false else { throw DomainError.conflict(code: "post_locked", message: "this post is locked by a moderator") }
            try await db.raw("""
                UPDATE posts SET kind = \(bind: draft.kind.rawValue), title = \(bind: draft.title), body = \(bind: draft.body),
                    firmware_version = \(bind: draft.firmwareVersion), device_model = \(bind: draft.deviceModel), edited_at = \(bind: now.millis)
                WHERE id = \(bind: id)
                """).run()
            return try await Self.post(db: db, id: id)!
        }
    }

    static func follow(db: any SQLDatabase, postId: String, accountId: String, now: Date) async throws {
        try await db.raw("""
            INSERT INTO post_followers (post_id, account_id, created_at) VALUES (\(bind: postId), \(bind: accountId), \(bind: now.millis))
            ON CONFLICT (post_id, account_id) DO NOTHING
            """).run()
    }

    /// Puts a message in the inbox of every follower of the post except `except` (who caused it).
    static func notifyFollowers(
        db: any SQLDatabase, postId: String, except: String, _ kind: InboxKind, _ params: [String: String], now: Date
    ) async throws {
        let followers = try await db.raw("""
            SELECT account_id FROM post_followers WHERE post_id = \(bind: postId) AND account_id <> \(bind: except) ORDER BY account_id
            """).all().map { try $0.string("account_id") }
        try await notify(db: db, accounts: followers, kind, params, postId: postId, releaseId: nil, now: now)
    }

    /// Puts one message in each account's inbox; a release reaches each account at most once.
    static func notify(
        db: any SQLDatabase, accounts: [String], _ kind: InboxKind, _ params: [String: String], postId: String?, releaseId: String?, now: Date
    ) async throws {
        let text = kind.englishText(params)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(params), as: UTF8.self)
        // Many rows a statement: a popular post's release reaches thousands of voters.
        for start in stride(from: 0, to: accounts.count, by: 200) {
            let rows = accounts[start..<min(start + 200, accounts.count)].map { account -> SQLQueryString in
                """
                (\(bind: Identifier.make()), \(bind: account), \(bind: releaseId), \(bind: postId), \(bind: kind.rawValue), \(bind: json),
                    \(bind: text), \(bind: now.millis))
                """
            }
            try await db.raw("""
                INSERT INTO inbox (id, account_id, release_id, post_id, kind, params, text, created_at) VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (account_id, release_id) DO NOTHING
                """).run()
            // A release that answers a fan's post is also worth an email (if they keep them on).
            if kind == .release, let releaseId {
                let notices = accounts[start..<min(start + 200, accounts.count)].map { account -> SQLQueryString in
                    let key = "\(NoticeKind.releaseShipped.rawValue):\(releaseId):\(account)"
                    return """
                        (\(bind: key), \(bind: account), \(bind: NoticeKind.releaseShipped.rawValue), \(bind: releaseId), \(bind: key),
                        \(bind: json), \(bind: now.millis), 'pending', 'pending', 0, \(bind: now.millis))
                        """
                }
                try await db.raw("""
                    INSERT INTO notices (\(unsafeRaw: SQLStore.noticeColumns))
                    VALUES \(notices.joined(separator: ", ")) ON CONFLICT (dedupe_key) DO NOTHING
                    """).run()
            }
        }
    }
}
