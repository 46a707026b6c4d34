import Foundation

/// One remedy a unit's part has today: until when, and the rule that decided it.
public struct WarrantyCover: Hashable, Sendable, Codable {
    public let part: PartClass
    public let remedy: Remedy
    public let ground: ServiceGround
    /// The last instant it applies; `nil` for a paid repair, which has no end.
    public let until: Date?
    public let ruleCode: String
    public let ruleTitle: String
    /// Days the brand has to settle a case under it.
    public let caseDays: Int

    public init(part: PartClass, remedy: Remedy, ground: ServiceGround, until: Date?, ruleCode: String, ruleTitle: String, caseDays: Int) {
        self.part = part
        self.remedy = remedy
        self.ground = ground
        self.until = until
        self.ruleCode = ruleCode
        self.ruleTitle = ruleTitle
        self.caseDays = caseDays
    }
}

/// What a market's rules give a unit delivered at `start`, as of `now`: each part's remedies.
/// A part no free repair covers any more may still be repaired at the price list.
public struct WarrantyDecision: Hashable, Sendable {
    /// The rule named when no rule gives a free repair.
    public static let paidRepairRule = "paid-repair"

    public let start: Date
    public let covers: [WarrantyCover]

    /// Decides from the market's active rules and what the unit's paid plans add (`plans`).
    public static func decide(rules: [ServiceRule], start: Date, now: Date, plans: [WarrantyCover] = []) -> WarrantyDecision {
        var covers: [WarrantyCover] = []
        for part in PartClass.allCases {
            covers += plans.filter { $0.part == part }
            for rule in rules where rule.active && rule.covers(part) {
                let until = rule.period.end(from: start)
                guard now < until else { continue }
                covers.append(WarrantyCover(
                    part: part, remedy: rule.remedy, ground: rule.ground, until: until, ruleCode: rule.code, ruleTitle: rule.title,
                    caseDays: rule.caseDays))
            }
            if !covers.contains(where: { $0.part == part && $0.remedy == .repairFree && $0.ground == .fault }) {
                covers.append(WarrantyCover(
                    part: part, remedy: .repairPaid, ground: .fault, until: nil, ruleCode: paidRepairRule,
                    ruleTitle: "No free cover is left: repaired at the market's price list", caseDays: 30))
            }
        }
        return WarrantyDecision(start: start, covers: covers)
    }

    /// The cover a request for `remedy` of `part` on `ground` falls under: a fault may also use a
    /// right that needs no reason. The rule of the asked ground wins, then the one lasting longest.
    public func cover(_ remedy: Remedy, part: PartClass, ground: ServiceGround) -> WarrantyCover? {
        // A paid repair mends whatever broke it.
        covers.filter { $0.remedy == remedy && $0.part == part && ($0.ground == ground || $0.ground == .anyReason || remedy == .repairPaid) }
            .max { a, b in
                (a.ground == ground ? 1 : 0, a.until ?? .distantFuture) < (b.ground == ground ? 1 : 0, b.until ?? .distantFuture)
            }
    }

    /// Why a request is refused: the window of the market's rule for it that closed last (of the
    /// asked ground on a tie), or that
    /// the market has none. Thrown as `conflict(out_of_window)`.
    public static func refusal(_ remedy: Remedy, part: PartClass, ground: ServiceGround, rules: [ServiceRule], start: Date) -> DomainError {
        let closed = rules.filter { $0.active && $0.remedy == remedy && $0.covers(part) && ($0.ground == ground || $0.ground == .anyReason) }
            .map { ($0, $0.period.end(from: start)) }
            .max { a, b in (a.1, a.0.ground == ground ? 1 : 0) < (b.1, b.0.ground == ground ? 1 : 0) }
        guard let (rule, end) = closed else {
            let why = switch ground {
            case .fault: "fault"
            case .accident: "accident"
            case .anyReason: "change of mind"
            }
            return .conflict(code: "out_of_window", message: "this market's rules give no \(remedy.rawValue) for a \(why)")
        }
        return .conflict(
            code: "out_of_window",
            message: "the \(rule.period.text) \(remedy.rawValue) window of rule \(rule.code) closed on \(end.addingTimeInterval(-1).utcDay) (\(rule.title))")
    }
}

/// A unit sold through the store, by serial: its order and owner, its SKU where the parcel said
/// it, the options it was built with, and when its warranty counts from when that is not its parcel's delivery (a replacement
/// keeps what was left of the unit it replaced).
public struct SerialRecord: Hashable, Sendable {
    public let serial: String
    public let orderId: String
    public let accountId: String
    public let skuId: String?
    public let warrantyFrom: Date?
    /// The serial that replaced it after a repair or an exchange.
    public let replacedBy: String?
    /// The options the unit was built with (a replacement is made the same).
    public let options: [ChosenOption]

    public init(serial: String, orderId: String, accountId: String, skuId: String?, warrantyFrom: Date?, replacedBy: String?, options: [ChosenOption] = []) {
        self.options = options
        self.serial = serial
        self.orderId = orderId
        self.accountId = accountId
        self.skuId = skuId
        self.warrantyFrom = warrantyFrom
        self.replacedBy = replacedBy
    }
}

extension SerialRecord {
    /// The sold unit `serial` (any case) names, with its order, as `viewer` may see it: their own,
    /// or any to staff; `not_found` otherwise, so other people's serials are not confirmed.
    static func owned(_ serial: String, by viewer: Account, cases: any ServiceCaseRepository, orders: any OrderRepository) async throws -> (SerialRecord, Order) {
        let serial = serial.uppercased()
        guard OrderDesk.isParcelCode(serial), let record = try await cases.serialRecord(serial: serial),
              record.accountId == viewer.id || viewer.role.isStaff, let order = try await orders.order(id: record.orderId)
        else { throw DomainError.notFound(what: "serial") }
        return (record, order)
    }
}

/// The answer about one serial: the order it came in, from when its cover counts (`nil` until
/// its parcel is delivered) and, from then, each part's remedies today.
public struct Warranty: Hashable, Sendable {
    public let record: SerialRecord
    public let marketCode: String
    public let start: Date?
    public let covers: [WarrantyCover]

    public init(record: SerialRecord, marketCode: String, start: Date?, covers: [WarrantyCover]) {
        self.record = record
        self.marketCode = marketCode
        self.start = start
        self.covers = covers
    }

    /// When a unit's cover starts: a replacement's inherited date, else its parcel's delivery.
    public static func start(of record: SerialRecord, in order: Order) -> Date? {
        if let inherited = record.warrantyFrom { return inherited }
        return order.shipments.first(where: { $0.serials.contains(record.serial) })?.deliveredAt
    }
}
