import Foundation
import MilletCore
import SQLKit

extension SQLStore: AuctionRepository {
    public func createAuction(_ auction: Auction) async throws {
        let state = AuctionState.opening(auction)
        let increments = String(decoding: try JSONEncoder().encode(auction.increments), as: UTF8.self)
        try await sqlTransaction { db in
            var warehouse: String?
            if let skuId = auction.skuId {
                guard try await db.raw("SELECT id FROM skus WHERE id = \(bind: skuId)").first() != nil else {
                    throw DomainError.invalid(field: "skuId", "unknown SKU")
                }
                guard let held = try await Self.hold(db: db, skuId: skuId, quantity: 1, marketCode: auction.marketCode) else {
                    throw DomainError.conflict(code: "out_of_stock", message: "no warehouse of \(auction.marketCode) has a unit of this SKU to auction")
                }
                warehouse = held
            }
            try await db.raw("""
                INSERT INTO auctions (id, title, sku_id, market_code, currency, start_price, reserve_price, increments, starts_at, scheduled_end,
                    extension_seconds, extension_cap_seconds, min_level, created_at, created_by, price, price_rule, ends_at, bids,
                    warehouse_id, payment_window_seconds, second_chance_seconds, format, points_per_bid, max_bids_per_fan, settles)
                VALUES (\(bind: auction.id), \(bind: auction.title), \(bind: auction.skuId), \(bind: auction.marketCode), \(bind: auction.currency),
                    \(bind: auction.startPrice), \(bind: auction.reservePrice), \(bind: increments), \(bind: auction.startsAt.millis),
                    \(bind: auction.scheduledEnd.millis), \(bind: Int64(auction.extensionWindow)), \(bind: Int64(auction.extensionCap)),
                    \(bind: Int64(auction.minLevel)), \(bind: auction.createdAt.millis), \(bind: auction.createdBy), \(bind: state.price),
                    \(bind: state.rule.rawValue), \(bind: state.endsAt.millis), 0, \(bind: warehouse), \(bind: Int64(auction.paymentWindow)),
                    \(bind: Int64(auction.secondChanceWindow)), \(bind: auction.format.rawValue), \(bind: Int64(auction.pointsPerBid)),
                    \(bind: Int64(auction.maxBidsPerFan)), 1)
                """).run()
            try await Self.enqueueWebhook(db: db, .auctionScheduled, data: [
                "auctionId": auction.id, "title": auction.title, "market": auction.marketCode, "currency": auction.currency,
                "startPrice": String(auction.startPrice), "startsAt": auction.startsAt.formatted(.iso8601),
                "endsAt": auction.scheduledEnd.formatted(.iso8601), "skuId": auction.skuId ?? "",
            ], now: auction.createdAt)
        }
    }

    public func auction(id: String) async throws -> AuctionRecord? {
        try await read { db in try await db.raw("SELECT * FROM auctions WHERE id = \(bind: id)").first().map(Self.auctionRecord(from:)) }
    }

    public func auctions(endingAfter after: Date, limit: Int) async throws -> [AuctionRecord] {
        try await read { db in
            try await db.raw("SELECT * FROM auctions WHERE ends_at > \(bind: after.millis) ORDER BY ends_at, id LIMIT \(bind: Int64(limit))")
                .all().map(Self.auctionRecord(from:))
        }
    }

    public func bids(auctionId: String, after: Int64) async throws -> [AuctionBid] {
        try await read { db in try await Self.bids(db: db, auctionId: auctionId, after: after) }
    }

    public func placeBids<R: Sendable>(
        on auction: Auction, _ decide: @escaping @Sendable (AuctionState, _ nextSeq: Int64) throws -> (bids: [AuctionBid], state: AuctionState, answer: R)
    ) async throws -> R {
        let auctionId = auction.id
        return try await sqlTransaction { [backend] db in
            guard let stored = try await db.raw("""
                SELECT leader_account_id, leader_maximum, runner_up_maximum, price, price_rule, ends_at, bids FROM auctions
                WHERE id = \(bind: auctionId)\(unsafeRaw: backend.forUpdate)
                """).first().map(Self.auctionState(from:)) else { throw DomainError.notFound(what: "auction") }
            let (bids, state, answer) = try decide(stored, stored.bids + 1)
            guard !bids.isEmpty else { return answer }
            for chunk in Self.statementChunks(bids, largest: 100) {
                let rows = chunk.map { bid -> SQLQueryString in
                    "(\(bind: bid.id), \(bind: auctionId), \(bind: bid.seq), \(bind: bid.accountId), \(bind: bid.maximum), \(bind: bid.placedAt.millis))"
                }
                try await db.raw("""
                    INSERT INTO auction_bids (id, auction_id, seq, account_id, maximum, placed_at) VALUES \(rows.joined(separator: ", "))
                    """).run()
            }
            try await db.raw("""
                UPDATE auctions SET leader_account_id = \(bind: state.leaderAccountId), leader_maximum = \(bind: state.leaderMaximum),
                    runner_up_maximum = \(bind: state.runnerUpMaximum), price = \(bind: state.price), price_rule = \(bind: state.rule.rawValue),
                    ends_at = \(bind: state.endsAt.millis), bids = \(bind: state.bids)
                WHERE id = \(bind: auctionId)
                """).run()
            return answer
        }
    }

    static func auctionRecord(from row: any SQLRow) throws -> AuctionRecord {
        let increments = try JSONDecoder().decode(IncrementTable.self, from: Data(try row.string("increments").utf8))
        let auction = Auction(
            id: try row.string("id"), title: try row.string("title"), skuId: try row.optionalString("sku_id"), marketCode: try row.string("market_code"),
            currency: try row.string("currency"), startPrice: try row.int("start_price"), reservePrice: try row.optionalInt("reserve_price"),
            increments: increments, startsAt: try row.date("starts_at"), scheduledEnd: try row.date("scheduled_end"),
            extensionWindow: TimeInterval(try row.int("extension_seconds")), extensionCap: TimeInterval(try row.int("extension_cap_seconds")),
            minLevel: Int(try row.int("min_level")), createdAt: try row.date("created_at"), createdBy: try row.string("created_by"),
            paymentWindow: TimeInterval(try row.int("payment_window_seconds")), secondChanceWindow: TimeInterval(try row.int("second_chance_seconds")),
            format: AuctionFormat(rawValue: try row.string("format")) ?? .english, pointsPerBid: Int(try row.int("points_per_bid")),
            maxBidsPerFan: Int(try row.int("max_bids_per_fan")))
        return AuctionRecord(auction: auction, state: try auctionState(from: row), outcome: try row.optionalString("outcome").flatMap(AuctionOutcome.init),
                             soldPrice: try row.optionalInt("sold_price"))
    }

    static func auctionState(from row: any SQLRow) throws -> AuctionState {
        AuctionState(
            leaderAccountId: try row.optionalString("leader_account_id"), leaderMaximum: try row.optionalInt("leader_maximum"),
            runnerUpMaximum: try row.optionalInt("runner_up_maximum"), price: try row.int("price"),
            rule: PriceRule(rawValue: try row.string("price_rule")) ?? .startPrice, endsAt: try row.date("ends_at"), bids: try row.int("bids"))
    }
}
