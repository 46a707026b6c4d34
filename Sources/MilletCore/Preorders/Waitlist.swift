import Foundation

/// A fan waiting for a place in the next batch of a SKU in a market, after finding every batch
/// full (or none open): counted in the demand staff size batches by, and told once, when a batch
/// with a place opens.
public struct WaitlistEntry: Hashable, Sendable {
    public let accountId: String
    public let skuId: String
    public let marketCode: String
    /// When the fan joined (again, after being told).
    public let joinedAt: Date
    /// When the fan was told a batch opened; `nil` while waiting.
    public let toldAt: Date?

    public init(accountId: String, skuId: String, marketCode: String, joinedAt: Date, toldAt: Date?) {
        self.accountId = accountId
        self.skuId = skuId
        self.marketCode = marketCode
        self.joinedAt = joinedAt
        self.toldAt = toldAt
    }
}

/// One day of demand for a SKU in a market: pre-orders placed, and fans who joined the waiting
/// list because no batch had a place.
public struct DemandDay: Hashable, Sendable {
    public let skuId: String
    public let marketCode: String
    /// `2027-01-15`, in UTC.
    public let day: String
    public var preorders: Int
    public var waiting: Int

    public init(skuId: String, marketCode: String, day: String, preorders: Int, waiting: Int) {
        self.skuId = skuId
        self.marketCode = marketCode
        self.day = day
        self.preorders = preorders
        self.waiting = waiting
    }
}

extension PreorderDesk {
    /// Puts the fan on the waiting list of the SKU in the market (again, if told before);
    /// `conflict(batch_has_place)` while a batch takes pre-orders with a place, `invalid` for an
    /// unknown SKU. Joining twice keeps one entry.
    public func joinWaitlist(skuId: String, marketCode: String, by accountId: String) async throws -> WaitlistEntry {
        let (market, now) = (try await markets.requireMarket(marketCode), clock.now())
        guard Identifier.isWellFormed(skuId), try await catalog.sku(id: skuId) != nil else { throw DomainError.invalid(field: "skuId", "unknown SKU") }
        if try await preorders.batches(skuIds: [skuId], marketCode: market.code, openOnly: true).contains(where: { $0.free > 0 && $0.takesPreorders(at: now) }) {
            throw DomainError.conflict(code: "batch_has_place", message: "a batch of this model has a place: pre-order it now")
        }
        let entry = WaitlistEntry(accountId: accountId, skuId: skuId, marketCode: market.code, joinedAt: now, toldAt: nil)
        try await store.transaction { tx in try await tx.join(entry) }
        return entry
    }

    /// Takes the fan off the waiting list; `not_found` when they were not on it.
    public func leaveWaitlist(skuId: String, marketCode: String, by accountId: String) async throws {
        let market = try await markets.requireMarket(marketCode)
        let left = try await store.transaction { tx in try await tx.leaveWaitlist(accountId: accountId, skuId: skuId, marketCode: market.code) }
        guard left else { throw DomainError.notFound(what: "waiting list entry") }
    }

    /// The fan's waiting-list entries, newest first.
    public func waitlist(of accountId: String) async throws -> [WaitlistEntry] {
        try await preorders.waitlist(accountId: accountId)
    }

    /// Tells every fan waiting for a SKU in a market that now has a batch taking pre-orders with
    /// a place, once (the outbox sends it at once), in one transaction; answers how many were told.
    @discardableResult
    public func tellWaitlist() async throws -> Int {
        let now = clock.now()
        // Names are read before the transaction, which reads no other table.
        var named: [String: String] = [:]
        let languages = Dictionary(uniqueKeysWithValues: try await markets.markets().map { ($0.code, $0.defaultLanguage) })
        for product in try await catalog.products(includeUnpublished: true, offset: 0, limit: 1_000) {
            for sku in product.skus {
                for (market, language) in languages { named["\(sku.id) \(market)"] = "\(product.text(in: language).name) (\(sku.colour), \(sku.storage))" }
            }
        }
        let names = named
        return try await store.transaction { tx in
            let due = try await tx.waitingToTell(now: now, limit: 500)
            for (entry, batch) in due {
                let window = MessageCourier.day(batch.shipFrom) + " – " + MessageCourier.day(batch.shipTo)
                try await tx.notify(Notice(accountId: entry.accountId, kind: .batchOpened, subjectId: batch.skuId,
                                           key: "batch_opened:\(entry.accountId):\(batch.id)",
                                           params: ["market": batch.marketCode, "batch": String(batch.number), "window": window,
                                                    "product": names["\(batch.skuId) \(batch.marketCode)"] ?? batch.skuId], createdAt: now))
                try await tx.markTold(accountId: entry.accountId, skuId: entry.skuId, marketCode: entry.marketCode, at: now)
            }
            return due.count
        }
    }
}
