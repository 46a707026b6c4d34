import Foundation
import Hummingbird
import MilletCore

/// An eco-chain brand's service over the partner API (scope `service:write`): it runs its own
/// service centres, to which the cases about its units are sent, reads those cases with the
/// address a repaired unit goes back to, and moves its repairs on. Another brand's case or centre,
/// and the store's cases, are unknown to it.
struct PartnerServiceController {
    let desk: ServiceDesk
    let centres: any ServiceCentreRepository
    let orders: any OrderRepository
    let photos: ServicePhotos
    let markets: any MarketRepository
    let partners: PartnerDesk
    let clock: any MilletClock

    func addRoutes(to groups: RouteGroups) {
        groups.partners.put("partner/service-centres/:id") { request, context in
            let brand = try await brand(context)
            let body = try await request.decodeJSON(ServiceController.CentreBody.self, context: context)
            let market = try await markets.requireMarket(body.market)
            let centre = try ServiceCentre(
                id: try context.parameters.require("id"), marketCode: market.code, name: body.name, address: body.address, hours: body.hours,
                pickupsPerDay: body.pickupsPerDay, active: body.active ?? true, organisationId: brand)
            try await desk.saveCentre(centre, centres: centres)
            return ServiceCentreDTO(centre)
        }
        groups.partners.get("partner/service-centres") { _, context in
            ServiceCentreList(items: try await centres.serviceCentres(organisationId: try await brand(context)).map(ServiceCentreDTO.init))
        }
        groups.partners.get("partner/service-cases") { request, context in
            let brand = try await brand(context)
            let status = try request.uri.queryParameters.get("status").map { value in
                guard let status = CaseStatus(rawValue: value) else { throw DomainError.invalid(field: "status", "a case status") }
                return status
            }
            let now = clock.now()
            return ServiceCaseList(items: try await desk.brandCases(brandId: brand, status: status).map { dto($0, now: now) })
        }
        groups.partners.get("partner/service-cases/:id") { _, context in
            let brand = try await brand(context)
            let found = try await desk.brandCase(id: try context.parameters.require("id"), brandId: brand)
            var answer = dto(found, now: clock.now())
            if try await desk.atBrandCentre(found, centres: centres) { answer.shipTo = try await orders.order(id: found.orderId)?.shippingAddress }
            return answer
        }
        groups.partners.get("partner/service-cases/:id/photos/:n") { _, context in
            let brand = try await brand(context)
            let found = try await desk.brandCase(id: try context.parameters.require("id"), brandId: brand)
            return try await photos.image(of: found, number: try context.parameters.require("n"), context: context)
        }
        groups.partners.post("partner/service-cases/:id/events") { request, context in
            let caller = try context.requirePartner()
            let brand = try await brand(context)
            let body = try await request.decodeJSON(ServiceController.EventBody.self, context: context)
            let moved = try await desk.applyAsBrand(
                try ServiceController.step(body), caseId: try context.parameters.require("id"), brandId: brand, actor: "partner:\(caller.keyId)")
            return dto(moved, now: clock.now())
        }
    }

    private func dto(_ serviceCase: ServiceCase, now: Date) -> ServiceCaseDTO {
        ServiceCaseDTO(serviceCase, now: now, photoPath: "/api/v1/partner/service-cases")
    }

    /// The calling eco-chain brand, with `service:write`; `forbidden` for another kind of partner.
    private func brand(_ context: MilletRequestContext) async throws -> String {
        try await partners.serviceBrand(try context.requirePartner())
    }
}
