import Foundation
import Hummingbird
import MilletCore

/// Opt-in Wi-Fi sharing over the API. Devices share hotspots, find them nearby with their
/// passwords, keep their list in step and report connections; the owner revokes one from a device
/// or the account. Answers to people (the account's routes) never carry a password.
struct HotspotsController: Sendable {
    let desk: HotspotDesk
    let updates: FirmwareUpdates

    struct ShareBody: Decodable {
        let ssid, bssid: String
        let latitude, longitude: Double
        let password: String?
    }

    struct ConnectionBody: Decodable {
        let success: Bool
    }

    func addRoutes(to groups: RouteGroups) {
        groups.devices.post("devices/wifi/hotspots") { request, context in
            let device = try await context.requireRegisteredDevice(updates)
            let body = try await request.decodeJSON(ShareBody.self, context: context)
            let hotspot = try await desk.share(
                device, ssid: body.ssid, bssid: body.bssid, latitude: body.latitude, longitude: body.longitude, password: body.password ?? "")
            return SharedHotspotDTO(hotspot).with(status: .created)
        }
        groups.devices.get("devices/wifi/hotspots") { request, context in
            _ = try context.requireDevice()
            let (latitude, longitude, radius) = try Self.area(request)
            return NearbyHotspots(items: try await desk.nearby(latitude: latitude, longitude: longitude, radius: radius).map(DeviceHotspotDTO.init))
        }
        groups.devices.get("devices/wifi/changes") { request, context in
            _ = try context.requireDevice()
            let (latitude, longitude, radius) = try Self.area(request)
            let changes = try await desk.changes(latitude: latitude, longitude: longitude, radius: radius, since: try request.syncedVersion())
            return HotspotChangesDTO(version: changes.version, more: changes.more, items: changes.shown.map(DeviceHotspotDTO.init), dropped: changes.dropped)
        }
        groups.devices.post("devices/wifi/hotspots/:id/connections") { request, context in
            _ = try context.requireDevice()
            let body = try await request.decodeJSON(ConnectionBody.self, context: context)
            try await desk.connected(hotspotId: try context.parameters.require("id"), success: body.success)
            return Response(status: .noContent)
        }
        groups.devices.delete("devices/wifi/hotspots/:id") { _, context in
            SharedHotspotDTO(try await desk.revoke(hotspotId: try context.parameters.require("id"), by: try await context.requireRegisteredDevice(updates)))
        }
        groups.open.get("me/hotspots") { _, context in
            SharedHotspotList(items: try await desk.shared(by: try context.requireAccount()).map(SharedHotspotDTO.init))
        }
        groups.open.delete("me/hotspots/:id") { _, context in
            SharedHotspotDTO(try await desk.revoke(hotspotId: try context.parameters.require("id"), by: try context.requireAccount()))
        }
    }

    /// `latitude`, `longitude` and `radius` (metres, 1000 unless given) from the query.
    private static func area(_ request: Request) throws -> (Double, Double, Double) {
        (try number(request, "latitude", default: nil), try number(request, "longitude", default: nil), try number(request, "radius", default: 1000))
    }

    private static func number(_ request: Request, _ name: String, default fallback: Double?) throws -> Double {
        guard let text = request.uri.queryParameters[Substring(name)] else {
            guard let fallback else { throw DomainError.invalid(field: name, "is required") }
            return fallback
        }
        guard let value = Double(String(text)), value.isFinite else { throw DomainError.invalid(field: name, "must be a number") }
        return value
    }
}

/// A hotspot as its owner sees it: never its password.
struct SharedHotspotDTO: ResponseEncodable, Sendable {
    let id, ssid, bssid: String
    let latitude, longitude: Double
    let open, revoked, hidden: Bool
    let createdAt: Date
    let lastSuccessAt: Date?

    init(_ hotspot: Hotspot) {
        id = hotspot.id
        ssid = hotspot.ssid
        bssid = hotspot.bssid
        latitude = Double(hotspot.latitude) / 1_000_000
        longitude = Double(hotspot.longitude) / 1_000_000
        open = hotspot.sealedPassword.isEmpty
        revoked = hotspot.revokedAt != nil
        hidden = hotspot.hidden
        createdAt = hotspot.createdAt
        lastSuccessAt = hotspot.lastSuccessAt
    }
}

struct SharedHotspotList: ResponseEncodable, Sendable {
    let items: [SharedHotspotDTO]
}

/// A hotspot as a device is given it, to connect: with its password.
struct DeviceHotspotDTO: Encodable, Sendable {
    let id, ssid, bssid, password: String
    let latitude, longitude: Double
    /// Metres from the point asked about.
    let distance: Int

    init(_ opened: HotspotDesk.Opened) {
        id = opened.hotspot.id
        ssid = opened.hotspot.ssid
        bssid = opened.hotspot.bssid
        password = opened.password
        latitude = Double(opened.hotspot.latitude) / 1_000_000
        longitude = Double(opened.hotspot.longitude) / 1_000_000
        distance = Int(opened.distance.rounded())
    }
}

struct NearbyHotspots: ResponseEncodable, Sendable {
    let items: [DeviceHotspotDTO]
}

struct HotspotChangesDTO: ResponseEncodable, Sendable {
    let version: Int64
    let more: Bool
    let items: [DeviceHotspotDTO]
    /// Hotspots to forget: revoked, or idle for 30 days.
    let dropped: [String]
}
