import Foundation
import MilletCore
import SQLKit

extension SQLStore: ServiceCentreRepository {
    public func serviceCentres(marketCode: String, includeInactive: Bool) async throws -> [ServiceCentre] {
        try await read { db in try await Self.serviceCentres(db: db, marketCode: marketCode, includeInactive: includeInactive) }
    }

    public func serviceCentres(organisationId: String) async throws -> [ServiceCentre] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM service_centres WHERE organisation_id = \(bind: organisationId) ORDER BY market_code, name, id
                """).all().map(Self.serviceCentre(from:))
        }
    }

    public func serviceCentre(id: String) async throws -> ServiceCentre? {
        try await read { db in try await Self.serviceCentre(db: db, id: id) }
    }

    @discardableResult
    public func save(_ centre: ServiceCentre) async throws -> Bool {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO service_centres (id, market_code, name, address, hours, pickups_per_day, active, organisation_id)
                VALUES (\(bind: centre.id), \(bind: centre.marketCode), \(bind: centre.name), \(bind: centre.address), \(bind: centre.hours),
                    \(bind: Int64(centre.pickupsPerDay)), \(bind: Int64(centre.active ? 1 : 0)), \(bind: centre.organisationId))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, hours = excluded.hours,
                    pickups_per_day = excluded.pickups_per_day, active = excluded.active
                WHERE COALESCE(service_centres.organisation_id, '') = COALESCE(excluded.organisation_id, '')
                    AND service_centres.market_code = excluded.market_code
                RETURNING id
                """).first() != nil
        }
    }

    public func pickupsBooked(centreId: String, days: [String]) async throws -> [String: Int] {
        guard !days.isEmpty else { return [:] }
        return try await read { db in
            var booked: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT day, booked FROM pickup_bookings WHERE centre_id = \(bind: centreId) AND day IN (\(binds: days))
                """).all() {
                booked[try row.string("day")] = Int(try row.int("booked"))
            }
            return booked
        }
    }

    public func pickups(day: String, centreId: String?) async throws -> [ServiceCase] {
        try await read { db in
            try await Self.loadServiceCases(db: db, rows: db.raw("""
                SELECT * FROM service_cases
                WHERE pickup_on = \(bind: day) AND status = 'pickup_scheduled' AND (\(bind: centreId) IS NULL OR centre_id = \(bind: centreId))
                ORDER BY centre_id, created_at, id
                """).all())
        }
    }

    static func serviceCentres(db: any SQLDatabase, marketCode: String, includeInactive: Bool) async throws -> [ServiceCentre] {
        try await db.raw("""
            SELECT * FROM service_centres WHERE market_code = \(bind: marketCode) AND (active = 1 OR \(bind: Int64(includeInactive ? 1 : 0)) = 1)
            ORDER BY name, id
            """).all().map(serviceCentre(from:))
    }

    static func serviceCentre(db: any SQLDatabase, id: String) async throws -> ServiceCentre? {
        try await db.raw("SELECT * FROM service_centres WHERE id = \(bind: id)").first().map(serviceCentre(from:))
    }

    static func serviceCentre(from row: any SQLRow) throws -> ServiceCentre {
        try ServiceCentre(
            id: try row.string("id"), marketCode: try row.string("market_code"), name: try row.string("name"), address: try row.string("address"),
            hours: try row.string("hours"), pickupsPerDay: Int(try row.int("pickups_per_day")), active: try row.bool("active"),
            organisationId: try row.optionalString("organisation_id"))
    }
}
