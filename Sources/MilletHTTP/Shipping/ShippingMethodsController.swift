import Foundation
import Hummingbird
import MilletCore

/// Each market's shipping methods: anyone reads the active ones; staff read all and create or
/// change one (`PUT`, by market and code).
struct ShippingMethodsController {
    let markets: any MarketRepository
    let methods: any ShippingMethodRepository

    struct MethodBody: Decodable {
        /// The name per language of the market; its default language is required.
        let names: [String: String]
        let rate: RateBody
        let freeOver: Int64?
        let minDays, maxDays: Int
        let position: Int?
        let active: Bool?
    }

    /// `flat` with `amount`, or `weight` with `firstKg` and `perExtraKg`, in minor units.
    struct RateBody: Decodable {
        let kind: String
        let amount, firstKg, perExtraKg: Int64?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("markets/:code/shipping-methods") { _, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            return ShippingMethodList(items: try await methods.shippingMethods(marketCode: market.code, includeInactive: false)
                .map { ShippingMethodDTO($0, market: market) })
        }
        groups.staff.get("staff/markets/:code/shipping-methods") { _, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            return ShippingMethodList(items: try await methods.shippingMethods(marketCode: market.code, includeInactive: true)
                .map { ShippingMethodDTO($0, market: market) })
        }
        groups.staff.put("staff/markets/:code/shipping-methods/:method") { request, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            let body = try await request.decodeJSON(MethodBody.self, context: context)
            let method = try ShippingMethod(
                market: market, code: try context.parameters.require("method"), names: body.names, rate: try rate(body.rate),
                freeOver: body.freeOver, minDays: body.minDays, maxDays: body.maxDays, position: body.position ?? 0,
                active: body.active ?? true)
            try await methods.save(method)
            return ShippingMethodDTO(method, market: market)
        }
    }

    private func rate(_ body: RateBody) throws -> ShippingRate {
        switch (body.kind, body.amount, body.firstKg, body.perExtraKg) {
        case ("flat", let amount?, nil, nil): return .flat(amount)
        case ("weight", nil, let first?, let extra?): return .byWeight(firstKg: first, perExtraKg: extra)
        default: throw DomainError.invalid(field: "rate", "either {kind: flat, amount} or {kind: weight, firstKg, perExtraKg}")
        }
    }
}

struct ShippingMethodList: ResponseEncodable {
    let items: [ShippingMethodDTO]
}

struct ShippingMethodDTO: ResponseEncodable {
    struct Rate: Encodable {
        let kind: String
        let amount, firstKg, perExtraKg: MoneyDTO?
    }

    let market, code: String
    let names: [String: String]
    let rate: Rate
    let freeOver: MoneyDTO?
    let minDays, maxDays, position: Int
    let active: Bool

    init(_ method: ShippingMethod, market: Market) {
        let money = { (amount: Int64) in MoneyDTO(amount: amount, currency: market.currency.code) }
        self.market = method.marketCode
        code = method.code
        names = method.names
        switch method.rate {
        case .flat(let amount): rate = Rate(kind: "flat", amount: money(amount), firstKg: nil, perExtraKg: nil)
        case .byWeight(let first, let extra): rate = Rate(kind: "weight", amount: nil, firstKg: money(first), perExtraKg: money(extra))
        }
        freeOver = method.freeOver.map(money)
        minDays = method.minDays
        maxDays = method.maxDays
        position = method.position
        active = method.active
    }
}
