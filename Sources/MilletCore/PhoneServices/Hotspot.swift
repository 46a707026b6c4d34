import Crypto
import Foundation

/// A Wi-Fi hotspot a venue owner chose to share from a device. Its password is sealed at rest
/// (AES-GCM under a key outside the row) and opened only for devices: no answer to a person ever
/// carries it. A hotspot nobody connected to for 30 days is hidden, and its owner can revoke it;
/// either way devices drop it at their next sync.
public struct Hotspot: Hashable, Sendable {
    public let id: String
    public let ownerDeviceId: String
    /// The fan the sharing device belongs to, who may revoke it from the account too.
    public let ownerAccountId: String?
    public let ssid: String
    /// Lowercase `aa:bb:cc:dd:ee:ff`.
    public let bssid: String
    /// Microdegrees.
    public let latitude: Int64
    public let longitude: Int64
    /// The password sealed with ``HotspotSeal``; empty for an open network.
    public let sealedPassword: String
    public let createdAt: Date
    public internal(set) var lastSuccessAt: Date?
    public internal(set) var revokedAt: Date?
    /// Hidden from devices: revoked, or no successful connection for ``idleLimit``.
    public internal(set) var hidden: Bool
    /// Moves each time what devices see of it changes.
    public var version: Int64

    /// How long a hotspot stays shown without a successful connection.
    public static let idleLimit: TimeInterval = 30 * 86_400

    public init(
        id: String, ownerDeviceId: String, ownerAccountId: String?, ssid: String, bssid: String, latitude: Int64, longitude: Int64,
        sealedPassword: String, createdAt: Date, lastSuccessAt: Date?, revokedAt: Date?, hidden: Bool, version: Int64
    ) {
        self.id = id
        self.ownerDeviceId = ownerDeviceId
        self.ownerAccountId = ownerAccountId
        self.ssid = ssid
        self.bssid = bssid
        self.latitude = latitude
        self.longitude = longitude
        self.sealedPassword = sealedPassword
        self.createdAt = createdAt
        self.lastSuccessAt = lastSuccessAt
        self.revokedAt = revokedAt
        self.hidden = hidden
        self.version = version
    }

    /// When it is hidden unless someone connects before.
    public var idleUntil: Date { (lastSuccessAt ?? createdAt).addingTimeInterval(Self.idleLimit) }

    /// A new hotspot from what the owner's device sends; `invalid` names what is wrong.
    public static func share(
        device: Device, ssid: String, bssid: String, latitude: Double, longitude: Double, password: String, seal: HotspotSeal, now: Date
    ) throws -> Hotspot {
        var check = Validator()
        check.require((1...32).contains(ssid.utf8.count) && !ssid.contains { $0.isNewline || $0 == "\u{0}" }, "ssid", "must be 1 to 32 bytes")
        let bssid = bssid.lowercased()
        let octets = bssid.split(separator: ":", omittingEmptySubsequences: false)
        check.require(octets.count == 6 && octets.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }, "bssid", "must be a MAC address such as 3c:22:fb:01:02:03")
        check.require((-90...90).contains(latitude) && latitude.isFinite, "latitude", "must be from -90 to 90")
        check.require((-180...180).contains(longitude) && longitude.isFinite, "longitude", "must be from -180 to 180")
        check.require(password.isEmpty || ((8...63).contains(password.utf8.count) && password.allSatisfy { $0.isASCII && !$0.isNewline }),
                      "password", "must be empty for an open network, or 8 to 63 characters (WPA)")
        try check.check()
        let id = Identifier.make()
        return Hotspot(
            id: id, ownerDeviceId: device.id, ownerAccountId: device.ownerAccountId, ssid: ssid, bssid: bssid,
            latitude: Int64((latitude * 1_000_000).rounded()), longitude: Int64((longitude * 1_000_000).rounded()),
            sealedPassword: password.isEmpty ? "" : try seal.seal(password, hotspotId: id), createdAt: now, lastSuccessAt: nil, revokedAt: nil,
            hidden: false, version: 0)
    }

    /// Metres between the hotspot and a point (haversine).
    public func distance(toLatitude latitude: Double, longitude: Double) -> Double {
        let (a1, o1) = (Double(self.latitude) / 1_000_000 * .pi / 180, Double(self.longitude) / 1_000_000 * .pi / 180)
        let (a2, o2) = (latitude * .pi / 180, longitude * .pi / 180)
        let h = pow(sin((a2 - a1) / 2), 2) + cos(a1) * cos(a2) * pow(sin((o2 - o1) / 2), 2)
        return 2 * 6_371_000 * asin(min(1, h.squareRoot()))
    }

    /// Whether `device` may revoke it: the device that shared it, or any device or account of its owner.
    public func isOwned(byDevice device: Device) -> Bool {
        device.id == ownerDeviceId || (ownerAccountId != nil && device.ownerAccountId == ownerAccountId)
    }
}

/// Seals hotspot passwords with AES-GCM (256-bit key), the hotspot's id bound in as associated
/// data, so a sealed password copied to another row does not open.
public struct HotspotSeal: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// `key` is 32 bytes.
    public init(key: [UInt8]) {
        precondition(key.count == 32, "a hotspot key is 32 bytes")
        self.keyBytes = key
    }

    func seal(_ password: String, hotspotId: String) throws -> String {
        try AES.GCM.seal(Data(password.utf8), using: key, authenticating: Data(hotspotId.utf8)).combined!.base64EncodedString()
    }

    /// The password of a sealed one; `nil` when it does not open (another key, another row).
    public func open(_ sealed: String, hotspotId: String) -> String? {
        guard !sealed.isEmpty else { return "" }
        guard let combined = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: key, authenticating: Data(hotspotId.utf8)) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}

/// Where shared hotspots are kept; every change devices must see gives the hotspot the next version.
public protocol HotspotRepository: Sendable {
    /// Stores a new hotspot with the next version.
    func addHotspot(_ hotspot: Hotspot) async throws -> Hotspot
    func hotspot(id: String) async throws -> Hotspot?
    /// Shown hotspots within a box of microdegrees, at most `limit`.
    func hotspots(latitudes: ClosedRange<Int64>, longitudes: ClosedRange<Int64>, limit: Int) async throws -> [Hotspot]
    /// Hotspots in the box changed after version `since`, by version, at most `limit` (hidden ones included: to drop).
    func hotspotChanges(latitudes: ClosedRange<Int64>, longitudes: ClosedRange<Int64>, since: Int64, limit: Int) async throws -> [Hotspot]
    /// Revokes it (hidden, with the next version) unless it was already.
    func revokeHotspot(id: String, at: Date) async throws -> Hotspot?
    /// Notes a successful connection.
    func noteConnection(hotspotId: String, at: Date) async throws
    /// Hides, each with the next version, the shown hotspots whose idle time ran out by `now`
    /// (``Hotspot/idleUntil``); answers how many.
    func hideIdleHotspots(now: Date, limit: Int) async throws -> Int
    /// The hotspots shared by an account's devices, newest first.
    func hotspots(ownerAccountId: String) async throws -> [Hotspot]
}
