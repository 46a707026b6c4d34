import Foundation
import Hummingbird
import MilletCore

/// Service plans in the API: each market's plans, the plans a unit may buy and has, buying one
/// (an order to pay with `POST /api/v1/orders/{id}/payments`) and cancelling one.
struct ServicePlansController {
    let desk: PlanDesk
    let plans: any ServicePlanRepository
    let markets: any MarketRepository

    struct BuyBody: Decodable {
        let plan: String
    }

    struct PlanBody: Decodable {
        let kind, name: String
        let months: Int
        let price: Int64
        let windowDays: Int
        let active: Bool?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("markets/:code/service-plans") { _, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            return ServicePlanList(items: try await plans.servicePlans(marketCode: market.code, includeInactive: false).map(ServicePlanDTO.init))
        }
        groups.staff.put("staff/markets/:code/service-plans/:plan") { request, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            let body = try await request.decodeJSON(PlanBody.self, context: context)
            guard let kind = PlanKind(rawValue: body.kind) else { throw DomainError.invalid(field: "kind", "extended or screen") }
            let plan = try ServicePlan(
                marketCode: market.code, code: try context.parameters.require("plan"), kind: kind, name: body.name, months: body.months,
                price: body.price, windowDays: body.windowDays, active: body.active ?? true)
            try await plans.save(plan)
            return ServicePlanDTO(plan)
        }
        groups.open.get("warranty/:serial/plans") { _, context in
            let viewer = try context.requireAccount()
            let (offered, bought) = try await desk.plans(serial: try context.parameters.require("serial"), viewer: viewer)
            return UnitPlans(offered: offered.map(ServicePlanDTO.init), bought: bought.map(PlanCoverDTO.init))
        }
        groups.open.post("warranty/:serial/plans") { request, context in
            let viewer = try context.requireAccount()
            let body = try await request.decodeJSON(BuyBody.self, context: context)
            return PlanCoverDTO(try await desk.buy(serial: try context.parameters.require("serial"), planCode: body.plan, viewer: viewer))
                .with(status: .created)
        }
        groups.open.post("service-plans/:id/cancel") { _, context in
            let viewer = try context.requireAccount()
            return PlanCoverDTO(try await desk.cancel(planId: try context.parameters.require("id"), viewer: viewer))
        }
    }
}

struct ServicePlanList: ResponseEncodable {
    let items: [ServicePlanDTO]
}

struct ServicePlanDTO: ResponseEncodable {
    let market, code, kind, name: String
    let months, windowDays: Int
    let price: Int64
    let active: Bool

    init(_ plan: ServicePlan) {
        market = plan.marketCode
        code = plan.code
        kind = plan.kind.rawValue
        name = plan.name
        months = plan.months
        windowDays = plan.windowDays
        price = plan.price
        active = plan.active
    }
}

struct PlanCoverDTO: ResponseEncodable {
    let id, plan, kind, name, serial, status, orderId: String
    let startsAt, endsAt, createdAt: Date

    init(_ cover: PlanCover) {
        id = cover.id
        plan = cover.planCode
        kind = cover.kind.rawValue
        name = cover.name
        serial = cover.serial
        status = cover.status.rawValue
        orderId = cover.orderId
        startsAt = cover.startsAt
        endsAt = cover.endsAt
        createdAt = cover.createdAt
    }
}

struct UnitPlans: ResponseEncodable {
    let offered: [ServicePlanDTO]
    let bought: [PlanCoverDTO]
}
