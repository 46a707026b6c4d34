import Foundation
import MilletCore
import MilletTesting
import Testing
@testable import MilletStorage

/// After-sales on every backend, on the test clock: a withdrawal refunded through the sandbox
/// when the goods arrive, an exchange whose new serial keeps the old cover, the refund deadline.
extension StorageConformanceTests {
    func serviceDesk(_ store: SQLStore) -> ServiceDesk {
        ServiceDesk(store: store, cases: store, rules: store, orders: store, markets: store, parts: store, plans: store, clock: clock)
    }

    /// An order of `quantity` units in `marketCode`, paid, shipped with `serials` and delivered now.
    func deliveredOrder(_ store: SQLStore, market marketCode: String, quantity: Int, serials: [String], key: String) async throws -> (Account, SKU, Order) {
        let (fan, sku, _) = try await fixture(store)
        let market = try #require(try await store.market(code: marketCode))
        let order = try await place(store, fan: fan, sku: sku, quantity: quantity, market: market, key: key).order
        _ = try await pay(store, order)
        _ = try await store.desk(clock).ship(orderId: order.id, serials: serials, actor: "staff:x", note: "shipped")
        let delivered = try await store.desk(clock).apply(.deliver, orderId: order.id, serials: [], actor: "staff:x", note: "signed for")
        return (fan, sku, delivered)
    }

    func soldUnits(_ store: SQLStore, sku: SKU, market: String) async throws -> Int64 {
        let warehouse = try #require(try await store.warehouses(marketCode: market).first)
        return try #require(try await store.stock(skuId: sku.id).first { $0.warehouseId == warehouse.id }).sold
    }

