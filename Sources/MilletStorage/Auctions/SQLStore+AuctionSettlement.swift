import Foundation
import MilletCore
import SQLKit

/// Settling closed auctions: offers down the bidders, their orders, strikes, the held unit.
extension SQLStore {
    public func cancelAuction(id: String, now: Date) async throws -> AuctionRecord {
        try await sqlTransaction { [backend] db in
            guard let row = try await db.raw("SELECT * FROM auctions WHERE id = \(bind: id)\(unsafeRaw: backend.forUpdate)").first() else {
                throw DomainError.notFound(what: "auction")
            }
            let record = try Self.auctionRecord(from: row)
            guard record.outcome == nil, !record.state.isClosed(at: now) else {
                throw DomainError.conflict(code: "auction_closed", message: "the auction has ended or was called off")
            }
            if let skuId = record.auction.skuId, let warehouse = try row.optionalString("warehouse_id") {
                try await db.raw("UPDATE stock SET held = held - 1 WHERE sku_id = \(bind: skuId) AND warehouse_id = \(bind: warehouse)").run()
            }
            try await db.raw("""
                UPDATE auctions SET outcome = \(bind: AuctionOutcome.cancelled.rawValue), ends_at = \(bind: now.millis), settle_at = NULL
                WHERE id = \(bind: id)
                """).run()
            try await Self.enqueueWebhook(db: db, .auctionCancelled, data: ["auctionId": id], now: now)
            return try Self.auctionRecord(from: try await db.raw("SELECT * FROM auctions WHERE id = \(bind: id)").first()!)
        }
    }

    public func auctionsToSettle(now: Date, limit: Int) async throws -> [String] {
        try await read { db in
            try await db.raw("""
                SELECT id FROM auctions
                WHERE settles = 1 AND (outcome IS NULL OR outcome = \(bind: AuctionOutcome.offering.rawValue))
                    AND COALESCE(settle_at, ends_at) <= \(bind: now.millis)
                ORDER BY COALESCE(settle_at, ends_at), id LIMIT \(bind: Int64(limit))
                """).all().map { try $0.string("id") }
        }
    }

    public func settle(auctionId: String, now: Date, _ decide: @escaping @Sendable (SettlementFacts) -> SettlementStep?) async throws -> SettlementStep? {
        try await sqlTransaction { [backend] db in
            guard let row = try await db.raw("SELECT * FROM auctions WHERE id = \(bind: auctionId)\(unsafeRaw: backend.forUpdate)").first() else {
                throw DomainError.notFound(what: "auction")
            }
            let record = try Self.auctionRecord(from: row)
            guard record.outcome == nil || record.outcome == .offering else { return nil }
            let bids = try await Self.bids(db: db, auctionId: auctionId, after: 0)
            let offers = try await Self.offers(db: db, auctionId: auctionId)
            var fate: SettlementFacts.OrderFate?
            if let current = offers.last, current.status == .ordered, let orderId = current.orderId {
                fate = try await Self.fate(db: db, orderId: orderId, buyer: current.accountId)
            }
            let barred = try await Self.barred(db: db, strikes: AuctionSettlement.strikesToBar)
            var holdingOne: Set<String> = []
            if let skuId = record.auction.skuId { holdingOne = try await Self.holdingUnits(db: db, skuId: skuId, excluding: auctionId, accountId: nil) }
            let uniqueBids = record.auction.format == .lowestUnique ? try await Self.uniqueBids(db: db, auctionId: auctionId, accountId: nil) : []
            guard let step = decide(SettlementFacts(record: record, bids: bids, offers: offers, orderFate: fate, barred: barred, holdingOne: holdingOne,
                                                    uniqueBids: uniqueBids)) else {
                // Nothing due: look again when the current offer expires (a paid or cancelled
                // order brings that forward), or in a minute if its order outlived the offer (the
                // deadline sweep cancels it within a second; a payment being captured keeps it).
                let next = offers.last.map { max($0.expiresAt, now.addingTimeInterval(60)) } ?? now.addingTimeInterval(5)
                try await db.raw("UPDATE auctions SET settle_at = \(bind: next.millis) WHERE id = \(bind: auctionId)").run()
                return nil
            }
            for offer in step.offers {
                try await db.raw("""
                    INSERT INTO auction_offers (auction_id, round, account_id, price, offered_at, expires_at, status, order_id, win)
                    VALUES (\(bind: offer.auctionId), \(bind: Int64(offer.round)), \(bind: offer.accountId), \(bind: offer.price),
                        \(bind: offer.offeredAt.millis), \(bind: offer.expiresAt.millis), \(bind: offer.status.rawValue), \(bind: offer.orderId),
                        \(bind: Int64(offer.isWin ? 1 : 0)))
                    ON CONFLICT (auction_id, round) DO UPDATE SET status = excluded.status, order_id = excluded.order_id
                    """).run()
            }
            for accountId in step.strikes {
                try await Self.strike(db: db, accountId: accountId, auctionId: auctionId, at: now)
            }
            if step.outcome == .unsold, let skuId = record.auction.skuId, let warehouse = try row.optionalString("warehouse_id") {
                try await db.raw("UPDATE stock SET held = held - 1 WHERE sku_id = \(bind: skuId) AND warehouse_id = \(bind: warehouse)").run()
            }
            let sold = step.outcome == .sold ? step.offers.last?.price : nil
            try await db.raw("""
                UPDATE auctions SET outcome = \(bind: step.outcome.rawValue), settle_at = \(bind: step.nextCheck?.millis),
                    sold_price = \(bind: sold) WHERE id = \(bind: auctionId)
                """).run()
            if let notice = step.notice { try await Self.insertNotice(db: db, notice) }
            for (event, data) in step.webhooks { try await Self.enqueueWebhook(db: db, event, data: data, now: now) }
            return step
        }
    }

