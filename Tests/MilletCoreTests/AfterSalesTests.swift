import Foundation
import MilletCore
import Testing

/// The service case state machine over every event in every state, and each market's windows
/// on a fixed clock.
struct AfterSalesTests {
    /// The table as the after-sales flow reads, written out independently of the code.
    static let expected: [ServiceKind: [CaseStatus: [CaseEvent: CaseStatus]]] = {
        let common: [CaseStatus: [CaseEvent: CaseStatus]] = [
            .requested: [.approve: .approved, .refuse: .refused, .cancel: .cancelled],
            .approved: [.schedulePickup: .pickupScheduled, .dropOff: .droppedOff, .cancel: .cancelled],
            .pickupScheduled: [.schedulePickup: .pickupScheduled, .dropOff: .droppedOff, .dispatch: .inTransit, .cancel: .cancelled],
            .droppedOff: [.dispatch: .inTransit, .receive: .received, .cancel: .cancelled],
            .inTransit: [.receive: .received, .cancel: .cancelled],
            .received: [.inspect: .inspected],
            .refunded: [.close: .closed],
            .exchanged: [.shipBack: .shippedBack],
            .repaired: [.shipBack: .shippedBack],
            .shippedBack: [.close: .closed],
        ]
        var table: [ServiceKind: [CaseStatus: [CaseEvent: CaseStatus]]] = [:]
        for kind in ServiceKind.allCases { table[kind] = common }
        table[.return]![.inspected] = [.refund: .refunded]
        table[.exchange]![.inspected] = [.refund: .refunded, .exchange: .exchanged]
        table[.repair]![.inspected] = [.exchange: .exchanged, .repair: .repaired]
        return table
    }()

    @Test func everyEventInEveryStateMovesAsTheTableSays() throws {
        var checked = 0
        for kind in ServiceKind.allCases {
            for status in CaseStatus.allCases {
                for event in CaseEvent.allCases {
                    var lifecycle = ServiceCaseLifecycle(kind: kind, status: status)
                    checked += 1
                    if let next = Self.expected[kind]?[status]?[event] {
                        let effect = try lifecycle.apply(event)
                        #expect(lifecycle.status == next, "\(kind) \(status) \(event)")
                        #expect(effect.requestRefund == ((event == .receive && kind == .return) || event == .refund), "\(kind) \(status) \(event)")
                        #expect(effect.takeReplacement == (event == .exchange), "\(kind) \(status) \(event)")
                    } else {
                        #expect(throws: DomainError.self, "\(kind) \(status) \(event)") { try lifecycle.apply(event) }
                        #expect(lifecycle.status == status)
                    }
                }
                #expect(status.isTerminal == (Self.expected[kind]?[status] ?? [:]).isEmpty, "\(kind) \(status)")
            }
        }
        #expect(checked == ServiceKind.allCases.count * CaseStatus.allCases.count * CaseEvent.allCases.count)
    }

    /// Delivered at 15:00 UTC on 2027-03-01.
    let delivered = RFC3339.date("2027-03-01T15:00:00Z")!

    func day(_ n: Int, hour: Int = 12) -> Date {
        Calendar(identifier: .gregorian).date(byAdding: .day, value: n, to: RFC3339.date("2027-03-01T\(String(format: "%02d", hour)):00:00Z")!)!
    }

    func decide(_ market: String, at now: Date) -> WarrantyDecision {
        WarrantyDecision.decide(rules: DemoServiceRules.rules(marketCode: market), start: delivered, now: now)
    }

    @Test func chinaReturnsOnDaySixAndExchangesOnDayTwelve() throws {
        let six = decide("CN", at: day(6))
        #expect(six.cover(.return, part: .mainUnit, ground: .anyReason)?.ruleCode == "no-reason-return")
        #expect(six.cover(.return, part: .mainUnit, ground: .fault)?.ruleCode == "fault-return")
        let twelve = decide("CN", at: day(12))
        #expect(twelve.cover(.return, part: .mainUnit, ground: .anyReason) == nil)
        #expect(twelve.cover(.return, part: .mainUnit, ground: .fault) == nil)
        let exchange = try #require(twelve.cover(.exchange, part: .mainUnit, ground: .fault))
        #expect(exchange.ruleCode == "fault-exchange" && exchange.until == RFC3339.date("2027-03-17T00:00:00Z"))
        #expect(decide("CN", at: day(16)).cover(.exchange, part: .mainUnit, ground: .fault) == nil)
        let refusal = WarrantyDecision.refusal(.return, part: .mainUnit, ground: .fault, rules: DemoServiceRules.rules(marketCode: "CN"), start: delivered)
        guard case .conflict(let code, let message) = refusal else { Issue.record("not a conflict"); return }
        #expect(code == "out_of_window" && message.contains("fault-return") && message.contains("2027-03-08"))
    }