    @Test(arguments: Backends.all) func aWithdrawalIsRefundedWhenTheGoodsArrive(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, order) = try await deliveredOrder(store, market: "ES", quantity: 2, serials: ["ES-0001", "ES-0002"], key: "withdraw-1")
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let desk = serviceDesk(store)
            clock.advance(by: 13 * 86_400)
            await #expect(throws: DomainError.self) {
                try await desk.openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: sku.id, quantity: 3)], ground: .anyReason, description: "")
            }
            let opened = try await desk.openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: sku.id, quantity: 1)], ground: .anyReason, description: "changed my mind")
            #expect(opened.status == .approved && opened.ruleCode == "withdrawal" && opened.history.map(\.actor).last == "system:rules")
            // One of two units: its price back, not the delivery.
            #expect(opened.refundAmount == order.lines[0].unitPrice && opened.refundAmount < order.totals.total / 2 + 1)
            await #expect(throws: DomainError.invalid(field: "lines", "only 1 of SKU \(sku.id) are left to return")) {
                try await desk.openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: sku.id, quantity: 2)], ground: .anyReason, description: "")
            }
            let soldBefore = try await soldUnits(store, sku: sku, market: "ES")
            _ = try await desk.apply(.init(event: .dropOff, note: ""), caseId: opened.id, staff: staff)
            await #expect(throws: DomainError.conflict(code: "goods_handed_over", message: "the goods are with the brand already; ask staff to cancel")) {
                try await desk.cancel(caseId: opened.id, viewer: fan)
            }
            let received = try await desk.apply(.init(event: .receive, note: "in Madrid"), caseId: opened.id, staff: staff)
            let refund = try #require(try await store.order(id: order.id)?.refunds.first)
            #expect(received.status == .received && received.refundId == refund.id && refund.amount == opened.refundAmount && refund.status == .requested)

            let sender = RefundSender(store: store, refunds: store, provider: sandbox(store), invoices: InvoiceIssuer(), clock: clock)
            #expect(try await sender.sendDue() == 1)
            #expect(try await store.order(id: order.id)?.refunds.map(\.status) == [.succeeded])

            await #expect(throws: DomainError.self) { try await desk.apply(.init(event: .inspect, note: ""), caseId: opened.id, staff: staff) }
            _ = try await desk.apply(.init(event: .inspect, note: "", grade: .resell), caseId: opened.id, staff: staff)
            #expect(try await soldUnits(store, sku: sku, market: "ES") == soldBefore - 1)
            _ = try await desk.apply(.init(event: .refund, note: ""), caseId: opened.id, staff: staff)
            let closed = try await desk.apply(.init(event: .close, note: ""), caseId: opened.id, staff: staff)
            #expect(closed.status == .closed && closed.grade == .resell)
            #expect(closed.history.map(\.to) == [.requested, .approved, .droppedOff, .received, .inspected, .refunded, .closed])
            #expect(try await store.order(id: order.id)?.refunds.count == 1)

            // Day 15: the other unit is out of the window, and the rule says so.
            clock.advance(by: 2 * 86_400)
            do {
                _ = try await desk.openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: sku.id, quantity: 1)], ground: .anyReason, description: "")
                Issue.record("a day-15 withdrawal was accepted")
            } catch DomainError.conflict(let code, let message) {
                #expect(code == "out_of_window" && message.contains("withdrawal"))
            }
            let other = try #require(try await store.account(email: "moderator@millet.test"))
            await #expect(throws: DomainError.notFound(what: "service case")) { try await desk.serviceCase(id: opened.id, viewer: other) }
            await #expect(throws: DomainError.notFound(what: "serial")) { try await desk.warranty(serial: "ES-0001", viewer: other) }
            #expect(try await store.serviceCases(accountId: fan.id).map(\.id) == [opened.id])
        }
    }

    @Test(arguments: Backends.all) func anExchangeGivesANewSerialThatKeepsTheOldCover(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, order) = try await deliveredOrder(store, market: "CN", quantity: 1, serials: ["CN-0001"], key: "exchange-1")
            let deliveredAt = try #require(order.deliveredAt)
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let desk = serviceDesk(store)
            clock.advance(by: 12 * 86_400)
            await #expect(throws: DomainError.self) {
                try await desk.openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: sku.id, quantity: 1)], ground: .fault, description: "screen flickers")
            }
            let warranty = try await desk.warranty(serial: "cn-0001", viewer: fan)
            #expect(warranty.start == deliveredAt && warranty.covers.contains { $0.remedy == .exchange && $0.ruleCode == "fault-exchange" })
            let opened = try await desk.openService(serial: "CN-0001", kind: .exchange, part: .mainUnit, viewer: fan, description: "screen flickers")
            #expect(opened.status == .requested && opened.lines == [CaseLine(skuId: sku.id, quantity: 1)])
            await #expect(throws: DomainError.conflict(code: "case_open", message: "unit CN-0001 already has an open service case")) {
                try await desk.openService(serial: "CN-0001", kind: .repair, part: .mainUnit, viewer: fan, description: "screen flickers")
            }
            for step in [ServiceDesk.CaseStep(event: .approve, note: ""), .init(event: .schedulePickup, note: "", pickupOn: ServiceCentre.pickupDays(from: clock.now())[0], centreId: "shenzhen-futian"),
                         .init(event: .dispatch, note: ""), .init(event: .receive, note: ""), .init(event: .inspect, note: "", grade: .refurbish)] {
                _ = try await desk.apply(step, caseId: opened.id, staff: staff)
            }
            let soldBefore = try await soldUnits(store, sku: sku, market: "CN")
            _ = try await desk.apply(.init(event: .exchange, note: ""), caseId: opened.id, staff: staff)
            #expect(try await soldUnits(store, sku: sku, market: "CN") == soldBefore + 1)
            await #expect(throws: DomainError.self) { try await desk.apply(.init(event: .shipBack, note: ""), caseId: opened.id, staff: staff) }
            let shipped = try await desk.apply(.init(event: .shipBack, note: "", serial: "cn-0002"), caseId: opened.id, staff: staff)
            let refunds = try await store.order(id: order.id)?.refunds
            #expect(shipped.replacementSerial == "CN-0002" && shipped.refundId == nil && refunds?.isEmpty == true)

            // The new unit's cover counts from the first delivery; the old serial points to it.
            #expect(try await desk.warranty(serial: "CN-0002", viewer: fan).start == deliveredAt)
            #expect(try await desk.warranties(of: fan).map(\.record.serial) == ["CN-0002"])
            await #expect(throws: DomainError.conflict(code: "serial_replaced", message: "unit CN-0001 was replaced by CN-0002; ask for that one")) {
                try await desk.openService(serial: "CN-0001", kind: .repair, part: .mainUnit, viewer: fan, description: "still broken")
            }
            // Month 7: the battery is out of its free repair (a paid one, quoted from the price list),
            // the main unit is not.
            clock.advance(by: 200 * 86_400)
            let paid = try await desk.openService(serial: "CN-0002", kind: .repair, part: .battery, viewer: fan, description: "drains in an hour")
            #expect(paid.remedy == .repairPaid && paid.ruleCode == WarrantyDecision.paidRepairRule)
            for step in [ServiceDesk.CaseStep(event: .approve, note: ""), .init(event: .dropOff, note: "", centreId: "shenzhen-futian"),
                         .init(event: .receive, note: ""), .init(event: .inspect, note: "", grade: .refurbish)] {
                _ = try await desk.apply(step, caseId: paid.id, staff: staff)
            }
            await #expect(throws: DomainError.conflict(code: "quote_unpaid", message: "a paid repair waits for the fan to pay its quote")) {
                try await desk.apply(.init(event: .repair, note: "", parts: ["battery"]), caseId: paid.id, staff: staff)
            }
            await #expect(throws: DomainError.self) { try await desk.quote(caseId: paid.id, parts: ["flux-capacitor"], staff: staff) }
            _ = try await desk.quote(caseId: paid.id, parts: ["battery"], staff: staff)
            let quoted = try await desk.quote(caseId: paid.id, parts: ["battery", "labour"], staff: staff)
            let quoteId = try #require(quoted.quoteOrderId)
            let quote = try #require(try await store.order(id: quoteId))
            #expect(quote.status == .pendingPayment && quote.lines.map(\.skuCode) == ["battery", "labour"] && quote.lines.allSatisfy(\.isService))
            #expect(quote.totals.total == 12_900 + 5_000 && quote.accountId == fan.id)
            let replaced = try #require(try await store.orders(accountId: fan.id, offset: 0, limit: 10).first { $0.id != quote.id && $0.lines.allSatisfy(\.isService) })
            #expect(replaced.status == .cancelled)
            // The fan lets the quote lapse; staff quote again.
            _ = try await store.desk(clock).cancel(orderId: quote.id, actor: "account:\(fan.id)", note: "not now")
            let requoted = try await desk.quote(caseId: paid.id, parts: ["battery", "labour"], staff: staff)
            #expect(requoted.quoteOrderId != quote.id)
            let currentId = try #require(requoted.quoteOrderId)
            let current = try #require(try await store.order(id: currentId))
            let soldBeforePaying = try await soldUnits(store, sku: sku, market: "CN")
            _ = try await pay(store, current)
            #expect(try await soldUnits(store, sku: sku, market: "CN") == soldBeforePaying)
            await #expect(throws: DomainError.conflict(code: "quote_paid", message: "the fan paid the quote already")) {
                try await desk.quote(caseId: paid.id, parts: ["battery"], staff: staff)
            }
            await #expect(throws: DomainError.conflict(code: "nothing_to_ship", message: "every unit of the order has shipped")) {
                try await store.desk(clock).ship(orderId: current.id, serials: [], actor: "staff:x", note: "")
            }
            // Paid, it is undone through the case only: the repair it paid for may be done already.
            await #expect(throws: DomainError.self) {
                try await store.desk(clock).cancel(orderId: current.id, actor: "account:\(fan.id)", note: "changed my mind")
            }
            try await store.setSparePartStock(centreId: "shenzhen-futian", code: "battery", quantity: 1)
            let repaired = try await desk.apply(.init(event: .repair, note: "new battery", parts: ["battery", "labour"]), caseId: paid.id, staff: staff)
            #expect(repaired.status == .repaired && repaired.partsUsed == ["battery", "labour"])
            #expect(try await store.sparePartStock(centreId: "shenzhen-futian")["battery"] == 0)
            _ = try await desk.apply(.init(event: .shipBack, note: ""), caseId: paid.id, staff: staff)
            _ = try await desk.apply(.init(event: .close, note: ""), caseId: paid.id, staff: staff)
            let repair = try await desk.openService(serial: "CN-0002", kind: .repair, part: .mainUnit, viewer: fan, description: "does not charge")
            #expect(repair.remedy == .repairFree && repair.ruleCode == "main-unit-repair")
            await #expect(throws: DomainError.conflict(code: "case_open", message: "unit CN-0002 already has an open service case")) {
                try await desk.openService(serial: "CN-0002", kind: .repair, part: .mainUnit, viewer: fan, description: "dropped it", ground: .accident)
            }
            for step in [ServiceDesk.CaseStep(event: .approve, note: ""), .init(event: .dropOff, note: "", centreId: "shenzhen-futian"),
                         .init(event: .receive, note: ""), .init(event: .inspect, note: "", grade: .refurbish)] {
                _ = try await desk.apply(step, caseId: repair.id, staff: staff)
            }
            await #expect(throws: DomainError.conflict(code: "part_out_of_stock", message: "no battery is left at centre shenzhen-futian")) {
                try await desk.apply(.init(event: .repair, note: "", parts: ["battery"]), caseId: repair.id, staff: staff)
            }
            #expect(try await desk.apply(.init(event: .repair, note: "", parts: ["screen"]), caseId: repair.id, staff: staff).status == .repaired)
        }
    }

    @Test(arguments: Backends.all) func aReturnIsRefundedOnItsDeadlineIfTheGoodsAreSlow(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, order) = try await deliveredOrder(store, market: "ES", quantity: 1, serials: [], key: "deadline-1")
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let desk = serviceDesk(store)
            let kept = try await desk.openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: sku.id, quantity: 1)], ground: .anyReason, description: "")
            #expect(try await desk.cancel(caseId: kept.id, viewer: fan).status == .cancelled)
            let opened = try await desk.openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: sku.id, quantity: 1)], ground: .anyReason, description: "")
            // The whole order comes back: its delivery too.
            #expect(opened.refundAmount == order.totals.total)
            let day = ServiceCentre.pickupDays(from: clock.now())[0]
            await #expect(throws: DomainError.self) {
                try await desk.apply(.init(event: .schedulePickup, note: "", pickupOn: clock.now().utcDay, centreId: "madrid-centro"), caseId: opened.id, staff: staff)
            }
            await #expect(throws: DomainError.self) {
                try await desk.apply(.init(event: .schedulePickup, note: "", pickupOn: day, centreId: "shenzhen-futian"), caseId: opened.id, staff: staff)
            }
            _ = try await desk.apply(.init(event: .schedulePickup, note: "", pickupOn: day, centreId: "madrid-centro"), caseId: opened.id, staff: staff)
            #expect(try await store.pickups(day: day, centreId: "madrid-centro").map(\.id) == [opened.id])
            #expect(try await desk.refundOverdue().isEmpty)
            _ = try await desk.apply(.init(event: .dispatch, note: ""), caseId: opened.id, staff: staff)
            clock.advance(by: 14 * 86_400 + 1)
            #expect(try await desk.refundOverdue() == [opened.id])
            #expect(try await desk.refundOverdue().isEmpty)
            let late = try #require(try await store.serviceCase(id: opened.id))
            #expect(late.refundId != nil && late.history.last?.event == "deadline_refund" && late.needsAttention(now: clock.now()))
            await #expect(throws: DomainError.conflict(code: "refunded", message: "the case was refunded; its goods are due back")) {
                try await desk.apply(.init(event: .cancel, note: ""), caseId: opened.id, staff: staff)
            }
            _ = try await desk.apply(.init(event: .receive, note: ""), caseId: opened.id, staff: staff)
            let refunds = try #require(try await store.order(id: order.id)?.refunds)
            #expect(refunds.count == 1 && refunds[0].amount == order.totals.total)
            // Nothing is left to return on that order, whatever kind of case asks.
            await #expect(throws: DomainError.self) {
                try await desk.openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: sku.id, quantity: 1)], ground: .anyReason, description: "")
            }
            #expect(try await store.serviceCases(status: .received, marketCode: "ES", limit: 10).map(\.id) == [opened.id])
            #expect(try await store.serviceCases(status: nil, marketCode: "CN", limit: 10).isEmpty)
        }
    }

    @Test(arguments: Backends.all) func theDeadlineRefundsOnceEvenWhenNothingIsLeftAndAFanCannotCancelGoodsInTransit(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, order) = try await deliveredOrder(store, market: "ES", quantity: 1, serials: [], key: "nothing-left-1")
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let desk = serviceDesk(store)
            let opened = try await desk.openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: sku.id, quantity: 1)], ground: .anyReason, description: "")
            _ = try await desk.apply(.init(event: .dropOff, note: ""), caseId: opened.id, staff: staff)
            _ = try await desk.apply(.init(event: .dispatch, note: ""), caseId: opened.id, staff: staff)
            await #expect(throws: DomainError.conflict(code: "goods_handed_over", message: "the goods are with the brand already; ask staff to cancel")) {
                try await desk.cancel(caseId: opened.id, viewer: fan)
            }
            // Staff gave everything back by hand before the deadline.
            _ = try await store.desk(clock).refund(orderId: order.id, amount: order.totals.total, reason: "goodwill", actor: "staff:x")
            clock.advance(by: 15 * 86_400)
            #expect(try await desk.refundOverdue() == [opened.id])
            #expect(try await desk.refundOverdue().isEmpty)
            let late = try #require(try await store.serviceCase(id: opened.id))
            #expect(late.refundId == nil && late.history.last?.note.contains("nothing was left to refund") == true)
            #expect(try await store.order(id: order.id)?.refunds.count == 1)
            let received = try await desk.apply(.init(event: .receive, note: ""), caseId: opened.id, staff: staff)
            #expect(received.history.last?.note == "nothing was left to refund")
        }
    }
}

