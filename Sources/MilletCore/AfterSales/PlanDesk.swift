import Foundation

/// Service plans: a fan buys an extended warranty or a screen plan for a delivered unit within the
/// market's window, pays it like any order (an order of one service line), and may cancel it with
/// the days not yet covered refunded. Each use case is one transaction with the plan's order
/// locked.
public struct PlanDesk: Sendable {
    private let store: any UnitOfWork
    private let cases: any ServiceCaseRepository
    private let orders: any OrderRepository
    private let markets: any MarketRepository
    private let rules: any ServiceRuleRepository
    private let plans: any ServicePlanRepository
    private let clock: any MilletClock

    public init(
        store: any UnitOfWork, cases: any ServiceCaseRepository, orders: any OrderRepository, markets: any MarketRepository,
        rules: any ServiceRuleRepository, plans: any ServicePlanRepository, clock: any MilletClock
    ) {
        self.store = store
        self.cases = cases
        self.orders = orders
        self.markets = markets
        self.rules = rules
        self.plans = plans
        self.clock = clock
    }

    /// The plans the unit's owner may buy now (its market's, within their windows, of a kind the
    /// unit has no plan of yet) and the plans it has.
    public func plans(serial: String, viewer: Account) async throws -> (offered: [ServicePlan], bought: [PlanCover]) {
        let (record, order, start) = try await ownedUnit(serial, viewer: viewer)
        let bought = try await plans.planCovers(serial: record.serial)
        let held = Set(bought.filter { $0.status != .cancelled }.map(\.kind))
        let now = clock.now()
        let offered = try await plans.servicePlans(marketCode: order.marketCode, includeInactive: false).filter { plan in
            !held.contains(plan.kind) && now < start.addingTimeInterval(Double(plan.windowDays) * 86_400)
        }
        return (offered, bought)
    }

    /// Buys `planCode` for the unit: an order of one service line to pay, and the plan, pending
    /// until it is paid. An extended plan starts when the brand's own free repair of the main unit
    /// ends; a screen plan at once. `conflict(plan_window_closed)` after the market's window,
    /// `conflict(plan_held)` when the unit has a plan of that kind.
    public func buy(serial: String, planCode: String, viewer: Account) async throws -> PlanCover {
        let (record, order, start) = try await ownedUnit(serial, viewer: viewer)
        guard let plan = try await plans.servicePlans(marketCode: order.marketCode, includeInactive: false).first(where: { $0.code == planCode }) else {
            throw DomainError.invalid(field: "plan", "not a plan of market \(order.marketCode)")
        }
        let now = clock.now()
        let closes = start.addingTimeInterval(Double(plan.windowDays) * 86_400)
        guard now < closes else {
            throw DomainError.conflict(code: "plan_window_closed", message: "\(plan.name) could be bought until \(closes.utcDay), \(plan.windowDays) days after delivery")
        }
        guard let market = try await markets.market(code: order.marketCode) else { throw DomainError.notFound(what: "market") }
        let marketRules = try await rules.serviceRules(marketCode: order.marketCode, includeInactive: false)
        let ownCoverEnds = WarrantyDecision.decide(rules: marketRules, start: start, now: now)
            .covers.filter { $0.part == .mainUnit && $0.remedy == .repairFree }.compactMap(\.until).max()
        let startsAt = plan.kind == .extended ? max(now, ownCoverEnds ?? now) : now
        let calendar = Calendar.utc
        let endsAt = calendar.date(byAdding: .month, value: plan.months, to: startsAt)!
        let totals = try OrderTotals.compute(lines: [(plan.price, 1)], market: market, shipping: 0)
        return try await store.transaction { tx in
            guard try await tx.order(id: order.id) != nil else { throw DomainError.notFound(what: "order") }
            if try await tx.planCoversInLedger(serial: record.serial).contains(where: { $0.kind == plan.kind && $0.status != .cancelled }) {
                throw DomainError.conflict(code: "plan_held", message: "unit \(record.serial) has a \(plan.kind.rawValue) plan already")
            }
            let draft = OrderDraft(
                id: Identifier.make(), accountId: record.accountId, market: market,
                lines: [(skuId: plan.skuId, skuCode: plan.code, productName: "\(plan.name) · \(record.serial)", quantity: 1, unitPrice: plan.price)],
                totals: totals, shippingAddress: order.shippingAddress, idempotencyKey: "plan:\(record.serial):\(plan.code):\(Identifier.make())", now: now)
            let placed = try await tx.place(draft)
            let cover = PlanCover(
                id: Identifier.make(), planCode: plan.code, kind: plan.kind, name: plan.name, serial: record.serial, accountId: record.accountId,
                marketCode: order.marketCode, orderId: placed.id, startsAt: startsAt, endsAt: endsAt, status: .pending, createdAt: now)
            try await tx.insert(cover)
            return cover
        }
    }

    /// Cancels a plan: unpaid, its order is cancelled; paid, the days not yet covered are refunded
    /// through the payments outbox (all of it before it starts). `conflict(plan_ended)` once it ran out.
    public func cancel(planId: String, viewer: Account) async throws -> PlanCover {
        guard Identifier.isWellFormed(planId), let found = try await plans.planCover(id: planId), found.accountId == viewer.id || viewer.role.isStaff
        else { throw DomainError.notFound(what: "plan") }
        let now = clock.now()
        let actor = ServiceDesk.actor(viewer)
        return try await store.transaction { tx in
            guard let order = try await tx.order(id: found.orderId), var plan = try await tx.planCoverInLedger(id: planId) else {
                throw DomainError.notFound(what: "plan")
            }
            switch plan.status {
            case .cancelled:
                throw DomainError.conflict(code: "plan_cancelled", message: "the plan is cancelled already")
            case .pending:
                _ = try await tx.apply(.cancel, orderId: order.id, actor: actor, note: "plan cancelled before it was paid", now: now)
            case .active:
                guard now < plan.endsAt else { throw DomainError.conflict(code: "plan_ended", message: "the plan ran out on \(plan.endsAt.utcDay)") }
                let back = plan.refundOnCancel(paid: order.totals.total, now: now)
                if back > 0 {
                    _ = try await OrderDesk.refund(tx, orderId: order.id, upTo: back, reason: "plan cancelled: the days not yet covered", actor: actor, now: now)
                }
            }
            try await tx.cancelPlan(id: plan.id)
            plan.status = .cancelled
            return plan
        }
    }

    /// The unit, its order and when its cover started, to its owner or staff.
    private func ownedUnit(_ serial: String, viewer: Account) async throws -> (SerialRecord, Order, Date) {
        let (record, order) = try await SerialRecord.owned(serial, by: viewer, cases: cases, orders: orders)
        guard record.replacedBy == nil else {
            throw DomainError.conflict(code: "serial_replaced", message: "unit \(record.serial) was replaced by \(record.replacedBy!)")
        }
        guard let start = Warranty.start(of: record, in: order) else {
            throw DomainError.conflict(code: "not_delivered", message: "a plan is bought once the unit is delivered")
        }
        return (record, order, start)
    }
}
