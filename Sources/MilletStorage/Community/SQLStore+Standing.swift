import Foundation
import MilletCore
import SQLKit

extension SQLStore: StandingRepository {
    public func contributions(accountIds: [String]) async throws -> [String: Contributions] {
        guard !accountIds.isEmpty else { return [:] }
        return try await read { db in
            var result: [String: Contributions] = [:]
            for row in try await Self.contributionRows(db: db, filter: "p.author_id IN (\(binds: accountIds))") {
                result[try row.string("author_id")] = try Self.contributions(from: row)
            }
            return result
        }
    }

    public func leaderboard(boardId: String, limit: Int) async throws -> [LeaderboardEntry] {
        try await read { db in
            let entries = try await Self.contributionRows(db: db, filter: "p.board_id = \(bind: boardId)").map { row in
                LeaderboardEntry(
                    accountId: try row.string("author_id"), displayName: try row.string("display_name"),
                    standing: Standing(try Self.contributions(from: row)))
            }
            return Array(LeaderboardEntry.rank(entries).prefix(limit))
        }
    }

    /// One row per author of the posts `filter` selects, duplicates left out.
    static func contributionRows(db: any SQLDatabase, filter: SQLQueryString) async throws -> [any SQLRow] {
        let heard: SQLQueryString = """
            EXISTS (SELECT 1 FROM post_status_changes c WHERE c.post_id = p.id AND c.to_status IN (
                \(bind: PostStatus.acknowledged.rawValue), \(bind: PostStatus.planned.rawValue),
                \(bind: PostStatus.inProgress.rawValue), \(bind: PostStatus.shipped.rawValue)))
            """
        let shipped = PostStatus.shipped.rawValue
        return try await db.raw("""
            SELECT p.author_id, a.display_name, CAST(COUNT(*) AS BIGINT) AS posts,
                CAST(SUM(CASE WHEN \(heard) THEN 1 ELSE 0 END) AS BIGINT) AS acknowledged,
                CAST(SUM(CASE WHEN p.kind = \(bind: PostKind.bug.rawValue) AND \(heard) THEN 1 ELSE 0 END) AS BIGINT) AS acknowledged_bugs,
                CAST(SUM(p.votes) AS BIGINT) AS votes,
                CAST(SUM(CASE WHEN p.status = \(bind: shipped) AND p.kind = \(bind: PostKind.idea.rawValue) THEN 1 ELSE 0 END) AS BIGINT) AS shipped_ideas,
                CAST(SUM(CASE WHEN p.status = \(bind: shipped) AND p.kind = \(bind: PostKind.bug.rawValue) THEN 1 ELSE 0 END) AS BIGINT) AS shipped_bugs,
                CAST(MAX(p.votes) AS BIGINT) AS top_votes
            FROM posts p JOIN accounts a ON a.id = p.author_id
            WHERE p.status <> \(bind: PostStatus.duplicate.rawValue) AND \(filter)
            GROUP BY p.author_id, a.display_name
            """).all()
    }

    static func contributions(from row: any SQLRow) throws -> Contributions {
        Contributions(
            posts: Int(try row.int("posts")), acknowledged: Int(try row.int("acknowledged")), acknowledgedBugs: Int(try row.int("acknowledged_bugs")),
            votesReceived: Int(try row.int("votes")), shippedIdeas: Int(try row.int("shipped_ideas")),
            shippedBugs: Int(try row.int("shipped_bugs")), topPostVotes: Int(try row.int("top_votes")))
    }
}

extension SQLStore: FCodeGrantRepository {
    public func grantFCodes(saleId: String, saleTitle: String, accountIds: [String], now: Date) async throws -> [String: String] {
        guard !accountIds.isEmpty else { return [:] }
        return try await sqlTransaction { db in
            let codes = try await Self.issueFCodes(db: db, saleId: saleId, count: accountIds.count, now: now)
            var granted: [String: String] = [:]
            for (account, code) in zip(accountIds, codes) {
                granted[account] = code
                try await Self.notify(db: db, accounts: [account], .fcode, ["code": code, "sale": saleTitle], postId: nil, releaseId: nil, now: now)
            }
            return granted
        }
    }
}
