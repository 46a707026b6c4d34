import Foundation
import Hummingbird
import MilletCore

/// Staff register webhook receivers, see what was delivered, and remove them.
struct WebhooksController {
    let webhooks: any WebhookRepository
    let receivers: ReceiverGuard
    let clock: any MilletClock

    struct EndpointBody: Decodable {
        let url: String
        let events: [String]
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/webhooks") { _, context in
            return EndpointList(items: try await webhooks.endpoints().map { EndpointDTO($0, revealSecret: false) })
        }
        groups.staff.post("staff/webhooks") { request, context in
            let body = try await request.decodeJSON(EndpointBody.self, context: context)
            let endpoint = try WebhookEndpoint.register(url: body.url, events: body.events, now: clock.now())
            try await receivers.check(url: endpoint.url)
            try await webhooks.addEndpoint(endpoint)
            return EndpointDTO(endpoint, revealSecret: true).with(status: .created)
        }
        groups.staff.delete("staff/webhooks/:id") { _, context in
            try await webhooks.deactivateEndpoint(id: try context.parameters.require("id"), now: clock.now())
            return Response(status: .noContent)
        }
        groups.staff.get("staff/webhooks/:id/deliveries") { request, context in
            let id = try context.parameters.require("id")
            guard try await webhooks.endpoints().contains(where: { $0.id == id }) else { throw DomainError.notFound(what: "webhook endpoint") }
            let limit = try Pagination(request, defaultPerPage: 50).perPage
            return DeliveryList(items: try await webhooks.deliveries(endpointId: id, limit: limit).map(DeliveryDTO.init))
        }
    }
}

/// An endpoint; its secret is shown once, when it is registered.
struct EndpointDTO: ResponseEncodable, Sendable {
    let id, url: String
    let events: [String]
    let active: Bool
    let secret: String?
    let createdAt: Date

    init(_ endpoint: WebhookEndpoint, revealSecret: Bool) {
        id = endpoint.id
        url = endpoint.url
        events = endpoint.events.map(\.rawValue)
        active = endpoint.active
        secret = revealSecret ? endpoint.secret : nil
        createdAt = endpoint.createdAt
    }
}

struct EndpointList: ResponseEncodable, Sendable {
    let items: [EndpointDTO]
}

struct DeliveryDTO: Encodable, Sendable {
    let id, event: String
    let attempts: Int
    let createdAt: Date
    let deliveredAt, nextAttemptAt, gaveUpAt: Date?
    let lastError: String?

    init(_ record: DeliveryRecord) {
        id = record.id
        event = record.event
        attempts = record.attempts
        createdAt = record.createdAt
        deliveredAt = record.deliveredAt
        nextAttemptAt = record.nextAttemptAt
        gaveUpAt = record.gaveUpAt
        lastError = record.lastError
    }
}

struct DeliveryList: ResponseEncodable, Sendable {
    let items: [DeliveryDTO]
}
