import Foundation
import MilletCore
import SQLKit

extension SQLStore: ReleaseRepository {
    public func createRelease(_ release: Release, now: Date) async throws {
        try await sqlTransaction { db in
            let taken = try await db.raw("""
                SELECT id FROM releases WHERE product_line = \(bind: release.productLine) AND version = \(bind: release.version)
                    AND channel = \(bind: release.channel.rawValue)
                """).first()
            guard taken == nil else { throw DomainError.conflict(code: "release_exists", message: "this version is already on this channel") }
            try await db.raw("""
                INSERT INTO releases (id, product_line, version, channel, release_date, created_at)
                VALUES (\(bind: release.id), \(bind: release.productLine), \(bind: release.version), \(bind: release.channel.rawValue),
                    \(bind: release.date.millis), \(bind: now.millis))
                """).run()
        }
    }

    public func release(id: String) async throws -> Release? {
        try await read { db in try await Self.release(db: db, id: id) }
    }

    public func releases(productLine: String?, limit: Int) async throws -> [Release] {
        try await read { db in
            let rows = if let productLine {
                try await db.raw("""
                    SELECT id FROM releases WHERE product_line = \(bind: productLine) ORDER BY release_date DESC, id LIMIT \(bind: Int64(limit))
                    """).all()
            } else {
                try await db.raw("SELECT id FROM releases ORDER BY release_date DESC, id LIMIT \(bind: Int64(limit))").all()
            }
            var releases: [Release] = []
            for row in rows { if let release = try await Self.release(db: db, id: try row.string("id")) { releases.append(release) } }
            return releases
        }
    }

    public func attach(postId: String, releaseId: String) async throws -> Release {
        try await sqlTransaction { db in
            guard let release = try await Self.release(db: db, id: releaseId) else { throw DomainError.notFound(what: "release") }
            guard !release.published else { throw DomainError.conflict(code: "already_published", message: "a published release cannot change") }
            guard try await db.raw("SELECT id FROM posts WHERE id = \(bind: postId)").first() != nil else { throw DomainError.notFound(what: "post") }
            try await db.raw("""
                INSERT INTO release_posts (release_id, post_id) VALUES (\(bind: releaseId), \(bind: postId)) ON CONFLICT (release_id, post_id) DO NOTHING
                """).run()
            return try await Self.release(db: db, id: releaseId)!
        }
    }

    public func publish(releaseId: String, actor: String, now: Date) async throws -> Release {
        try await sqlTransaction { db in
            guard let release = try await Self.release(db: db, id: releaseId) else { throw DomainError.notFound(what: "release") }
            guard !release.published else { throw DomainError.conflict(code: "already_published", message: "this release is already published") }
            for postId in release.postIds {
                try await Self.applyStatus(db: db, postId: postId, .ship(release: release.version), actor: actor, now: now, tellFollowers: false)
            }
            var lines: [ReleaseNoteLine] = []
            var recipients: Set<String> = []
            for postId in release.postIds {
                let row = try await db.raw("""
                    SELECT p.kind, p.title, p.votes, p.author_id, a.display_name FROM posts p JOIN accounts a ON a.id = p.author_id
                    WHERE p.id = \(bind: postId)
                    """).first()!
                lines.append(ReleaseNoteLine(
                    kind: PostKind(rawValue: try row.string("kind")) ?? .question, title: try row.string("title"),
                    reporter: try row.string("display_name"), votes: Int(try row.int("votes"))))
                recipients.insert(try row.string("author_id"))
                for person in try await db.raw("""
                    SELECT account_id FROM post_votes WHERE post_id = \(bind: postId)
                    UNION SELECT account_id FROM post_followers WHERE post_id = \(bind: postId)
                    """).all() {
                    recipients.insert(try person.string("account_id"))
                }
            }
            let notes = ReleaseNotes.write(version: release.version, channel: release.channel, lines: lines)
            try await db.raw("UPDATE releases SET published = 1, notes = \(bind: notes) WHERE id = \(bind: releaseId)").run()
            try await Self.notify(
                db: db, accounts: recipients.sorted(), .release,
                ["productLine": release.productLine, "version": release.version, "channel": release.channel.rawValue],
                postId: nil, releaseId: releaseId, now: now)
            try await Self.enqueueWebhook(db: db, .releasePublished, data: [
                "releaseId": releaseId, "productLine": release.productLine, "version": release.version, "channel": release.channel.rawValue,
                "postIds": release.postIds.joined(separator: ","),
            ], now: now)
            return try await Self.release(db: db, id: releaseId)!
        }
    }

    public func inbox(accountId: String, limit: Int) async throws -> (items: [InboxMessage], unread: Int) {
        try await read { db in
            let items = try await db.raw("""
                SELECT * FROM inbox WHERE account_id = \(bind: accountId) ORDER BY created_at DESC, id LIMIT \(bind: Int64(limit))
                """).all().map { row in
                InboxMessage(
                    id: try row.string("id"), accountId: try row.string("account_id"), releaseId: try row.optionalString("release_id"),
                    postId: try row.optionalString("post_id"), kind: try row.optionalString("kind").flatMap(InboxKind.init(rawValue:)),
                    params: try row.optionalString("params").flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:],
                    text: try row.string("text"), createdAt: try row.date("created_at"),
                    readAt: try row.optionalDate("read_at"))
            }
            let unread = try await db.raw("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM inbox WHERE account_id = \(bind: accountId) AND read_at IS NULL
                """).first()!.int("n")
            return (items, Int(unread))
        }
    }

    public func markRead(notificationId: String, accountId: String, now: Date) async throws {
        try await read { db in
            let found = try await db.raw("""
                UPDATE inbox SET read_at = COALESCE(read_at, \(bind: now.millis)) WHERE id = \(bind: notificationId) AND account_id = \(bind: accountId)
                RETURNING id
                """).first()
            guard found != nil else { throw DomainError.notFound(what: "notification") }
        }
    }

    static func release(db: any SQLDatabase, id: String) async throws -> Release? {
        guard let row = try await db.raw("SELECT * FROM releases WHERE id = \(bind: id)").first() else { return nil }
        let posts = try await db.raw("SELECT post_id FROM release_posts WHERE release_id = \(bind: id) ORDER BY post_id").all().map { try $0.string("post_id") }
        return Release(
            id: try row.string("id"), productLine: try row.string("product_line"), version: try row.string("version"),
            channel: ReleaseChannel(rawValue: try row.string("channel")) ?? .stable, date: try row.date("release_date"),
            published: try row.bool("published"), notes: try row.optionalString("notes"), postIds: posts)
    }
}
