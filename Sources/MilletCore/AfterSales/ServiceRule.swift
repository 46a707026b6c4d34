import Foundation

/// The parts of a unit a warranty speaks of separately: a phone's main unit, its battery, and
/// what comes in the box (charger, cable).
public enum PartClass: String, Codable, Sendable, CaseIterable {
    case mainUnit = "main_unit"
    case battery
    case accessory
}

/// What the brand owes a fan for a unit, by law or by its own policy.
public enum Remedy: String, Codable, Sendable, CaseIterable {
    /// The unit goes back and the money comes back.
    case `return`
    /// The unit goes back and a new one of the same SKU comes out.
    case exchange
    /// The unit is repaired at no cost.
    case repairFree = "repair_free"
    /// The unit is repaired at the market's price list.
    case repairPaid = "repair_paid"
}

/// Why a fan asks: a change of mind (withdrawal, no reason needed), a fault, or an accident
/// (a drop, a crack), which only a screen plan covers.
public enum ServiceGround: String, Codable, Sendable, CaseIterable {
    case anyReason = "any_reason"
    case fault
    case accident
}

/// How long a rule lasts from the day the unit was delivered.
public enum ServicePeriod: Hashable, Sendable, Codable {
    case days(Int)
    case months(Int)

    /// The last instant the rule still applies: the end of the UTC day `n` days (or months)
    /// after the day of delivery, so "14 days" covers the whole fourteenth day after it.
    public func end(from start: Date) -> Date {
        let calendar = Calendar.utc
        let day = calendar.startOfDay(for: start)
        let last: Date
        switch self {
        case .days(let n): last = calendar.date(byAdding: .day, value: n, to: day)!
        case .months(let n): last = calendar.date(byAdding: .month, value: n, to: day)!
        }
        return calendar.date(byAdding: .day, value: 1, to: last)!
    }

    /// `14d` or `12m`, as the API writes it.
    public var text: String {
        switch self {
        case .days(let n): "\(n)d"
        case .months(let n): "\(n)m"
        }
    }

    /// Reads `14d` or `12m`: 1 to 3,650 days or 1 to 120 months.
    public init(text: String) throws {
        let unit = text.last
        guard let n = Int(text.dropLast()), let unit else { throw DomainError.invalid(field: "period", "like 14d or 12m") }
        switch unit {
        case "d" where (1...3650).contains(n): self = .days(n)
        case "m" where (1...120).contains(n): self = .months(n)
        default: throw DomainError.invalid(field: "period", "1d to 3650d, or 1m to 120m")
        }
    }
}

/// One line of a market's service rules: a remedy, on which ground, for which parts, for how long
/// after delivery, and how many days the brand has to settle a case under it (the refund deadline
/// of a return, the repair time of a repair). Every decision names the rule it applied. Seeded per
/// market from ``DemoServiceRules``; staff may edit them. Defaults, not legal advice.
public struct ServiceRule: Hashable, Sendable, Codable {
    public let marketCode: String
    /// Short and stable within the market, for example `withdrawal` or `battery-repair`.
    public let code: String
    public let remedy: Remedy
    public let ground: ServiceGround
    /// The parts it covers; every part when empty.
    public let parts: [PartClass]
    public let period: ServicePeriod
    /// Days the brand has to settle a case decided by this rule.
    public let caseDays: Int
    /// The law or policy in a line, shown with every decision.
    public let title: String
    public let active: Bool

    /// Checks the code (2 to 40 lower-case letters, digits or dashes), the title (1 to 200
    /// characters), the case days (1 to 365) and that a withdrawal is a return.
    public init(
        marketCode: String, code: String, remedy: Remedy, ground: ServiceGround, parts: [PartClass], period: ServicePeriod, caseDays: Int,
        title: String, active: Bool = true
    ) throws {
        var check = Validator()
        check.require(ShipmentRequest.isName(code), "code", "must be 2 to 40 lower-case letters, digits or dashes")
        check.requireLength(title, 1...200, "title", "is required (at most 200 characters)")
        check.require((1...365).contains(caseDays), "caseDays", "must be between 1 and 365")
        check.require(ground == .fault || remedy == .return, "ground", "only a return may be asked for without a reason")
        check.require(ground != .accident, "ground", "accidents are covered by service plans, not by rules")
        check.require(remedy != .repairPaid, "remedy", "paid repair is what is left when no rule covers a fault")
        check.require(Set(parts).count == parts.count, "parts", "must not repeat")
        try check.check()
        self.marketCode = marketCode
        self.code = code
        self.remedy = remedy
        self.ground = ground
        self.parts = parts
        self.period = period
        self.caseDays = caseDays
        self.title = title.trimmed
        self.active = active
    }

