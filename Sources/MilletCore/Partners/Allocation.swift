import Foundation

/// Units of a SKU the brand moved from one of its warehouses to a partner's store for one week
/// (`2026-W49`): what the store may sell, and what it sold or sent back.
public struct Allocation: Hashable, Sendable {
    public let id: String
    public let organisationId: String
    public let storeId: String
    public let skuId: String
    public let week: String
    public let warehouseId: String
    public var units: Int64
    public var sold: Int64
    public var returned: Int64

    public init(id: String, organisationId: String, storeId: String, skuId: String, week: String, warehouseId: String, units: Int64, sold: Int64,
                returned: Int64) {
        self.id = id
        self.organisationId = organisationId
        self.storeId = storeId
        self.skuId = skuId
        self.week = week
        self.warehouseId = warehouseId
        self.units = units
        self.sold = sold
        self.returned = returned
    }

    /// Units at the store not sold or sent back.
    public var remaining: Int64 { units - sold - returned }

    /// Whether `week` is an ISO week such as `2026-W49` that its year has.
    public static func isWeek(_ week: String) -> Bool {
        let parts = week.components(separatedBy: "-W")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, (parts[0] + parts[1]).allSatisfy({ $0.isASCII && $0.isNumber }),
              let year = Int(parts[0]), let number = Int(parts[1]), (2000...2100).contains(year), number >= 1 else { return false }
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let monday = calendar.date(from: DateComponents(weekday: 2, weekOfYear: number, yearForWeekOfYear: year)) else { return false }
        return Self.week(of: monday) == week
    }

    /// The ISO week `date` falls in, `2026-W49`.
    public static func week(of date: Date) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
    }
}

/// One move of units in the allocation ledger.
public struct AllocationMove: Hashable, Sendable {
    public enum Kind: String, Sendable, Codable {
        /// From the warehouse to the store.
        case allocated
        /// From the store back to the warehouse.
        case returned
        /// Sold at the store.
        case sold
        /// Brought back to the store by its buyer, to be sold again.
        case saleReturned = "sale_returned"
    }

    public let allocationId: String
    public let kind: Kind
    public let units: Int64
    public let actor: String
    public let at: Date

    public init(allocationId: String, kind: Kind, units: Int64, actor: String, at: Date) {
        self.allocationId = allocationId
        self.kind = kind
        self.units = units
        self.actor = actor
        self.at = at
    }
}