extension StorageConformanceTests {
    /// Migrations 22 and 23 give the markets a store already has their seeded service rules and
    /// centres, read back exactly as ``DemoServiceRules`` and ``DemoServiceCentres`` write them, and leaves markets it has no defaults for alone.
    @Test(arguments: Backends.all) func existingMarketsGetTheirServiceRules(backend: SQLStore.Backend) async throws {
        let store = try await Backends.freshStore(backend, through: 21)
        do {
            for market in DemoMarkets.all where ["ES", "CN"].contains(market.code) { try await store.save(market) }
            #expect(try await store.migrate(through: 23) == ["22_after_sales", "23_service_centres"])
            // Read with today's columns: the seeded rows come through the later migrations as they were.
            try await store.migrate()
            #expect(try await store.serviceCentres(marketCode: "ES", includeInactive: true) == DemoServiceCentres.centres(marketCode: "ES"))
            #expect(try await store.serviceCentres(marketCode: "GB", includeInactive: true).isEmpty)
            for code in ["ES", "CN"] {
                #expect(try await store.serviceRules(marketCode: code, includeInactive: true) == DemoServiceRules.rules(marketCode: code).sorted { $0.code < $1.code })
            }
            #expect(try await store.serviceRules(marketCode: "GB", includeInactive: true).isEmpty)
            let edited = try ServiceRule(marketCode: "ES", code: "withdrawal", remedy: .return, ground: .anyReason, parts: [], period: .days(30), caseDays: 14, title: "30 days, the brand's own offer", active: true)
            try await store.save(edited)
            #expect(try await store.serviceRules(marketCode: "ES", includeInactive: false).contains(edited))
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}


extension StorageConformanceTests {
    /// A centre's couriers collect at most its daily number; a cancelled pickup frees its place,
    /// and the fan is offered only days with a place left.
    @Test(arguments: Backends.all) func aCentreBooksNoMorePickupsThanItsCouriersCanMake(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            try await store.save(try ServiceCentre(id: "madrid-centro", marketCode: "ES", name: "Madrid", address: "Preciados 9", hours: "10–21", pickupsPerDay: 1))
            let (fan, sku, first) = try await deliveredOrder(store, market: "ES", quantity: 1, serials: [], key: "pickup-1")
            let second = try await place(store, fan: fan, sku: sku, quantity: 1, market: try #require(try await store.market(code: "ES")), key: "pickup-2").order
            _ = try await pay(store, second)
            _ = try await store.desk(clock).ship(orderId: second.id, serials: [], actor: "staff:x", note: "")
            _ = try await store.desk(clock).apply(.deliver, orderId: second.id, serials: [], actor: "staff:x", note: "")
            let desk = serviceDesk(store)
            let line = [CaseLine(skuId: sku.id, quantity: 1)]
            let a = try await desk.openReturn(orderId: first.id, viewer: fan, lines: line, ground: .anyReason, description: "")
            let b = try await desk.openReturn(orderId: second.id, viewer: fan, lines: line, ground: .anyReason, description: "")
            let days = ServiceCentre.pickupDays(from: clock.now())
            #expect(try await desk.pickupSlots(caseId: a.id, viewer: fan, centres: store).map(\.day) == days)
            let booked = try await desk.bookPickup(caseId: a.id, viewer: fan, centreId: "madrid-centro", day: days[0])
            #expect(booked.status == .pickupScheduled && booked.centreId == "madrid-centro" && booked.pickupOn == days[0])
            #expect(try await desk.pickupSlots(caseId: b.id, viewer: fan, centres: store).map(\.day) == Array(days.dropFirst()))
            // A booked case may move its pickup to a day with a place left.
            #expect(try await desk.pickupSlots(caseId: a.id, viewer: fan, centres: store).map(\.day) == Array(days.dropFirst()))
            await #expect(throws: DomainError.conflict(code: "pickup_full", message: "Madrid has no collection left on \(days[0])")) {
                try await desk.bookPickup(caseId: b.id, viewer: fan, centreId: "madrid-centro", day: days[0])
            }
            #expect(try await store.serviceCase(id: b.id)?.status == .approved)
            // Another day gives the first one's place back; handing the unit in gives the new one's.
            #expect(try await desk.bookPickup(caseId: a.id, viewer: fan, centreId: "madrid-centro", day: days[1]).pickupOn == days[1])
            #expect(try await store.pickupsBooked(centreId: "madrid-centro", days: [days[0], days[1]]) == [days[0]: 0, days[1]: 1])
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            _ = try await desk.apply(.init(event: .dropOff, note: "", centreId: "madrid-centro"), caseId: a.id, staff: staff)
            #expect(try await store.pickupsBooked(centreId: "madrid-centro", days: [days[1]]) == [days[1]: 0])
            #expect(try await desk.bookPickup(caseId: b.id, viewer: fan, centreId: "madrid-centro", day: days[0]).status == .pickupScheduled)
            _ = try await desk.cancel(caseId: b.id, viewer: fan)
            #expect(try await store.pickupsBooked(centreId: "madrid-centro", days: [days[0]]) == [days[0]: 0])
        }
    }
}

extension StorageConformanceTests {
    /// Migration 25 keeps every order line as it was while order lines stop referencing SKUs and
    /// warehouses, so a quote's service lines can be stored beside goods; migration 28 numbers
    /// the orders already placed.
    @Test(arguments: Backends.all) func orderLinesSurviveTheMoveToServiceLines(backend: SQLStore.Backend) async throws {
        let store = try await Backends.freshStore(backend, through: 24)
        do {
            let market = try #require(DemoMarkets.all.first { $0.code == "IN" })
            try await store.save(market)
            let fan = Account(id: Identifier.make(), email: "v25@fans.test", displayName: "V", role: .customer, passwordHash: "x", createdAt: clock.now())
            try await store.create(fan)
            try await store.read { db in
                try await db.raw("INSERT INTO products (id, slug, published, image_path) VALUES ('p1', 'p1', 1, '')").run()
                try await db.raw("INSERT INTO skus (id, product_id, code, colour, storage, position) VALUES ('s1', 'p1', 'S-1', 'black', '64GB', 0)").run()
                try await db.raw("INSERT INTO warehouses (id, market_code, name, local_factory) VALUES ('w1', 'IN', 'W', 0)").run()
                try await db.raw("INSERT INTO stock (sku_id, warehouse_id, received, held, sold) VALUES ('s1', 'w1', 5, 0, 0)").run()
            }
            // An order of that time, written as that schema had it.
            let placed = clock.now()
            try await store.read { db in
                for (id, at) in [("o-early", placed), ("o-late", placed.addingTimeInterval(1)), ("o-next-day", placed.addingTimeInterval(86_400))] {
                    try await db.raw("""
                        INSERT INTO orders (id, account_id, market_code, currency, status, subtotal, shipping, tax, total, prices_include_tax,
                            ship_name, ship_line1, ship_city, ship_postcode, ship_phone, payment_deadline, idempotency_key, created_at)
                        VALUES (\(bind: id), \(bind: fan.id), 'IN', 'INR', 'pending_payment', 2000, 0, 0, 2000, 1,
                            'A', 'L', 'C', '110001', '+919800000000', 0, \(bind: id), \(bind: at.millis))
                        """).run()
                    try await db.raw("""
                        INSERT INTO order_lines (order_id, line_no, sku_id, sku_code, product_name, warehouse_id, quantity, unit_price, line_total)
                        VALUES (\(bind: id), 1, 's1', 'S-1', 'Phone', 'w1', 2, 1000, 2000)
                        """).run()
                }
            }
            #expect(try await store.migrate(through: 25) == ["25_repair_quotes"])
            #expect(try await store.read { db in try await db.raw("SELECT sku_id, warehouse_id, quantity FROM order_lines WHERE order_id = 'o-late'").first() }
                .map { [try $0.string("sku_id"), try $0.string("warehouse_id"), String(try $0.int("quantity"))] } == ["s1", "w1", "2"])
            // Migration 28 numbers the orders already placed, per day in the order they came.
            _ = try await store.migrate()
            let day = Order.numberDay(placed), nextDay = Order.numberDay(placed.addingTimeInterval(86_400))
            #expect(try await store.order(id: "o-early")?.number == "IN-\(day)-0001")
            #expect(try await store.order(id: "o-late")?.lines.first?.warehouseId == "w1")
            #expect(try await store.order(id: "o-late")?.number == "IN-\(day)-0002")
            #expect(try await store.order(id: "o-next-day")?.number == "IN-\(nextDay)-0001")
            // The markets present get the demo price list.
            #expect(try await store.spareParts(marketCode: "IN", includeInactive: false).map(\.code) == ["battery", "charger", "labour", "screen"])
            let labour = try #require(try await store.spareParts(marketCode: "IN", includeInactive: false).first { $0.code == "labour" })
            let draft = OrderDraft(
                id: Identifier.make(), accountId: fan.id, market: market, lines: [(labour.skuId, labour.code, labour.name, 1, labour.price)],
                totals: try OrderTotals.compute(lines: [(labour.price, 1)], market: market, shipping: 0), shippingAddress: address,
                idempotencyKey: "v25-2", now: clock.now())
            let quote = try await store.place(draft, clearingCart: nil).order
            #expect(quote.lines.map(\.warehouseId) == [""] && quote.lines[0].isService)
            // And the next order of the day follows them.
            #expect(quote.number == "IN-\(day)-0003")
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

extension StorageConformanceTests {
    func planDesk(_ store: SQLStore) -> PlanDesk {
        PlanDesk(store: store, cases: store, orders: store, markets: store, rules: store, plans: store, clock: clock)
    }

    /// India sells an extended warranty and a screen plan for 270 days after delivery: a paid
    /// screen plan repairs a drop free, decided within two working hours; the extended plan starts
    /// when the brand's year ends; a cancelled plan refunds the days it did not cover.
    @Test(arguments: Backends.all) func servicePlansAddCoverAndRefundWhatIsLeftWhenCancelled(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, _, order) = try await deliveredOrder(store, market: "IN", quantity: 1, serials: ["IN-PLAN-1"], key: "plan-1")
            let deliveredAt = try #require(order.deliveredAt)
            let desk = planDesk(store), service = serviceDesk(store)
            #expect(try await desk.plans(serial: "IN-PLAN-1", viewer: fan).offered.map(\.code) == ["extended-12m", "screen-12m"])
            // Without a plan a drop is a paid repair, even while the brand's year runs.
            let unplanned = try await service.openService(serial: "IN-PLAN-1", kind: .repair, part: .mainUnit, viewer: fan, description: "dropped it", ground: .accident)
            #expect(unplanned.remedy == .repairPaid && unplanned.ground == .accident)
            _ = try await service.cancel(caseId: unplanned.id, viewer: fan)
            let screen = try await desk.buy(serial: "IN-PLAN-1", planCode: "screen-12m", viewer: fan)
            #expect(screen.status == .pending)
            await #expect(throws: DomainError.conflict(code: "plan_held", message: "unit IN-PLAN-1 has a screen plan already")) {
                try await desk.buy(serial: "IN-PLAN-1", planCode: "screen-12m", viewer: fan)
            }
            // Unpaid, it covers nothing yet: a drop is a paid repair.
            #expect(try await service.warranty(serial: "IN-PLAN-1", viewer: fan).covers.allSatisfy { $0.ground != .accident })
            let screenOrder = try #require(try await store.order(id: screen.orderId))
            #expect(screenOrder.lines.allSatisfy(\.isService) && screenOrder.totals.total > 0)
            _ = try await pay(store, screenOrder)
            #expect(try await store.planCover(id: screen.id)?.status == .active)

            // Friday 23:00 UTC: two working hours run to Monday 01:00.
            clock.advance(by: 15 * 3600)
            let claim = try await service.openService(serial: "IN-PLAN-1", kind: .repair, part: .mainUnit, viewer: fan, description: "dropped it, screen cracked", ground: .accident)
            #expect(claim.remedy == .repairFree && claim.ruleCode == "plan-screen-12m" && claim.ground == .accident)
            #expect(claim.deadline == RFC3339.date("2027-01-18T01:00:00Z"))

            let extended = try await desk.buy(serial: "IN-PLAN-1", planCode: "extended-12m", viewer: fan)
            #expect(extended.startsAt == ServicePeriod.months(12).end(from: deliveredAt) && extended.endsAt > extended.startsAt)
            _ = try await pay(store, try #require(try await store.order(id: extended.orderId)))

            // Month 6: half the screen plan is left and comes back.
            clock.advance(by: 182 * 86_400)
            await #expect(throws: DomainError.conflict(
                code: "service_order", message: "a paid repair quote or service plan is cancelled through its service case or plan")) {
                try await store.desk(clock).cancel(orderId: screen.orderId, actor: "account:\(fan.id)", note: "full refund please")
            }
            let cancelled = try await desk.cancel(planId: screen.id, viewer: fan)
            #expect(cancelled.status == .cancelled)
            let refund = try #require(try await store.order(id: screen.orderId)?.refunds.first)
            #expect(refund.amount == screen.refundOnCancel(paid: screenOrder.totals.total, now: clock.now()))
            #expect(refund.amount > screenOrder.totals.total * 45 / 100 && refund.amount < screenOrder.totals.total * 55 / 100)
            await #expect(throws: DomainError.self) { try await desk.cancel(planId: screen.id, viewer: fan) }