    @Test func spainWithdrawsOnDayThirteenButNotFifteen() {
        #expect(decide("ES", at: day(13)).cover(.return, part: .mainUnit, ground: .anyReason)?.ruleCode == "withdrawal")
        // The fourteenth day counts to its end.
        #expect(decide("ES", at: day(14, hour: 23)).cover(.return, part: .mainUnit, ground: .anyReason) != nil)
        #expect(decide("ES", at: day(15)).cover(.return, part: .mainUnit, ground: .anyReason) == nil)
        // The legal guarantee still repairs or replaces for three years.
        let later = decide("ES", at: RFC3339.date("2029-12-01T00:00:00Z")!)
        #expect(later.cover(.repairFree, part: .battery, ground: .fault)?.ruleCode == "legal-guarantee-repair")
        #expect(decide("ES", at: RFC3339.date("2030-03-02T00:00:00Z")!).cover(.repairFree, part: .mainUnit, ground: .fault) == nil)
    }

    @Test func aBatteryFaultInMonthSevenIsPaidInChinaWhileTheMainUnitIsFree() {
        let seven = decide("CN", at: RFC3339.date("2027-10-02T00:00:00Z")!)
        #expect(seven.cover(.repairFree, part: .battery, ground: .fault) == nil)
        #expect(seven.cover(.repairPaid, part: .battery, ground: .fault)?.ruleCode == WarrantyDecision.paidRepairRule)
        #expect(seven.cover(.repairFree, part: .mainUnit, ground: .fault)?.ruleCode == "main-unit-repair")
        #expect(seven.cover(.repairPaid, part: .mainUnit, ground: .fault) == nil)
        #expect(decide("CN", at: RFC3339.date("2027-08-15T00:00:00Z")!).cover(.repairFree, part: .battery, ground: .fault)?.ruleCode == "battery-repair")
    }

    @Test func britainRejectsAFaultForThirtyDaysThenRepairsOrReplaces() {
        let twenty = decide("GB", at: day(20))
        #expect(twenty.cover(.return, part: .mainUnit, ground: .anyReason) == nil)
        #expect(twenty.cover(.return, part: .mainUnit, ground: .fault)?.ruleCode == "short-term-reject")
        let forty = decide("GB", at: day(40))
        #expect(forty.cover(.return, part: .mainUnit, ground: .fault) == nil)
        #expect(forty.cover(.exchange, part: .mainUnit, ground: .fault)?.ruleCode == "repair-or-replace-exchange")
        // India has no return without a reason, only the brand's 7-day replacement.
        #expect(decide("IN", at: day(2)).cover(.return, part: .mainUnit, ground: .anyReason) == nil)
        #expect(decide("IN", at: day(7)).cover(.exchange, part: .mainUnit, ground: .fault)?.ruleCode == "defect-replacement")
    }

    @Test func rulesAreValidated() throws {
        #expect(throws: DomainError.self) {
            try ServiceRule(marketCode: "ES", code: "x", remedy: .return, ground: .anyReason, parts: [], period: .days(14), caseDays: 14, title: "t")
        }
        #expect(throws: DomainError.self) {
            try ServiceRule(marketCode: "ES", code: "repair", remedy: .repairFree, ground: .anyReason, parts: [], period: .days(14), caseDays: 14, title: "t")
        }
        #expect(throws: DomainError.self) { try ServicePeriod(text: "0d") }
        #expect(throws: DomainError.self) { try ServicePeriod(text: "12y") }
        #expect(try ServicePeriod(text: "12m") == .months(12))
    }
}
