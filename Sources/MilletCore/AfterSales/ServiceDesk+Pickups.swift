import Foundation

/// Home pickups: the slots a case may book, booking one, and giving one back.
extension ServiceDesk {
    /// The pickups a fan may book for an approved case: each working day of the next two weeks at
    /// each active centre serving the case in its market with a collection left.
    public func pickupSlots(caseId: String, viewer: Account, centres: any ServiceCentreRepository) async throws -> [PickupSlot] {
        let found = try await serviceCase(id: caseId, viewer: viewer)
        guard found.events.contains(.schedulePickup) else { return [] }
        let days = ServiceCentre.pickupDays(from: clock.now())
        var slots: [PickupSlot] = []
        for centre in ServiceCentre.serving(found, among: try await centres.serviceCentres(marketCode: found.marketCode, includeInactive: false)) {
            let booked = try await centres.pickupsBooked(centreId: centre.id, days: days)
            for day in days where centre.pickupsPerDay - booked[day, default: 0] > 0 {
                slots.append(PickupSlot(centre: centre, day: day, left: centre.pickupsPerDay - booked[day, default: 0]))
            }
        }
        return slots
    }

    /// The fan books a courier to collect the goods of their approved case; `conflict(pickup_full)`
    /// when the centre has no collection left that day.
    public func bookPickup(caseId: String, viewer: Account, centreId: String, day: String) async throws -> ServiceCase {
        _ = try await serviceCase(id: caseId, viewer: viewer)
        return try await move(
            caseId: caseId, step: CaseStep(event: .schedulePickup, note: "", pickupOn: day, centreId: centreId), actor: Self.actor(viewer),
            byFan: !viewer.role.isStaff)
    }

    /// A booked pickup's collection back, when the case was waiting for it.
    static func releasePickup(_ tx: any Transaction, _ serviceCase: ServiceCase, from: CaseStatus) async throws {
        guard from == .pickupScheduled, let centreId = serviceCase.centreId, let day = serviceCase.pickupOn else { return }
        try await tx.releasePickup(centreId: centreId, day: day)
    }

    /// A pickup day: a working day from tomorrow to two weeks ahead, `YYYY-MM-DD`.
    static func validate(pickupOn text: String, now: Date) throws -> String {
        guard ServiceCentre.pickupDays(from: now).contains(text) else {
            throw DomainError.invalid(field: "pickupOn", "a working day from tomorrow to two weeks ahead, YYYY-MM-DD")
        }
        return text
    }

    /// Who names a centre in a step, and so which centres they may name.
    enum CentreChooser {
        /// The fan books only a centre serving the case (``ServiceCentre/serving(_:among:)``).
        case fan
        /// Staff record any active centre of the case's market (goods handed in anywhere).
        case staff
        /// A brand names only its own active centres.
        case brand(String)
    }

    /// An active centre of the case's market that `chooser` may name.
    static func centre(_ tx: any Transaction, _ id: String, of serviceCase: ServiceCase, by chooser: CentreChooser) async throws -> ServiceCentre {
        let market = try await tx.serviceCentres(marketCode: serviceCase.marketCode, includeInactive: false)
        let allowed = switch chooser {
        case .fan: ServiceCentre.serving(serviceCase, among: market)
        case .staff: market
        case .brand(let brand): market.filter { $0.organisationId == brand }
        }
        guard let centre = allowed.first(where: { $0.id == id }) else {
            throw DomainError.invalid(
                field: "centreId", "an open service centre of market \(serviceCase.marketCode) for the case: \(allowed.map(\.id).joined(separator: ", "))")
        }
        return centre
    }
}