    public func offers(auctionId: String) async throws -> [AuctionOffer] {
        try await read { db in try await Self.offers(db: db, auctionId: auctionId) }
    }

    public func orderOffer(auctionId: String, accountId: String, _ draft: @escaping @Sendable (AuctionOffer?) throws -> OrderDraft) async throws -> Order {
        try await sqlTransaction { [backend] db in
            _ = try await db.raw("SELECT id FROM auctions WHERE id = \(bind: auctionId)\(unsafeRaw: backend.forUpdate)").first()
            let offers = try await Self.offers(db: db, auctionId: auctionId), latest = offers.last
            // A second press of the button answers the order the first one placed.
            if let orderId = offers.last(where: { $0.accountId == accountId && $0.orderId != nil })?.orderId,
               let order = try await Self.loadOrder(db: db, id: orderId) {
                return order
            }
            let order = try await Self.place(db: db, try draft(latest), clearingCart: nil).order
            let offer = latest!
            try await db.raw("""
                UPDATE auction_offers SET status = \(bind: OfferStatus.ordered.rawValue), order_id = \(bind: order.id)
                WHERE auction_id = \(bind: auctionId) AND round = \(bind: Int64(offer.round))
                """).run()
            try await db.raw("UPDATE auctions SET settle_at = \(bind: offer.expiresAt.millis) WHERE id = \(bind: auctionId)").run()
            return order
        }
    }

    public func declineOffer(auctionId: String, now: Date, _ decide: @escaping @Sendable (AuctionOffer?) throws -> (offer: AuctionOffer, strike: Bool)) async throws -> AuctionOffer {
        try await sqlTransaction { [backend] db in
            _ = try await db.raw("SELECT id FROM auctions WHERE id = \(bind: auctionId)\(unsafeRaw: backend.forUpdate)").first()
            let (offer, strike) = try decide(try await Self.offers(db: db, auctionId: auctionId).last)
            try await db.raw("""
                UPDATE auction_offers SET status = \(bind: offer.status.rawValue) WHERE auction_id = \(bind: auctionId) AND round = \(bind: Int64(offer.round))
                """).run()
            if strike { try await Self.strike(db: db, accountId: offer.accountId, auctionId: auctionId, at: now) }
            // The next bidder hears at the settlement's next look.
            try await db.raw("UPDATE auctions SET settle_at = \(bind: now.millis) WHERE id = \(bind: auctionId)").run()
            return offer
        }
    }

    public func holdsUnit(accountId: String, skuId: String, excluding auctionId: String) async throws -> Bool {
        try await read { db in try await !Self.holdingUnits(db: db, skuId: skuId, excluding: auctionId, accountId: accountId).isEmpty }
    }

    /// The fans (or the one fan) with an open, ordered or paid offer of `skuId` in other auctions.
    private static func holdingUnits(db: any SQLDatabase, skuId: String, excluding auctionId: String, accountId: String?) async throws -> Set<String> {
        let held = [OfferStatus.open, .ordered, .paid].map { SQLQueryString("\(bind: $0.rawValue)") }
        return Set(try await db.raw("""
            SELECT DISTINCT o.account_id FROM auction_offers o JOIN auctions a ON a.id = o.auction_id
            WHERE a.sku_id = \(bind: skuId) AND a.id <> \(bind: auctionId) AND o.status IN (\(held.joined(separator: ", ")))
                AND (o.account_id = \(bind: accountId) OR \(bind: accountId == nil ? 1 : 0) = 1)
            """).all().map { try $0.string("account_id") })
    }

