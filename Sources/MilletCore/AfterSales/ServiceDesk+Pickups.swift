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

    /// An active centre of the case's market that serves it (``ServiceCentre/serving(_:among:)``),
    /// and the `actingBrand`'s own when a brand names it.
    static func centre(_ tx: any Transaction, _ id: String, of serviceCase: ServiceCase, actingBrand: String? = nil) async throws -> ServiceCentre {
        let serving = ServiceCentre.serving(serviceCase, among: try await tx.serviceCentres(marketCode: serviceCase.marketCode, includeInactive: false))
            .filter { actingBrand == nil || $0.organisationId == actingBrand }
        guard let centre = serving.first(where: { $0.id == id }) else {
            throw DomainError.invalid(
                field: "centreId", "an open service centre of market \(serviceCase.marketCode) serving the case: \(serving.map(\.id).joined(separator: ", "))")
        }
        return centre
    }
}
