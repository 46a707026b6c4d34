import Foundation

/// An eco-chain brand's own service: its centres take in and repair its units. A case about a
/// brand's unit (``ServiceCase/brandId``) is sent to the brand's centres in its market, and the
/// brand moves its repairs on over the partner API; returns and exchanges, which move money and
/// the store's stock, stay with the store's staff.
extension ServiceDesk {
    /// What a brand's centre does to a repair: everything but the fan's pickup booking, a refund,
    /// an exchange and a cancellation.
    public static let brandEvents: Set<CaseEvent> = [.approve, .refuse, .dropOff, .dispatch, .receive, .inspect, .repair, .shipBack, .close]

    /// The brand's cases, in `status` (all when `nil`), newest first.
    public func brandCases(brandId: String, status: CaseStatus?) async throws -> [ServiceCase] {
        try await cases.serviceCases(brandId: brandId, status: status, limit: 500)
    }

    /// One of the brand's cases; another's, or the store's, is `not_found`.
    public func brandCase(id: String, brandId: String) async throws -> ServiceCase {
        guard Identifier.isWellFormed(id), let found = try await cases.serviceCase(id: id), found.brandId == brandId else {
            throw DomainError.notFound(what: "service case")
        }
        return found
    }

    /// The brand's centre moves one of its repairs on by `step`, with the same rules as staff; a
    /// centre it names must be the brand's own. `actor` names the brand's caller in the history.
    public func applyAsBrand(_ step: CaseStep, caseId: String, brandId: String, actor: String) async throws -> ServiceCase {
        let found = try await brandCase(id: caseId, brandId: brandId)
        guard found.kind == .repair else {
            throw DomainError.conflict(code: "store_handles", message: "the store's staff handle \(found.kind.rawValue)s; a brand repairs its units")
        }
        guard Self.brandEvents.contains(step.event) else {
            throw DomainError.invalid(field: "event", "a brand's centre may \(Self.brandEvents.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        guard step.serial == nil else {
            throw DomainError.invalid(field: "serial", "a brand ships back the unit it repaired; staff record a replacement")
        }
        try Self.validate(step)
        return try await move(caseId: caseId, step: step, actor: actor, byBrand: brandId)
    }

    /// The brand moves a case only while it is, or is sent, to one of its centres: the case's
    /// centre is the brand's, or it names none yet and the brand has an open centre in its market.
    static func holdsIt(_ tx: any Transaction, _ serviceCase: ServiceCase, brand: String) async throws {
        let own = try await tx.serviceCentres(marketCode: serviceCase.marketCode, includeInactive: true).filter { $0.organisationId == brand }
        let held = if let centreId = serviceCase.centreId { own.contains { $0.id == centreId } } else { own.contains(where: \.active) }
        guard held else {
            throw DomainError.conflict(code: "store_handles", message: "the unit is with the store's service centres, which handle this case")
        }
    }

    /// The case is at, or on its way to, one of the brand's centres: where its unit goes back to is the brand's to know.
    public func atBrandCentre(_ serviceCase: ServiceCase, centres: any ServiceCentreRepository) async throws -> Bool {
        guard serviceCase.kind == .repair, let brand = serviceCase.brandId, let centreId = serviceCase.centreId else { return false }
        return try await centres.serviceCentre(id: centreId)?.organisationId == brand
    }

    /// Saves a centre, new or the same organisation's (a brand's, or the store's); an id another
    /// organisation uses is `conflict(centre_taken)`, and a centre keeps its market.
    public func saveCentre(_ centre: ServiceCentre, centres: any ServiceCentreRepository) async throws {
        if let existing = try await centres.serviceCentre(id: centre.id) {
            guard existing.organisationId == centre.organisationId else {
                throw DomainError.conflict(code: "centre_taken", message: "centre id \(centre.id) is taken; choose another")
            }
            guard existing.marketCode == centre.marketCode else {
                throw DomainError.conflict(code: "centre_market", message: "centre \(centre.id) is in market \(existing.marketCode)")
            }
        }
        guard try await centres.save(centre) else {
            throw DomainError.conflict(code: "centre_taken", message: "centre id \(centre.id) is taken; choose another")
        }
    }
}