    /// Whether it speaks of `part`.
    public func covers(_ part: PartClass) -> Bool { parts.isEmpty || parts.contains(part) }
}

/// Where service rules are kept.
public protocol ServiceRuleRepository: Sendable {
    /// The market's rules by code, only active ones unless `includeInactive`.
    func serviceRules(marketCode: String, includeInactive: Bool) async throws -> [ServiceRule]
    /// Creates or replaces the rule with its market and code.
    func save(_ rule: ServiceRule) async throws
}

/// The rules every demo market starts with, from each market's consumer law or the brand's
/// published policy as the seeds describe it.
public enum DemoServiceRules {
    /// The seeded rules of one market (empty for a market the brand has no defaults for).
    public static func rules(marketCode: String) -> [ServiceRule] {
        let rows: [(String, Remedy, ServiceGround, [PartClass], ServicePeriod, Int, String)]
        switch marketCode {
        case "ES":
            rows = [
                ("withdrawal", .return, .anyReason, [], .days(14), 14, "EU right of withdrawal: 14 days from delivery, refund within 14 days (Directive 2011/83/EU, art. 9 and 13)"),
                ("legal-guarantee-exchange", .exchange, .fault, [], .months(36), 30, "Legal guarantee of 3 years on goods bought since 2022: replacement (RDL 7/2021)"),
                ("legal-guarantee-repair", .repairFree, .fault, [], .months(36), 30, "Legal guarantee of 3 years on goods bought since 2022: repair (RDL 7/2021)"),
            ]
        case "GB":
            rows = [
                ("cancellation", .return, .anyReason, [], .days(14), 14, "Consumer Contracts Regulations 2013: 14 days to cancel, refund within 14 days"),
                ("short-term-reject", .return, .fault, [], .days(30), 14, "Consumer Rights Act 2015 s.22: 30 days to reject faulty goods for a full refund"),
                ("repair-or-replace-exchange", .exchange, .fault, [], .months(12), 30, "Consumer Rights Act 2015 s.23: then repair or replacement first (the brand's 12-month warranty)"),
                ("repair-or-replace-repair", .repairFree, .fault, [], .months(12), 30, "Consumer Rights Act 2015 s.23: then repair or replacement first (the brand's 12-month warranty)"),
            ]
        case "CN":
            rows = [
                ("no-reason-return", .return, .anyReason, [], .days(7), 7, "7 days to return an online purchase without a reason (Consumer Rights Protection Law, art. 25)"),
                ("fault-return", .return, .fault, [], .days(7), 7, "Mobile phone three guarantees: return for a performance fault within 7 days"),
                ("fault-exchange", .exchange, .fault, [], .days(15), 7, "Mobile phone three guarantees: exchange for a performance fault within 15 days"),
                ("main-unit-repair", .repairFree, .fault, [.mainUnit], .months(12), 7, "Mobile phone three guarantees: main unit repaired free for 1 year"),
                ("battery-repair", .repairFree, .fault, [.battery], .months(6), 7, "Mobile phone three guarantees: battery repaired free for 6 months"),
                ("accessory-repair", .repairFree, .fault, [.accessory], .months(12), 7, "Mobile phone three guarantees: charger repaired free for 1 year"),
            ]
        case "IN", "ID":
            rows = [
                ("defect-replacement", .exchange, .fault, [], .days(7), 7, "The brand's policy: replacement for a defect within 7 days of delivery"),
                ("main-unit-warranty", .repairFree, .fault, [.mainUnit], .months(12), marketCode == "IN" ? 7 : 14, "The brand's 12-month warranty on the main unit"),
                ("battery-warranty", .repairFree, .fault, [.battery, .accessory], .months(6), marketCode == "IN" ? 7 : 14, "The brand's 6-month warranty on the battery and accessories"),
            ]
        default:
            rows = []
        }
        return rows.map {
            try! ServiceRule(marketCode: marketCode, code: $0.0, remedy: $0.1, ground: $0.2, parts: $0.3, period: $0.4, caseDays: $0.5, title: $0.6)
        }
    }
}