            // Month 13: the brand's year is over; the extended plan repairs the main unit free.
            clock.advance(by: 200 * 86_400)
            let covers = try await service.warranty(serial: "IN-PLAN-1", viewer: fan).covers
            #expect(covers.contains { $0.part == .mainUnit && $0.remedy == .repairFree && $0.ruleCode == "plan-extended-12m" })
            #expect(!covers.contains { $0.part == .mainUnit && $0.remedy == .repairPaid })
            do {
                _ = try await desk.buy(serial: "IN-PLAN-1", planCode: "screen-12m", viewer: fan)
                Issue.record("a plan was sold after its window")
            } catch DomainError.conflict(let code, _) {
                #expect(code == "plan_window_closed")
            }
            let other = try #require(try await store.account(email: "moderator@millet.test"))
            await #expect(throws: DomainError.notFound(what: "plan")) { try await desk.cancel(planId: extended.id, viewer: other) }
        }
    }
}

extension StorageConformanceTests {
    /// A paid repair that cannot be made ends in an exchange: the quote the fan paid comes back.
    @Test(arguments: Backends.all) func aPaidRepairThatEndsInAnExchangeRefundsItsQuote(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, _, _) = try await deliveredOrder(store, market: "CN", quantity: 1, serials: ["CN-0900"], key: "requote-1")
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let desk = serviceDesk(store)
            clock.advance(by: 200 * 86_400)
            let paid = try await desk.openService(serial: "CN-0900", kind: .repair, part: .battery, viewer: fan, description: "swollen battery")
            for step in [ServiceDesk.CaseStep(event: .approve, note: ""), .init(event: .dropOff, note: "", centreId: "shenzhen-futian"),
                         .init(event: .receive, note: ""), .init(event: .inspect, note: "", grade: .scrap)] {
                _ = try await desk.apply(step, caseId: paid.id, staff: staff)
            }
            let quoted = try await desk.quote(caseId: paid.id, parts: ["battery"], staff: staff)
            let quoteId = try #require(quoted.quoteOrderId)
            let quote = try #require(try await store.order(id: quoteId))
            _ = try await pay(store, quote)
            _ = try await desk.apply(.init(event: .exchange, note: "board damaged too"), caseId: paid.id, staff: staff)
            let refunds = try #require(try await store.order(id: quote.id)?.refunds)
            #expect(refunds.map(\.amount) == [quote.totals.total])
        }
    }
}
