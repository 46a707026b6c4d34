import Foundation

/// What one partner store reports for one SKU on one day: units sold, units on hand at the end of
/// the day, and units customers brought back.
public struct SellThroughDay: Hashable, Sendable {
    public let organisationId: String
    public let storeId: String
    public let skuId: String
    /// `2026-12-05`, the store's trading day.
    public let day: String
    public let sold: Int64
    public let onHand: Int64
    public let returned: Int64

    public init(organisationId: String, storeId: String, skuId: String, day: String, sold: Int64, onHand: Int64, returned: Int64) {
        self.organisationId = organisationId
        self.storeId = storeId
        self.skuId = skuId
        self.day = day
        self.sold = sold
        self.onHand = onHand
        self.returned = returned
    }

    /// Whether `day` is a calendar day written `2026-12-05`.
    public static func isDay(_ day: String) -> Bool {
        day.count == 10 && RFC3339.date(day + "T00:00:00Z") != nil
    }
}

/// A store's selling of one SKU over a period, from its daily reports: what sold, what is left,
/// how many weeks that lasts at the period's pace, and whether it is running out.
public struct SellThroughLine: Hashable, Sendable {
    /// Under this many weeks of cover a store is running out.
    public static let lowCoverWeeks = 2.0

    public let storeId: String
    public let skuId: String
    public let sold: Int64
    public let returned: Int64
    /// On hand at the latest report.
    public let onHand: Int64
    public let latestDay: String
    /// Units sold a week at the period's pace.
    public let weeklyRate: Double
    /// `nil` when nothing sold in the period (no pace to run out at).
    public let weeksOfCover: Double?
    /// Sold over sold and on hand, in percent.
    public let sellThroughPercent: Double

    public var lowCover: Bool { weeksOfCover.map { $0 < Self.lowCoverWeeks } ?? false }

    /// One line per store and SKU from the days reported in a period of `days` days.
    public static func summarise(_ reports: [SellThroughDay], days: Int) -> [SellThroughLine] {
        Dictionary(grouping: reports) { "\($0.storeId) \($0.skuId)" }.values.map { group in
            let latest = group.max { $0.day < $1.day }!
            let sold = group.reduce(0) { $0 + $1.sold }, returned = group.reduce(0) { $0 + $1.returned }
            let weekly = Double(sold) * 7 / Double(max(1, days))
            return SellThroughLine(
                storeId: latest.storeId, skuId: latest.skuId, sold: sold, returned: returned, onHand: latest.onHand, latestDay: latest.day,
                weeklyRate: weekly, weeksOfCover: weekly > 0 ? Double(latest.onHand) / weekly : nil,
                sellThroughPercent: sold + latest.onHand > 0 ? Double(sold) * 100 / Double(sold + latest.onHand) : 0)
        }.sorted { ($0.weeksOfCover ?? .infinity, $0.storeId, $0.skuId) < ($1.weeksOfCover ?? .infinity, $1.storeId, $1.skuId) }
    }
}

extension PartnerDesk {
    /// Records a store's daily figures, all or none, in one transaction: a day reported again
    /// replaces what it said. Each line's store must be the caller's (`not_found` otherwise),
    /// its SKU known, its day no later than today, its figures 0 or more.
    @discardableResult
    public func reportSellThrough(_ lines: [(storeId: String, skuId: String, day: String, sold: Int64, onHand: Int64, returned: Int64)],
                                  for caller: PartnerCaller) async throws -> [SellThroughDay] {
        guard (1...5_000).contains(lines.count) else { throw DomainError.invalid(field: "items", "1 to 5000 lines") }
        let today = MessageCourier.day(clock.now())
        var stores: Set<String> = [], skus: Set<String> = []
        var days: [SellThroughDay] = []
        for (index, line) in lines.enumerated() {
            var check = Validator()
            check.require(SellThroughDay.isDay(line.day) && line.day <= today, "items[\(index)].day", "a day such as \(today), not in the future")
            for (field, value) in [("sold", line.sold), ("onHand", line.onHand), ("returned", line.returned)] {
                check.require((0...1_000_000).contains(value), "items[\(index)].\(field)", "0 to 1000000")
            }
            try check.check()
            if !stores.contains(line.storeId) {
                _ = try await store(id: line.storeId, for: caller)
                stores.insert(line.storeId)
            }
            if !skus.contains(line.skuId) {
                guard Identifier.isWellFormed(line.skuId), try await catalog.sku(id: line.skuId) != nil else {
                    throw DomainError.invalid(field: "items[\(index)].skuId", "unknown SKU")
                }
                skus.insert(line.skuId)
            }
            days.append(SellThroughDay(organisationId: caller.organisationId, storeId: line.storeId, skuId: line.skuId, day: line.day,
                                       sold: line.sold, onHand: line.onHand, returned: line.returned))
        }
        // A day sent twice in one report counts once, as its last line says.
        var seen: [String: Int] = [:]
        for (index, day) in days.enumerated() { seen["\(day.storeId) \(day.skuId) \(day.day)"] = index }
        let reported = days.enumerated().filter { seen["\($0.element.storeId) \($0.element.skuId) \($0.element.day)"] == $0.offset }.map(\.element)
        try await store.transaction { tx in try await tx.report(reported) }
        return reported
    }

    /// Sell-through per store and SKU over the last `days` days, of one organisation or all,
    /// running out first, with the daily units sold for the chart.
    public func sellThrough(organisationId: String?, days: Int) async throws -> (lines: [SellThroughLine], daily: [(day: String, sold: Int64)]) {
        let since = MessageCourier.day(clock.now().addingTimeInterval(-Double(days - 1) * 86_400))
        let reports = try await partners.sellThroughDays(organisationId: organisationId, since: since)
        var daily: [String: Int64] = [:]
        for report in reports { daily[report.day, default: 0] += report.sold }
        return (SellThroughLine.summarise(reports, days: days), daily.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Lines of a CSV upload (`store_id,sku_id,day,sold,on_hand,returned`, a header first), or
    /// `invalid` naming the line that cannot be read.
    public static func sellThroughLines(csv: String) throws -> [(storeId: String, skuId: String, day: String, sold: Int64, onHand: Int64, returned: Int64)] {
        // Lines numbered as a spreadsheet shows them; the byte-order mark spreadsheets write first is not data.
        let text = csv.hasPrefix("\u{FEFF}") ? String(csv.dropFirst()) : csv
        var rows = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .enumerated().filter { !$0.element.isEmpty }
        guard let header = rows.first?.element, header.lowercased().replacingOccurrences(of: " ", with: "") == "store_id,sku_id,day,sold,on_hand,returned" else {
            throw DomainError.invalid(field: "csv", "the first line must be store_id,sku_id,day,sold,on_hand,returned")
        }
        rows.removeFirst()
        return try rows.map { index, row in
            let cells = row.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 6, let sold = Int64(cells[3]), let onHand = Int64(cells[4]), let returned = Int64(cells[5]) else {
                throw DomainError.invalid(field: "csv", "line \(index + 1) must be six comma-separated values, the last three whole numbers")
            }
            return (cells[0], cells[1], cells[2], sold, onHand, returned)
        }
    }
}
