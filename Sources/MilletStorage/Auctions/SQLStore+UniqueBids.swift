import Foundation
import MilletCore
import SQLKit

/// Sealed bids of lowest-unique-bid auctions, and the community points spent on them.
extension SQLStore {
    public func placeUniqueBid(_ bid: UniqueBid, in auction: Auction, earnedPoints: Int) async throws -> (pointsLeft: Int, yourBids: [UniqueBid]) {
        try await sqlTransaction { [backend] db in
            // The fan's row locked: their bids (and their points) are decided one at a time.
            _ = try await db.raw("SELECT id FROM accounts WHERE id = \(bind: bid.accountId)\(unsafeRaw: backend.forUpdate)").first()
            let yours = try await Self.uniqueBids(db: db, auctionId: auction.id, accountId: bid.accountId)
            guard !yours.contains(where: { $0.amount == bid.amount }) else {
                throw DomainError.conflict(code: "amount_already_bid", message: "you bid this amount already")
            }
            guard yours.count < auction.maxBidsPerFan else {
                throw DomainError.conflict(code: "too_many_bids", message: "this auction takes at most \(auction.maxBidsPerFan) amounts from each fan")
            }
            let left = earnedPoints - (try await Self.pointsSpent(db: db, accountId: bid.accountId))
            guard left >= auction.pointsPerBid else {
                throw DomainError.notEligible(code: "not_enough_points", message: "a bid costs \(auction.pointsPerBid) community points; you have \(max(0, left))")
            }
            try await db.raw("""
                INSERT INTO unique_bids (id, auction_id, account_id, amount, placed_at)
                VALUES (\(bind: bid.id), \(bind: auction.id), \(bind: bid.accountId), \(bind: bid.amount), \(bind: bid.placedAt.millis))
                """).run()
            try await db.raw("""
                INSERT INTO point_spends (id, account_id, points, reason, subject_id, at)
                VALUES (\(bind: Identifier.make()), \(bind: bid.accountId), \(bind: Int64(auction.pointsPerBid)), 'unique_bid', \(bind: bid.id),
                    \(bind: bid.placedAt.millis))
                """).run()
            try await db.raw("UPDATE auctions SET bids = bids + 1 WHERE id = \(bind: auction.id)").run()
            return (left - auction.pointsPerBid, (yours + [bid]).sorted { $0.amount < $1.amount })
        }
    }

    public func uniqueBids(auctionId: String, accountId: String?) async throws -> [UniqueBid] {
        try await read { db in try await Self.uniqueBids(db: db, auctionId: auctionId, accountId: accountId) }
    }

    public func pointsSpent(accountId: String) async throws -> Int {
        try await read { db in try await Self.pointsSpent(db: db, accountId: accountId) }
    }

    static func uniqueBids(db: any SQLDatabase, auctionId: String, accountId: String?) async throws -> [UniqueBid] {
        try await db.raw("""
            SELECT * FROM unique_bids WHERE auction_id = \(bind: auctionId) AND (account_id = \(bind: accountId) OR \(bind: accountId == nil ? 1 : 0) = 1)
            ORDER BY amount, placed_at, id
            """).all().map { row in
            UniqueBid(id: try row.string("id"), auctionId: try row.string("auction_id"), accountId: try row.string("account_id"),
                      amount: try row.int("amount"), placedAt: try row.date("placed_at"))
        }
    }

    private static func pointsSpent(db: any SQLDatabase, accountId: String) async throws -> Int {
        Int(try await db.raw("SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) AS spent FROM point_spends WHERE account_id = \(bind: accountId)")
            .first()?.int("spent") ?? 0)
    }
}
