import Foundation

/// A run of units of one SKU for one market, built to the pre-orders that fill it: the units it
/// will make, the window it ships in, its price and what a pre-order pays now (the deposit; the
/// whole price for full payment). Pre-orders fill batches in order.
public struct ProductionBatch: Hashable, Sendable {
    public enum Status: String, Sendable, Codable {
        /// Taking pre-orders while it has places.
        case open
        /// Built and packed: each pre-order got its balance order.
        case packed
        /// A crowdfunded batch that missed its goal: every backer was refunded in full.
        case failed
    }

    public let id: String
    public let skuId: String
    public let marketCode: String
    public let currency: String
    /// 1 for the SKU's first batch in the market, and on.
    public let number: Int
    public let units: Int
    /// Places taken by pre-orders not cancelled.
    public var reserved: Int
    public var shipFrom: Date
    public var shipTo: Date
    public let price: Int64
    /// Paid when pre-ordering; the rest (with shipping) when the batch is packed.
    public let deposit: Int64
    public var status: Status
    /// How often its window moved later.
    public var slips: Int
    public let createdAt: Date
    /// Crowdfunding, all or nothing: the backers (paid pre-orders) it needs by ``fundingEnds``.
    public let goal: Int?
    public let fundingEnds: Date?
    /// When it reached its goal at the deadline.
    public var fundedAt: Date?

    public init(id: String, skuId: String, marketCode: String, currency: String, number: Int, units: Int, reserved: Int, shipFrom: Date, shipTo: Date,
                price: Int64, deposit: Int64, status: Status, slips: Int, createdAt: Date, goal: Int? = nil, fundingEnds: Date? = nil,
                fundedAt: Date? = nil) {
        self.goal = goal
        self.fundingEnds = fundingEnds
        self.fundedAt = fundedAt
        self.id = id
        self.skuId = skuId
        self.marketCode = marketCode
        self.currency = currency
        self.number = number
        self.units = units
        self.reserved = reserved
        self.shipFrom = shipFrom
        self.shipTo = shipTo
        self.price = price
        self.deposit = deposit
        self.status = status
        self.slips = slips
        self.createdAt = createdAt
    }

    /// Pre-ordering pays the whole price now.
    public var isFullPayment: Bool { deposit == price }

    /// A crowdfunded batch.
    public var isCampaign: Bool { goal != nil }

    /// Whether it takes pre-orders at `now`: open, and a campaign only until its deadline.
    public func takesPreorders(at now: Date) -> Bool { status == .open && (fundingEnds.map { now < $0 } ?? true) }

    /// Whether it may be packed: open, and a campaign only once funded.
    public var mayBePacked: Bool { status == .open && (!isCampaign || fundedAt != nil) }

    /// Places left.
    public var free: Int { max(0, units - reserved) }

    /// The batch with its window moved later; `invalid` unless the new window ends after the
    /// old one and starts no earlier, and `conflict(batch_packed)` once it is packed.
    public func slipping(to from: Date, _ to: Date, now: Date) throws -> ProductionBatch {
        guard status == .open else { throw DomainError.conflict(code: "batch_packed", message: "the batch is packed already") }
        var check = Validator()
        check.require(from >= shipFrom && to > shipTo, "shipTo", "a slip moves the window later: it must end after \(shipTo.formatted(.iso8601))")
        check.require(to >= from && to <= from.addingTimeInterval(90 * 86_400), "shipFrom", "must be before the window's end, within 90 days of it")
        check.require(from > now, "shipFrom", "must be in the future")
        try check.check()
        var moved = self
        moved.shipFrom = from
        moved.shipTo = to
        moved.slips += 1
        return moved
    }
}

/// What staff ask for when they open a batch.
public struct BatchPlan: Sendable {
    public var skuId: String
    public var marketCode: String
    public var units: Int
    public var shipFrom: Date
    public var shipTo: Date
    /// What a pre-order pays now; `nil` for the whole price (full payment).
    public var deposit: Int64?
    /// Crowdfunding: the paid pre-orders needed by `fundingEnds`, or every backer is refunded.
    public var goal: Int?
    public var fundingEnds: Date?

    public init(skuId: String, marketCode: String, units: Int, shipFrom: Date, shipTo: Date, deposit: Int64?, goal: Int? = nil, fundingEnds: Date? = nil) {
        self.goal = goal
        self.fundingEnds = fundingEnds
        self.skuId = skuId
        self.marketCode = marketCode
        self.units = units
        self.shipFrom = shipFrom
        self.shipTo = shipTo
        self.deposit = deposit
    }

    /// The batch at `price` (the SKU's shelf price in the market), numbered `number`; `invalid`
    /// naming each wrong field.
    public func batch(price: Int64, currency: String, number: Int, now: Date) throws -> ProductionBatch {
        var check = Validator()
        // Packing places every balance order in one transaction: a batch stays a size that takes seconds.
        check.require((1...10_000).contains(units), "units", "must be 1 to 10000")
        check.require(shipFrom > now, "shipFrom", "must be in the future")
        check.require(shipTo >= shipFrom && shipTo <= shipFrom.addingTimeInterval(90 * 86_400), "shipTo", "must be on or after shipFrom, within 90 days of it")
        check.require(deposit.map { (1...price).contains($0) } ?? true, "deposit", "must be a positive amount in minor units, at most the price (\(price))")
        check.require((goal == nil) == (fundingEnds == nil), "goal", "a campaign takes both a goal and a funding deadline")
        check.require(goal.map { (1...units).contains($0) } ?? true, "goal", "must be 1 to the batch's units")
        check.require(fundingEnds.map { $0 > now && $0 <= shipFrom } ?? true, "fundingEnds", "must be in the future and no later than shipFrom")
        try check.check()
        return ProductionBatch(id: Identifier.make(), skuId: skuId, marketCode: marketCode, currency: currency, number: number, units: units, reserved: 0,
                               shipFrom: shipFrom, shipTo: shipTo, price: price, deposit: deposit ?? price, status: .open, slips: 0, createdAt: now,
                               goal: goal, fundingEnds: fundingEnds)
    }
}
