import Foundation

/// Opt-in Wi-Fi sharing: an owner shares a hotspot from a device, devices nearby find it with
/// its password and keep their list in step by versioned deltas, connections keep it shown, and
/// an owner's revocation or 30 days without a connection hides it.
public struct HotspotDesk: Sendable {
    let hotspots: any HotspotRepository
    let seal: HotspotSeal
    let clock: any MilletClock

    /// The farthest a nearby search or a sync area reaches, in metres.
    public static let maxRadius = 20_000.0
    /// Hotspots an answer carries at most.
    public static let page = 500

    public init(hotspots: any HotspotRepository, seal: HotspotSeal, clock: any MilletClock) {
        self.hotspots = hotspots
        self.seal = seal
        self.clock = clock
    }

    /// A device shares a hotspot.
    public func share(_ device: Device, ssid: String, bssid: String, latitude: Double, longitude: Double, password: String) async throws -> Hotspot {
        try await hotspots.addHotspot(Hotspot.share(
            device: device, ssid: ssid, bssid: bssid, latitude: latitude, longitude: longitude, password: password, seal: seal, now: clock.now()))
    }

    /// A hotspot with its password, as only devices are given it.
    public struct Opened: Sendable {
        public let hotspot: Hotspot
        public let password: String
        public let distance: Double
    }

    /// The shown hotspots within `radius` metres of a point, nearest first, with their passwords.
    public func nearby(latitude: Double, longitude: Double, radius: Double) async throws -> [Opened] {
        let box = try Self.box(latitude: latitude, longitude: longitude, radius: radius)
        return try await hotspots.hotspots(latitudes: box.latitudes, longitudes: box.longitudes, limit: Self.page * 4)
            .compactMap { opened($0, latitude: latitude, longitude: longitude, radius: radius) }
            .sorted { $0.distance < $1.distance }
            .prefix(Self.page).map { $0 }
    }

    /// What changed in an area since version `since`: shown hotspots with their passwords, and
    /// the ids of those to drop; the version to ask from next, and whether more wait.
    public func changes(latitude: Double, longitude: Double, radius: Double, since: Int64)
        async throws -> (shown: [Opened], dropped: [String], version: Int64, more: Bool)
    {
        guard since >= 0 else { throw DomainError.invalid(field: "since", "must be a version from an earlier answer, or 0") }
        let box = try Self.box(latitude: latitude, longitude: longitude, radius: radius)
        let changed = try await hotspots.hotspotChanges(latitudes: box.latitudes, longitudes: box.longitudes, since: since, limit: Self.page)
        var shown: [Opened] = [], dropped: [String] = []
        for hotspot in changed {
            if !hotspot.hidden, let opened = opened(hotspot, latitude: latitude, longitude: longitude, radius: .infinity) {
                shown.append(opened)
            } else {
                dropped.append(hotspot.id)
            }
        }
        return (shown, dropped, changed.last?.version ?? since, changed.count == Self.page)
    }

    /// A device reports a connection; a successful one keeps the hotspot shown 30 more days.
    public func connected(hotspotId: String, success: Bool) async throws {
        guard let hotspot = try await hotspots.hotspot(id: hotspotId), !hotspot.hidden else { throw DomainError.notFound(what: "hotspot") }
        if success { try await hotspots.noteConnection(hotspotId: hotspot.id, at: clock.now()) }
    }

    /// The owner revokes a hotspot, from a device of theirs (`forbidden` from another).
    public func revoke(hotspotId: String, by device: Device) async throws -> Hotspot {
        guard let hotspot = try await hotspots.hotspot(id: hotspotId) else { throw DomainError.notFound(what: "hotspot") }
        guard hotspot.isOwned(byDevice: device) else { throw DomainError.forbidden(message: "only its owner revokes a hotspot") }
        return try await hotspots.revokeHotspot(id: hotspot.id, at: clock.now()) ?? hotspot
    }

    /// The owner revokes a hotspot from the account (`not_found` for someone else's).
    public func revoke(hotspotId: String, by account: Account) async throws -> Hotspot {
        guard let hotspot = try await hotspots.hotspot(id: hotspotId), hotspot.ownerAccountId == account.id else {
            throw DomainError.notFound(what: "hotspot")
        }
        return try await hotspots.revokeHotspot(id: hotspot.id, at: clock.now()) ?? hotspot
    }

    /// The hotspots an account's devices shared, for its owner (without passwords).
    public func shared(by account: Account) async throws -> [Hotspot] {
        try await hotspots.hotspots(ownerAccountId: account.id)
    }

    /// Hides hotspots nobody connected to for 30 days; for the schedule.
    @discardableResult
    public func hideIdle(limit: Int = 500) async throws -> Int {
        try await hotspots.hideIdleHotspots(now: clock.now(), limit: limit)
    }

    private func opened(_ hotspot: Hotspot, latitude: Double, longitude: Double, radius: Double) -> Opened? {
        let distance = hotspot.distance(toLatitude: latitude, longitude: longitude)
        guard distance <= radius, let password = seal.open(hotspot.sealedPassword, hotspotId: hotspot.id) else { return nil }
        return Opened(hotspot: hotspot, password: password, distance: distance)
    }

    /// The box of microdegrees around a circle.
    static func box(latitude: Double, longitude: Double, radius: Double) throws -> (latitudes: ClosedRange<Int64>, longitudes: ClosedRange<Int64>) {
        var check = Validator()
        check.require(latitude.isFinite && (-90...90).contains(latitude), "latitude", "must be from -90 to 90")
        check.require(longitude.isFinite && (-180...180).contains(longitude), "longitude", "must be from -180 to 180")
        check.require(radius.isFinite && (1...Self.maxRadius).contains(radius), "radius", "must be from 1 to 20000 metres")
        try check.check()
        let degreesLatitude = radius / 111_320
        let degreesLongitude = min(180, radius / (111_320 * max(0.01, cos(latitude * .pi / 180))))
        func micro(_ value: Double) -> Int64 { Int64((value * 1_000_000).rounded()) }
        return (micro(latitude - degreesLatitude)...micro(latitude + degreesLatitude),
                micro(longitude - degreesLongitude)...micro(longitude + degreesLongitude))
    }
}
