import Foundation
import Hummingbird
import MilletCore

/// An eco-chain brand's own webhook receivers (scope `service:write`): it hears of the service
/// cases of orders that hold its products, signed like every delivery; another brand's receivers
/// are unknown to it.
struct PartnerWebhooksController {
    let webhooks: any WebhookRepository
    let receivers: ReceiverGuard
    let partners: PartnerDesk
    let clock: any MilletClock

    func addRoutes(to groups: RouteGroups) {
        groups.partners.post("partner/webhooks") { request, context in
            let brand = try await brand(context)
            let body = try await request.decodeJSON(WebhooksController.EndpointBody.self, context: context)
            guard body.events.allSatisfy({ event in WebhookEvent.forBrands.contains { $0.rawValue == event } }) else {
                throw DomainError.invalid(field: "events", "a brand hears of \(WebhookEvent.forBrands.map(\.rawValue).joined(separator: ", "))")
            }
            let endpoint = try WebhookEndpoint.register(url: body.url, events: body.events, now: clock.now(), organisationId: brand)
            try await receivers.check(url: endpoint.url)
            try await webhooks.addEndpoint(endpoint)
            return EndpointDTO(endpoint, revealSecret: true).with(status: .created)
        }
        groups.partners.get("partner/webhooks") { _, context in
            let brand = try await brand(context)
            return EndpointList(items: try await webhooks.endpoints().filter { $0.organisationId == brand }.map { EndpointDTO($0, revealSecret: false) })
        }
        groups.partners.delete("partner/webhooks/:id") { _, context in
            let brand = try await brand(context)
            let id = try context.parameters.require("id")
            guard try await webhooks.endpoints().contains(where: { $0.id == id && $0.organisationId == brand && $0.active }) else {
                throw DomainError.notFound(what: "webhook endpoint")
            }
            try await webhooks.deactivateEndpoint(id: id, now: clock.now())
            return Response(status: .noContent)
        }
    }

    /// The calling eco-chain brand, with `service:write`; `forbidden` for another kind of partner.
    private func brand(_ context: MilletRequestContext) async throws -> String {
        try await partners.ecoBrand(try context.requirePartner(), scope: .serviceWrite, doing: "hears of its products' service cases")
    }
}
