import Foundation

/// After-sales: what a serial's warranty gives today, returns of delivered orders, exchanges and
/// repairs of a unit, and every step of a case from the fan, staff and the clock. The remedy is
/// decided from the buyer's market's rules (``ServiceRule``) and each case names the rule. Each
/// use case is one transaction with the order locked first: a return's refund goes into the
/// payments outbox with the step that caused it, the webhook and the fan's notice too.
public struct ServiceDesk: Sendable {
    let store: any UnitOfWork
    let cases: any ServiceCaseRepository
    let rules: any ServiceRuleRepository
    let orders: any OrderRepository
    let markets: any MarketRepository
    let parts: any SparePartRepository
    let plans: any ServicePlanRepository
    let clock: any MilletClock

    public init(
        store: any UnitOfWork, cases: any ServiceCaseRepository, rules: any ServiceRuleRepository, orders: any OrderRepository,
        markets: any MarketRepository, parts: any SparePartRepository, plans: any ServicePlanRepository, clock: any MilletClock
    ) {
        self.store = store
        self.parts = parts
        self.plans = plans
        self.cases = cases
        self.rules = rules
        self.orders = orders
        self.markets = markets
        self.clock = clock
    }

    /// What the unit's warranty gives today, to its owner or staff; anyone else gets `not_found`.
    public func warranty(serial: String, viewer: Account) async throws -> Warranty {
        let (record, order) = try await SerialRecord.owned(serial, by: viewer, cases: cases, orders: orders)
        let start = Warranty.start(of: record, in: order)
        var covers: [WarrantyCover] = []
        if let start { covers = try await decide(record.serial, market: order.marketCode, start: start).covers }
        return Warranty(record: record, marketCode: order.marketCode, start: start, covers: covers)
    }

    /// The warranty of every unit `viewer` owns now, newest first: My devices.
    public func warranties(of viewer: Account) async throws -> [Warranty] {
        var answers: [Warranty] = []
        for record in try await cases.serialRecords(accountId: viewer.id) {
            answers.append(try await warranty(serial: record.serial, viewer: viewer))
        }
        return answers
    }

