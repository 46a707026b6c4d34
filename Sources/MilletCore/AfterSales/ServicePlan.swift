import Foundation

/// What a service plan covers.
public enum PlanKind: String, Codable, Sendable, CaseIterable {
    /// Free repair of a fault after the brand's own cover ends.
    case extended
    /// Free repair of an accidentally damaged screen (a drop, a crack) from the day it is bought.
    case screen
}

/// A service plan a market sells: the platform's own service revenue, priced like a product.
public struct ServicePlan: Hashable, Sendable, Codable {
    public let marketCode: String
    /// Short and stable within the market, for example `extended-12m`.
    public let code: String
    public let kind: PlanKind
    public let name: String
    public let months: Int
    /// Minor units of the market's currency, priced like shelf prices.
    public let price: Int64
    /// Days after delivery it may still be bought.
    public let windowDays: Int
    public let active: Bool

    public init(marketCode: String, code: String, kind: PlanKind, name: String, months: Int, price: Int64, windowDays: Int, active: Bool = true) throws {
        var check = Validator()
        check.require(ShipmentRequest.isName(code), "code", "must be 2 to 40 lower-case letters, digits or dashes")
        check.requireLength(name, 1...120, "name", "is required (at most 120 characters)")
        check.require((1...60).contains(months), "months", "must be between 1 and 60")
        check.require((1...10_000_000).contains(price), "price", "must be between 1 and 10000000 minor units")
        check.require((0...3650).contains(windowDays), "windowDays", "must be between 0 and 3650")
        try check.check()
        self.marketCode = marketCode
        self.code = code
        self.kind = kind
        self.name = name.trimmed
        self.months = months
        self.price = price
        self.windowDays = windowDays
        self.active = active
    }

    /// The order line it is sold as.
    public var skuId: String { OrderLine.serviceSKUPrefix + "plan-" + code }
}

/// Where a bought plan is.
public enum PlanStatus: String, Codable, Sendable {
    /// Its order waits for payment.
    case pending
    /// Paid; it covers from ``PlanCover/startsAt`` to ``PlanCover/endsAt``.
    case active
    /// Cancelled, with what was left of it refunded.
    case cancelled
}

/// A plan bought for one unit: what it covers, from when to when, and the order that paid it.
public struct PlanCover: Hashable, Sendable, Codable {
    public let id: String
    public let planCode: String
    public let kind: PlanKind
    public let name: String
    public let serial: String
    public let accountId: String
    public let marketCode: String
    public let orderId: String
    public let startsAt: Date
    public let endsAt: Date
    public var status: PlanStatus
    public let createdAt: Date

    public init(
        id: String, planCode: String, kind: PlanKind, name: String, serial: String, accountId: String, marketCode: String, orderId: String,
        startsAt: Date, endsAt: Date, status: PlanStatus, createdAt: Date
    ) {
        self.id = id
        self.planCode = planCode
        self.kind = kind
        self.name = name
        self.serial = serial
        self.accountId = accountId
        self.marketCode = marketCode
        self.orderId = orderId
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.status = status
        self.createdAt = createdAt
    }

    /// The rule code its covers name in a warranty answer.
    public var ruleCode: String { "plan-" + planCode }

    /// What it adds to a unit's warranty at `now`, once paid: an extended plan repairs a fault of
    /// the main unit and battery free, a screen plan an accident to the main unit's screen.
    public func covers(now: Date) -> [WarrantyCover] {
        guard status == .active, startsAt <= now, now < endsAt else { return [] }
        let parts: [PartClass] = kind == .extended ? [.mainUnit, .battery] : [.mainUnit]
        return parts.map {
            WarrantyCover(
                part: $0, remedy: .repairFree, ground: kind == .extended ? .fault : .accident, until: endsAt, ruleCode: ruleCode,
                ruleTitle: name, caseDays: kind == .extended ? 7 : 1)
        }
    }

    /// What a cancellation gives back of `paid`: the share of the days not yet covered.
    public func refundOnCancel(paid: Int64, now: Date) -> Int64 {
        let total = endsAt.timeIntervalSince(startsAt)
        guard total > 0 else { return 0 }
        let left = min(max(endsAt.timeIntervalSince(max(now, startsAt)), 0), total)
        return Int64((Double(paid) * left / total).rounded(.down))
    }
}

/// Where plans and the plans bought are kept.
public protocol ServicePlanRepository: Sendable {
    func servicePlans(marketCode: String, includeInactive: Bool) async throws -> [ServicePlan]
    func save(_ plan: ServicePlan) async throws
    /// The plans bought for a unit, oldest first, each with its order's status applied.
    func planCovers(serial: String) async throws -> [PlanCover]
    func planCover(id: String) async throws -> PlanCover?
}

/// The plans every demo market sells: two years more of repairs, and a year of screen cover,
/// each to be bought within a month of delivery (India: 270 days, as the brand sold them).
public enum DemoServicePlans {
    public static func plans(marketCode: String) -> [ServicePlan] {
        let prices: [String: (extended: Int64, screen: Int64)] = [
            "CN": (19_900, 14_900), "IN": (1_499_00, 999_00), "ES": (49_00, 39_00), "GB": (39_00, 29_00), "ID": (299_000, 199_000),
        ]
        guard let price = prices[marketCode] else { return [] }
        let names: [String: (String, String)] = [
            "CN": ("延长保修 12 个月", "碎屏保障 12 个月"), "ES": ("Garantía ampliada 12 meses", "Protección de pantalla 12 meses"),
            "ID": ("Garansi tambahan 12 bulan", "Perlindungan layar 12 bulan"),
        ]
        let (extended, screen) = names[marketCode] ?? ("Extended warranty, 12 months", "Screen protection, 12 months")
        let window = marketCode == "IN" ? 270 : 30
        return [
            try! ServicePlan(marketCode: marketCode, code: "extended-12m", kind: .extended, name: extended, months: 12, price: price.extended, windowDays: window),
            try! ServicePlan(marketCode: marketCode, code: "screen-12m", kind: .screen, name: screen, months: 12, price: price.screen, windowDays: window),
        ]
    }
}