    public func openOffers(accountId: String) async throws -> [AuctionOffer] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM auction_offers WHERE account_id = \(bind: accountId) AND status IN (\(bind: OfferStatus.open.rawValue), \(bind: OfferStatus.ordered.rawValue))
                ORDER BY offered_at DESC LIMIT 20
                """).all().map(Self.offer(from:))
        }
    }

    public func strikes(accountId: String) async throws -> Int {
        try await read { db in
            Int(try await db.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM auction_strikes WHERE account_id = \(bind: accountId)").first()?.int("n") ?? 0)
        }
    }

    public func barredBidders(strikes: Int) async throws -> Set<String> {
        try await read { db in try await Self.barred(db: db, strikes: strikes) }
    }

    /// An auction's order moved (paid or cancelled): its settlement looks again now.
    static func auctionOrderMoved(db: any SQLDatabase, auctionId: String, at: Date) async throws {
        try await db.raw("""
            UPDATE auctions SET settle_at = \(bind: at.millis) WHERE id = \(bind: auctionId) AND outcome = \(bind: AuctionOutcome.offering.rawValue)
            """).run()
    }

    static func bids(db: any SQLDatabase, auctionId: String, after: Int64) async throws -> [AuctionBid] {
        try await db.raw("SELECT * FROM auction_bids WHERE auction_id = \(bind: auctionId) AND seq > \(bind: after) ORDER BY seq").all().map { row in
            AuctionBid(id: try row.string("id"), auctionId: try row.string("auction_id"), seq: try row.int("seq"),
                       accountId: try row.string("account_id"), maximum: try row.int("maximum"), placedAt: try row.date("placed_at"))
        }
    }

    private static func offers(db: any SQLDatabase, auctionId: String) async throws -> [AuctionOffer] {
        try await db.raw("SELECT * FROM auction_offers WHERE auction_id = \(bind: auctionId) ORDER BY round").all().map(offer(from:))
    }

    private static func offer(from row: any SQLRow) throws -> AuctionOffer {
        AuctionOffer(auctionId: try row.string("auction_id"), round: Int(try row.int("round")), accountId: try row.string("account_id"),
                     price: try row.int("price"), offeredAt: try row.date("offered_at"), expiresAt: try row.date("expires_at"),
                     status: OfferStatus(rawValue: try row.string("status")) ?? .lapsed, orderId: try row.optionalString("order_id"),
                     isWin: try row.bool("win"))
    }

    /// Unpaid, paid, or cancelled before it was paid (its move to `cancelled` came from
    /// `pending_payment`): by the buyer or the payment deadline, or by staff.
    private static func fate(db: any SQLDatabase, orderId: String, buyer: String) async throws -> SettlementFacts.OrderFate {
        let status = try await currentStatus(db: db, orderId: orderId)
        switch status {
        case .pendingPayment: return .awaitingPayment
        case .cancelled:
            guard let actor = try await db.raw("""
                SELECT actor FROM order_transitions WHERE order_id = \(bind: orderId) AND to_status = \(bind: OrderStatus.cancelled.rawValue)
                    AND from_status = \(bind: OrderStatus.pendingPayment.rawValue)
                """).first()?.string("actor") else { return .paid }
            return actor == "account:\(buyer)" || actor.hasPrefix("system:") || actor.hasPrefix("provider:") ? .cancelledUnpaid : .cancelledByBrand
        default: return .paid
        }
    }

    public func postponeSettlement(auctionId: String, until: Date) async throws {
        try await read { db in
            try await db.raw("UPDATE auctions SET settle_at = \(bind: until.millis) WHERE id = \(bind: auctionId)").run()
        }
    }

    private static func barred(db: any SQLDatabase, strikes: Int) async throws -> Set<String> {
        Set(try await db.raw("""
            SELECT account_id FROM auction_strikes GROUP BY account_id HAVING COUNT(*) >= \(bind: Int64(strikes))
            """).all().map { try $0.string("account_id") })
    }

    private static func strike(db: any SQLDatabase, accountId: String, auctionId: String, at: Date) async throws {
        try await db.raw("""
            INSERT INTO auction_strikes (account_id, auction_id, at) VALUES (\(bind: accountId), \(bind: auctionId), \(bind: at.millis))
            ON CONFLICT (account_id, auction_id) DO NOTHING
            """).run()
    }
}