    /// A fan returns units of a delivered order, for a change of mind or a fault. The market's
    /// rules decide: outside every return window it is `conflict(out_of_window)` naming the rule;
    /// a withdrawal inside its window is approved at once, a fault waits for staff.
    public func openReturn(orderId: String, viewer: Account, lines: [CaseLine], ground: ServiceGround, description: String) async throws -> ServiceCase {
        let description = try Self.validate(description: description, ground: ground)
        var check = Validator()
        check.require(!lines.isEmpty && lines.allSatisfy { (1...99).contains($0.quantity) }, "lines", "must name at least one unit, each quantity 1 to 99")
        check.require(Set(lines.map(\.skuId)).count == lines.count, "lines", "must not repeat a SKU")
        try check.check()
        let order = try await ownOrder(orderId, viewer: viewer)
        guard !order.isStoreSale else {
            throw DomainError.conflict(code: "return_to_store", message: "bought at \(order.shipping?.methodName ?? "a partner's store"): a return goes back to that store")
        }
        let start = try Self.deliveredAt(order)
        let marketRules = try await marketRules(order.marketCode)
        guard let market = try await markets.market(code: order.marketCode) else { throw DomainError.notFound(what: "market") }
        let now = clock.now()
        guard let cover = WarrantyDecision.decide(rules: marketRules, start: start, now: now).cover(.return, part: .mainUnit, ground: ground) else {
            throw WarrantyDecision.refusal(.return, part: .mainUnit, ground: ground, rules: marketRules, start: start)
        }
        let actor = Self.actor(viewer)
        return try await store.transaction { tx in
            guard let order = try await tx.order(id: order.id) else { throw DomainError.notFound(what: "order") }
            var left = order.lines.reduce(into: [String: Int]()) { $0[$1.skuId, default: 0] += $1.quantity }
            // Units in any case still open, or refunded, are not returned twice.
            for open in try await tx.serviceCases(orderId: order.id) where open.status != .refused && !(open.status == .cancelled && open.refundId == nil) {
                for line in open.lines { left[line.skuId, default: 0] -= line.quantity }
            }
            for line in lines {
                guard let most = left[line.skuId] else { throw DomainError.invalid(field: "lines", "SKU \(line.skuId) is not in the order") }
                guard line.quantity <= most else { throw DomainError.invalid(field: "lines", "only \(max(most, 0)) of SKU \(line.skuId) are left to return") }
            }
            let everything = lines.reduce(0) { $0 + $1.quantity } == left.values.reduce(0) { $0 + max($1, 0) }
            let priced = lines.map { line in (unitPrice: order.lines.first { $0.skuId == line.skuId }!.unitPrice, quantity: line.quantity) }
            // The standard delivery goes back with the last units of the order.
            var amount = try OrderTotals.compute(lines: priced, market: market, shipping: everything ? order.totals.shipping : 0).total
            // A built-to-order unit's deposit was paid in an order of its own, and comes back too.
            if let depositOrderId = try await Self.depositOrder(tx, ofBalance: order.id) {
                amount += try await OrderDesk.refundable(tx, orderId: depositOrderId).reduce(0) { $0 + $1.left }
            }
            var history = [CaseTransition(from: nil, to: .requested, event: "open", actor: actor, note: description, at: now)]
            var status = CaseStatus.requested
            if ground == .anyReason {
                status = .approved
                history.append(CaseTransition(from: .requested, to: .approved, event: CaseEvent.approve.rawValue, actor: "system:rules", note: "rule \(cover.ruleCode): \(cover.ruleTitle)", at: now))
            }
            let serviceCase = ServiceCase(
                id: Identifier.make(), kind: .return, status: status, accountId: order.accountId, orderId: order.id, marketCode: order.marketCode,
                serial: nil, lines: lines, ground: ground, part: .mainUnit, description: description, remedy: .return, ruleCode: cover.ruleCode,
                ruleTitle: cover.ruleTitle, deadline: now.addingTimeInterval(Double(cover.caseDays) * 86_400), refundAmount: amount,
                currency: order.currency, history: history, createdAt: now)
            return try await self.opened(tx, serviceCase, now: now)
        }
    }

    /// What the market's rules and the unit's paid plans give it today.
    func decide(_ serial: String, market: String, start: Date) async throws -> WarrantyDecision {
        let now = clock.now()
        let bought = try await plans.planCovers(serial: serial).flatMap { $0.covers(now: now) }
        return WarrantyDecision.decide(rules: try await marketRules(market), start: start, now: now, plans: bought)
    }

    /// A fan asks for an exchange or a repair of one unit by its serial, for a fault of `part`.
    /// The warranty decides: no exchange window is `out_of_window` naming the rule; a repair no
    /// free cover is left for is a paid repair, quoted from the market's price list. Staff
    /// approve or refuse it.
    /// An `accident` (a drop, a crack) is repaired free under a screen plan and decided within two
    /// working hours; without one it is a paid repair.
    public func openService(
        serial: String, kind: ServiceKind, part: PartClass, viewer: Account, description: String, ground: ServiceGround = .fault
    ) async throws -> ServiceCase {
        guard kind != .return else { throw DomainError.invalid(field: "kind", "must be exchange or repair; returns go through the order") }
        guard ground != .anyReason, kind == .repair || ground == .fault else { throw DomainError.invalid(field: "ground", "a fault, or an accident to repair") }
        let description = try Self.validate(description: description, ground: .fault)
        let (record, order) = try await SerialRecord.owned(serial, by: viewer, cases: cases, orders: orders)
        let serial = record.serial
        // A store sale's unit has no warehouse to take a replacement from: it is repaired, or exchanged at the store.
        guard !(order.isStoreSale && kind == .exchange) else {
            throw DomainError.conflict(code: "exchange_at_store", message: "bought at \(order.shipping?.methodName ?? "a partner's store"): ask for a repair, or exchange it at that store")
        }
        guard record.replacedBy == nil else {
            throw DomainError.conflict(code: "serial_replaced", message: "unit \(serial) was replaced by \(record.replacedBy!); ask for that one")
        }
        guard let start = Warranty.start(of: record, in: order) else {
            throw DomainError.conflict(code: "not_delivered", message: "the unit's cover starts when its parcel is delivered")
        }
        let remedy: Remedy = kind == .exchange ? .exchange : .repairFree
        let marketRules = try await marketRules(order.marketCode)
        let now = clock.now()
        let decision = try await decide(serial, market: order.marketCode, start: start)
        // No plan covers an accident: it is repaired at the price list.
        let paidAccident = WarrantyCover(
            part: part, remedy: .repairPaid, ground: .accident, until: nil, ruleCode: WarrantyDecision.paidRepairRule,
            ruleTitle: "Accidental damage without a screen plan: repaired at the market's price list", caseDays: 30)
        let paid = ground == .accident ? paidAccident : decision.cover(.repairPaid, part: part, ground: ground)
        guard let cover = decision.cover(remedy, part: part, ground: ground) ?? (kind == .repair ? paid : nil)
        else { throw WarrantyDecision.refusal(remedy, part: part, ground: ground, rules: marketRules, start: start) }
        // A screen claim under a plan is decided within two working hours.
        let deadline = ground == .accident && cover.remedy == .repairFree
            ? Self.workingHours(2, after: now) : now.addingTimeInterval(Double(cover.caseDays) * 86_400)
        let skuId = record.skuId ?? (Set(order.lines.map(\.skuId)).count == 1 ? order.lines[0].skuId : nil)
        guard kind == .repair || skuId != nil else {
            throw DomainError.conflict(code: "sku_unknown", message: "the unit's SKU is not on record; staff can exchange it from the console")
        }
        let actor = Self.actor(viewer)
        return try await store.transaction { tx in
            guard try await tx.order(id: order.id) != nil else { throw DomainError.notFound(what: "order") }
            // Still the fan's under the order's lock: a store may have taken the unit back meanwhile.
            guard let current = try await tx.serialRecord(serial: serial), current.orderId == order.id, current.replacedBy == nil else {
                throw DomainError.notFound(what: "serial")
            }
            if try await tx.serviceCases(orderId: order.id).contains(where: { $0.serial == serial && !$0.status.isTerminal }) {
                throw DomainError.conflict(code: "case_open", message: "unit \(serial) already has an open service case")
            }
            let serviceCase = ServiceCase(
                id: Identifier.make(), kind: kind, status: .requested, accountId: order.accountId, orderId: order.id, marketCode: order.marketCode,
                serial: serial, lines: skuId.map { [CaseLine(skuId: $0, quantity: 1)] } ?? [], ground: ground, part: part, description: description,
                remedy: cover.remedy, ruleCode: cover.ruleCode, ruleTitle: cover.ruleTitle, deadline: deadline, refundAmount: 0, currency: order.currency,
                history: [CaseTransition(from: nil, to: .requested, event: "open", actor: actor, note: description, at: now)], createdAt: now)
            return try await self.opened(tx, serviceCase, now: now)
        }
    }

    /// The case as `viewer` may see it: their own, or any to staff.
    public func serviceCase(id: String, viewer: Account) async throws -> ServiceCase {
        guard Identifier.isWellFormed(id), let found = try await cases.serviceCase(id: id), found.accountId == viewer.id || viewer.role.isStaff
        else { throw DomainError.notFound(what: "service case") }
        return found
    }

    /// The fan cancels while the goods are still with them (staff, until they are received).
    public func cancel(caseId: String, viewer: Account) async throws -> ServiceCase {
        _ = try await serviceCase(id: caseId, viewer: viewer)
        return try await move(caseId: caseId, step: CaseStep(event: .cancel, note: "cancelled"), actor: Self.actor(viewer), byFan: !viewer.role.isStaff)
    }

    /// What staff send with an event.
    public struct CaseStep: Sendable {
        public let event: CaseEvent
        public let note: String
        /// `inspect`: how the goods came back.
        public let grade: InspectionGrade?
        /// `ship_back`: the unit going to the fan, when it is not the one that came in.
        public let serial: String?
        /// `schedule_pickup`: the working day the courier calls (`YYYY-MM-DD`).
        public let pickupOn: String?
        /// `schedule_pickup`: the centre whose courier calls; `drop_off`: where the goods were handed
        /// in; `repair`: the centre that repaired it, when the case names none.
        public let centreId: String?
        /// `repair`: the spare parts used, by price-list code, taken from the centre's shelf.
        public let parts: [String]

        public init(
            event: CaseEvent, note: String, grade: InspectionGrade? = nil, serial: String? = nil, pickupOn: String? = nil, centreId: String? = nil,
            parts: [String] = []
        ) {
            self.parts = parts
            self.event = event
            self.note = note
            self.grade = grade
            self.serial = serial
            self.pickupOn = pickupOn
            self.centreId = centreId
        }
    }

    /// A staff member moves a case on by `step` (a note of at most 500 characters; required to refuse).
    public func apply(_ step: CaseStep, caseId: String, staff: Account) async throws -> ServiceCase {
        try Self.validate(step)
        guard Identifier.isWellFormed(caseId), try await cases.serviceCase(id: caseId) != nil else { throw DomainError.notFound(what: "service case") }
        return try await move(caseId: caseId, step: step, actor: "staff:\(staff.id)")
    }

    /// A note of at most 500 characters, required to refuse.
    static func validate(_ step: CaseStep) throws {
        guard step.note.count <= 500 else { throw DomainError.invalid(field: "note", "at most 500 characters") }
        guard step.event != .refuse || !step.note.trimmed.isEmpty else { throw DomainError.invalid(field: "note", "say why the case is refused") }
    }

    /// One step of a case in one transaction with its effects; `byFan` steps are refused once the
    /// goods left the fan, as read under the case's lock; a centre named `byBrand` must be its own.
    func move(caseId: String, step: CaseStep, actor: String, byFan: Bool = false, byBrand: String? = nil) async throws -> ServiceCase {
        let now = clock.now()
        let pickupOn = try step.pickupOn.map { try Self.validate(pickupOn: $0, now: now) }
        if step.event == .schedulePickup && (pickupOn == nil || step.centreId == nil) {
            throw DomainError.invalid(field: "pickupOn", "a centre and a working day from tomorrow to two weeks ahead")
        }
        let serial = try step.serial.map { try OrderDesk.validate(serials: [$0])[0] }
        guard step.parts.count <= 20, Set(step.parts).count == step.parts.count else {
            throw DomainError.invalid(field: "parts", "at most 20 price-list codes, none twice")
        }
        return try await store.transaction { tx in
            guard let found = try await tx.serviceCase(id: caseId), let order = try await tx.order(id: found.orderId),
                  var serviceCase = try await tx.serviceCase(id: caseId)
            else { throw DomainError.notFound(what: "service case") }
            var lifecycle = ServiceCaseLifecycle(kind: serviceCase.kind, status: serviceCase.status)
            let from = serviceCase.status
            guard !byFan || from.goodsWithFan else {
                throw DomainError.conflict(code: "goods_handed_over", message: "the goods are with the brand already; ask staff to cancel")
            }
            let chooser: CentreChooser = byBrand.map { .brand($0) } ?? (byFan ? .fan : .staff)
            if let byBrand { try await Self.holdsIt(tx, serviceCase, brand: byBrand) }
            let effect = try lifecycle.apply(step.event)
            serviceCase.status = lifecycle.status
            var note = step.note.trimmed
            switch step.event {
            case .schedulePickup:
                let centre = try await Self.centre(tx, step.centreId!, of: serviceCase, by: chooser)
                // A new day gives the old one's collection back first; a full new day undoes both.
                try await Self.releasePickup(tx, serviceCase, from: from)
                guard try await tx.bookPickup(centreId: centre.id, day: pickupOn!, capacity: centre.pickupsPerDay) else {
                    throw DomainError.conflict(code: "pickup_full", message: "\(centre.name) has no collection left on \(pickupOn!)")
                }
                serviceCase.pickupOn = pickupOn
                serviceCase.centreId = centre.id
            case .dropOff:
                // A courier no longer needed gives its collection back.
                try await Self.releasePickup(tx, serviceCase, from: from)
                if let centreId = step.centreId { serviceCase.centreId = try await Self.centre(tx, centreId, of: serviceCase, by: chooser).id }
            case .cancel:
                guard serviceCase.refundId == nil else {
                    throw DomainError.conflict(code: "refunded", message: "the case was refunded; its goods are due back")
                }
                try await Self.releasePickup(tx, serviceCase, from: from)
            case .repair:
                if serviceCase.remedy == .repairPaid {
                    guard let quoted = serviceCase.quoteOrderId, let quote = try await tx.order(id: quoted), quote.status == .paid || quote.status == .completed else {
                        throw DomainError.conflict(code: "quote_unpaid", message: "a paid repair waits for the fan to pay its quote")
                    }
                }
                if !step.parts.isEmpty {
                    guard let centreId = step.centreId ?? serviceCase.centreId else {
                        throw DomainError.invalid(field: "centreId", "the centre whose parts were used")
                    }
                    let centre = try await Self.centre(tx, centreId, of: serviceCase, by: chooser)
                    try await tx.consumeSpareParts(step.parts, centreId: centre.id)
                    serviceCase.centreId = centre.id
                    serviceCase.partsUsed = step.parts
                }
            case .inspect:
                // A unit in for repair goes back to its owner, ungraded; returned and exchanged units join stock by grade.
                if serviceCase.kind != .repair {
                    guard let grade = step.grade else { throw DomainError.invalid(field: "grade", "one of resell, refurbish, scrap") }
                    serviceCase.grade = grade
                    let warehouses = Dictionary(order.lines.map { ($0.skuId, $0.warehouseId) }) { first, _ in first }
                    try await tx.receiveReturned(serviceCase.lines, warehouses: warehouses, grade: grade, caseId: caseId, at: now)
                }
            case .shipBack:
                if from == .exchanged && serial == nil { throw DomainError.invalid(field: "serial", "the new unit's serial") }
                if let serial, let old = serviceCase.serial {
                    guard let record = try await tx.serialRecord(serial: old) else { throw DomainError.notFound(what: "serial") }
                    let start = Warranty.start(of: record, in: order) ?? now
                    try await tx.replace(record, with: serial, warrantyFrom: start, at: now)
                    serviceCase.replacementSerial = serial
                    if note.isEmpty { note = "unit \(serial) replaces \(old), its cover counting from \(start.utcDay)" }
                }
            default:
                break
            }
            // A paid repair that ends in an exchange owes nothing: its quote is withdrawn or refunded.
            if effect.takeReplacement, let quoteId = serviceCase.quoteOrderId, let quote = try await tx.order(id: quoteId) {
                switch quote.status {
                case .pendingPayment: _ = try await tx.apply(.cancel, orderId: quoteId, actor: actor, note: "exchanged instead of repaired", now: now)
                case .paid, .completed:
                    _ = try await OrderDesk.refund(tx, orderId: quoteId, upTo: quote.totals.total, reason: "exchanged instead of repaired", actor: actor, now: now)
                default: break
                }
            }
            if effect.takeReplacement && order.isStoreSale {
                throw DomainError.conflict(code: "exchange_at_store", message: "bought at \(order.shipping?.methodName ?? "a partner's store"): exchange it at that store")
            }
            if effect.takeReplacement {
                guard let line = serviceCase.lines.first, let warehouse = order.lines.first(where: { $0.skuId == line.skuId })?.warehouseId else {
                    throw DomainError.conflict(code: "sku_unknown", message: "the unit's SKU is not on record")
                }
                try await tx.takeReplacement(skuId: line.skuId, warehouseId: warehouse)
            }
            if effect.requestRefund && serviceCase.refundId == nil {
                let paid = try await Self.refund(tx, &serviceCase, actor: actor, now: now)
                if !paid { note = note.isEmpty ? "nothing was left to refund" : note + " (nothing was left to refund)" }
            }
            try await tx.update(serviceCase, adding: CaseTransition(
                from: from, to: serviceCase.status, event: step.event.rawValue, actor: actor, note: note, at: now))
            try await Self.announce(tx, serviceCase, step: serviceCase.status.rawValue, now: now)
            return try await tx.serviceCase(id: caseId)!
        }
    }

    /// The new case, with the brand whose unit it is, its history, webhook and notice.
    func opened(_ tx: any Transaction, _ serviceCase: ServiceCase, now: Date) async throws -> ServiceCase {
        var serviceCase = serviceCase
        serviceCase.brandId = try await tx.brand(ofSkus: serviceCase.lines.map(\.skuId), serial: serviceCase.serial)
        try await tx.insert(serviceCase)
        try await tx.publish(.serviceCaseOpened, data: Self.webhookData(serviceCase), at: now)
        try await tx.notify(Notice(
            accountId: serviceCase.accountId, kind: .serviceCaseUpdated, subjectId: serviceCase.id + ":" + serviceCase.status.rawValue,
            params: ["caseId": serviceCase.id, "orderId": serviceCase.orderId, "status": serviceCase.status.rawValue], createdAt: now))
        return serviceCase
    }

    /// A step's webhook and the fan's notice.
    /// `step` tells this step's notice from the case's others (a rescheduled pickup stays
    /// `pickup_scheduled`, a deadline refund keeps the status), so each one is told.
    static func announce(_ tx: any Transaction, _ serviceCase: ServiceCase, step: String, now: Date) async throws {
        try await tx.publish(.serviceCaseStatusChanged, data: webhookData(serviceCase), at: now)
        try await tx.notify(Notice(
            accountId: serviceCase.accountId, kind: .serviceCaseUpdated, subjectId: "\(serviceCase.id):\(step):\(now.timeIntervalSince1970)",
            params: ["caseId": serviceCase.id, "orderId": serviceCase.orderId, "status": serviceCase.status.rawValue], createdAt: now))
    }

    static func webhookData(_ serviceCase: ServiceCase) -> [String: String] {
        var data = [
            "caseId": serviceCase.id, "kind": serviceCase.kind.rawValue, "status": serviceCase.status.rawValue, "orderId": serviceCase.orderId,
            "marketCode": serviceCase.marketCode, "rule": serviceCase.ruleCode,
        ]
        data["serial"] = serviceCase.serial
        data["refundId"] = serviceCase.refundId
        return data
    }

    func ownOrder(_ id: String, viewer: Account) async throws -> Order {
        guard Identifier.isWellFormed(id), let order = try await orders.order(id: id), order.accountId == viewer.id || viewer.role.isStaff
        else { throw DomainError.notFound(what: "order") }
        return order
    }

    func marketRules(_ code: String) async throws -> [ServiceRule] {
        try await rules.serviceRules(marketCode: code, includeInactive: false)
    }

    /// When a delivered order arrived: its last parcel's delivery, else the move to delivered.
    static func deliveredAt(_ order: Order) throws -> Date {
        guard order.status == .delivered || order.status == .completed else {
            throw DomainError.conflict(
                code: "not_delivered",
                message: order.status == .paid ? "the order has not shipped: cancel it instead" : "a return starts once the order is delivered")
        }
        if let parcel = order.shipments.compactMap(\.deliveredAt).max() { return parcel }
        return order.timeline.last(where: { $0.to == .delivered })?.at ?? order.createdAt
    }

    /// `hours` of working time (Monday to Friday, UTC) after `start`.
    static func workingHours(_ hours: Int, after start: Date) -> Date {
        let calendar = Calendar.utc
        var at = start
        var left = Double(hours) * 3600
        while left > 0 {
            if calendar.isDateInWeekend(at) {
                at = calendar.startOfDay(for: calendar.date(byAdding: .day, value: 1, to: at)!)
                continue
            }
            let dayEnd = calendar.startOfDay(for: calendar.date(byAdding: .day, value: 1, to: at)!)
            let step = min(left, dayEnd.timeIntervalSince(at))
            at = at.addingTimeInterval(step)
            left -= step
        }
        return at
    }

    static func actor(_ account: Account) -> String {
        account.role.isStaff ? "staff:\(account.id)" : "account:\(account.id)"
    }

    static func validate(description: String, ground: ServiceGround) throws -> String {
        let text = description.trimmed
        guard text.count <= 1000 else { throw DomainError.invalid(field: "description", "at most 1000 characters") }
        guard ground == .anyReason || text.count >= 5 else { throw DomainError.invalid(field: "description", "describe the fault (at least 5 characters)") }
        return text
    }
}
