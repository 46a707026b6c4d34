import Foundation
import MilletCore
import SQLKit

extension SQLStore: HotspotRepository {
    public func addHotspot(_ hotspot: Hotspot) async throws -> Hotspot {
        try await sqlTransaction { db in
            var hotspot = hotspot
            hotspot.version = try await Self.nextVersions(db: db, .hotspots)
            try await db.raw("""
                INSERT INTO hotspots (id, owner_device_id, owner_account_id, ssid, bssid, latitude, longitude, sealed_password, created_at,
                    idle_until, hidden, version)
                VALUES (\(bind: hotspot.id), \(bind: hotspot.ownerDeviceId), \(bind: hotspot.ownerAccountId), \(bind: hotspot.ssid),
                    \(bind: hotspot.bssid), \(bind: hotspot.latitude), \(bind: hotspot.longitude), \(bind: hotspot.sealedPassword),
                    \(bind: hotspot.createdAt.millis), \(bind: hotspot.idleUntil.millis), 0, \(bind: hotspot.version))
                """).run()
            return hotspot
        }
    }

    public func hotspot(id: String) async throws -> Hotspot? {
        try await read { db in try await db.raw("SELECT * FROM hotspots WHERE id = \(bind: id)").first().map(Self.hotspot(from:)) }
    }

    public func hotspots(latitudes: ClosedRange<Int64>, longitudes: ClosedRange<Int64>, limit: Int) async throws -> [Hotspot] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM hotspots WHERE latitude BETWEEN \(bind: latitudes.lowerBound) AND \(bind: latitudes.upperBound)
                    AND longitude BETWEEN \(bind: longitudes.lowerBound) AND \(bind: longitudes.upperBound) AND hidden = 0
                LIMIT \(bind: Int64(limit))
                """).all().map(Self.hotspot(from:))
        }
    }

    public func hotspotChanges(latitudes: ClosedRange<Int64>, longitudes: ClosedRange<Int64>, since: Int64, limit: Int) async throws -> [Hotspot] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM hotspots WHERE version > \(bind: since)
                    AND latitude BETWEEN \(bind: latitudes.lowerBound) AND \(bind: latitudes.upperBound)
                    AND longitude BETWEEN \(bind: longitudes.lowerBound) AND \(bind: longitudes.upperBound)
                ORDER BY version LIMIT \(bind: Int64(limit))
                """).all().map(Self.hotspot(from:))
        }
    }

    public func revokeHotspot(id: String, at: Date) async throws -> Hotspot? {
        try await sqlTransaction { db in
            let version = try await Self.nextVersions(db: db, .hotspots)
            return try await db.raw("""
                UPDATE hotspots SET revoked_at = \(bind: at.millis), hidden = 1, version = \(bind: version)
                WHERE id = \(bind: id) AND revoked_at IS NULL
                RETURNING *
                """).first().map(Self.hotspot(from:))
        }
    }

    public func noteConnection(hotspotId: String, at: Date) async throws {
        // One statement, committed on its own; a later connection never moves the time back.
        try await read { db in
            try await db.raw("""
                UPDATE hotspots SET last_success_at = \(bind: at.millis), idle_until = \(bind: at.addingTimeInterval(Hotspot.idleLimit).millis)
                WHERE id = \(bind: hotspotId) AND hidden = 0 AND (last_success_at IS NULL OR last_success_at < \(bind: at.millis))
                """).run()
        }
    }

    public func hideIdleHotspots(now: Date, limit: Int) async throws -> Int {
        let due = try await read { db in
            try await db.raw("""
                SELECT id FROM hotspots WHERE hidden = 0 AND idle_until <= \(bind: now.millis)
                LIMIT \(bind: Int64(limit))
                """).all().map { try $0.string("id") }
        }
        var hidden = 0
        for id in due {
            // Each with a version of its own, so a page of the delta never splits one version.
            hidden += try await sqlTransaction { db in
                let version = try await Self.nextVersions(db: db, .hotspots)
                return try await db.raw("""
                    UPDATE hotspots SET hidden = 1, version = \(bind: version)
                    WHERE id = \(bind: id) AND hidden = 0 AND idle_until <= \(bind: now.millis)
                    RETURNING id
                    """).all().count
            }
        }
        return hidden
    }

    public func hotspots(ownerAccountId: String) async throws -> [Hotspot] {
        try await read { db in
            try await db.raw("SELECT * FROM hotspots WHERE owner_account_id = \(bind: ownerAccountId) ORDER BY created_at DESC LIMIT 200")
                .all().map(Self.hotspot(from:))
        }
    }
}

extension SQLStore {
    /// A counter of versions devices sync by: hotspots' or number labels'.
    enum VersionCounter: String {
        case hotspots = "hotspot_version"
        case numberLabels = "number_label_version"
    }

    /// Takes the counter's next `count` versions and answers the first. Its row stays locked
    /// until the commit, so versions are committed in order and a delta never skips one.
    static func nextVersions(db: any SQLDatabase, _ counter: VersionCounter, count: Int = 1) async throws -> Int64 {
        guard let row = try await db.raw("""
            UPDATE \(unsafeRaw: counter.rawValue) SET value = value + \(bind: Int64(count)) WHERE id = 1 RETURNING value
            """).first() else { throw DomainError.notFound(what: "version counter") }
        return try row.int("value") - Int64(count) + 1
    }

    static func hotspot(from row: any SQLRow) throws -> Hotspot {
        Hotspot(
            id: try row.string("id"), ownerDeviceId: try row.string("owner_device_id"), ownerAccountId: try row.optionalString("owner_account_id"),
            ssid: try row.string("ssid"), bssid: try row.string("bssid"), latitude: try row.int("latitude"), longitude: try row.int("longitude"),
            sealedPassword: try row.string("sealed_password"), createdAt: try row.date("created_at"),
            lastSuccessAt: try row.optionalDate("last_success_at"), revokedAt: try row.optionalDate("revoked_at"), hidden: try row.bool("hidden"),
            version: try row.int("version"))
    }
}
