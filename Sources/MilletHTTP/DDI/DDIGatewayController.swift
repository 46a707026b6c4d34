import Foundation
import Hummingbird
import MilletCore

/// Staff set the tenant's hawkBit gateway (its `GatewayToken`, shown once, and the model, market
/// and channel of devices first seen through it), read what agents said of their devices, and
/// ask agents still installing a stopped rollout's build to cancel.
struct DDIGatewayController: Sendable {
    let desk: DDIDesk
    let markets: any MarketRepository

    struct GatewayBody: Decodable {
        let model, market, channel, serialPrefix: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.put("staff/ddi/gateway") { request, context in
            let body = try await request.decodeJSON(GatewayBody.self, context: context)
            _ = try await markets.requireMarket(body.market.uppercased())
            let (gateway, token) = try await desk.setGateway(
                modelId: body.model, marketCode: body.market, channel: body.channel, serialPrefix: body.serialPrefix)
            return GatewayDTO(gateway, token: token)
        }
        groups.staff.get("staff/ddi/devices/:serial/attributes") { _, context in
            let (device, attributes) = try await desk.attributes(serial: try context.parameters.require("serial"))
            return AttributesDTO(serial: device.serial, attributes: attributes ?? [:], reported: attributes != nil)
        }
        groups.staff.post("staff/ddi/rollouts/:id/cancellations") { _, context in
            let staff = try context.requireAccount()
            let asked = try await desk.askToCancel(rolloutId: try context.parameters.require("id"), actor: "account:\(staff.id)")
            return CancellationsDTO(asked: asked)
        }
        groups.staff.get("staff/ddi/gateway") { _, _ in
            guard let gateway = try await desk.gateway() else { throw DomainError.notFound(what: "gateway") }
            return GatewayDTO(gateway, token: nil)
        }
    }
}

/// How many devices were asked to cancel.
struct CancellationsDTO: ResponseEncodable, Sendable {
    let asked: Int
}

/// What a device's agent said of it.
struct AttributesDTO: ResponseEncodable, Sendable {
    let serial: String
    let attributes: [String: String]
    /// Whether its agent ever sent any.
    let reported: Bool
}

/// A gateway as staff see it; the token only in the answer that made it.
struct GatewayDTO: ResponseEncodable, Sendable {
    let tenant, model, market, channel, serialPrefix: String
    let gatewayToken: String?
    let createdAt: Date

    init(_ gateway: DDIGateway, token: String?) {
        tenant = gateway.tenant
        model = gateway.modelId
        market = gateway.marketCode
        channel = gateway.channel.rawValue
        serialPrefix = gateway.serialPrefix
        gatewayToken = token
        createdAt = gateway.createdAt
    }
}
