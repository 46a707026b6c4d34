import Crypto
import Foundation

/// What kind of hardware a model is.
public enum DeviceKind: String, Sendable, Codable, CaseIterable {
    case phone, band, router, speaker, scooter, other
}

/// The channel a device takes updates from.
public typealias UpdateChannel = ReleaseChannel

/// A device model. Its factory key never leaves Millet and the factory: each unit is flashed with
/// `HMAC-SHA256(factoryKey, serial)`, which it shows once to register.
public struct DeviceModel: Hashable, Sendable {
    /// A slug such as `note-3`.
    public let id: String
    public let name: String
    public let kind: DeviceKind
    /// The community product line its release notes live under (`phones` ...).
    public let productLine: String
    public let factoryKey: String
    public let createdAt: Date
    /// The eco-chain brand (a partner organisation) that makes it; `nil` for the brand's own.
    /// Only its brand uploads its firmware and rolls it out, so no brand reaches another's devices.
    public let brandId: String?

    public init(id: String, name: String, kind: DeviceKind, productLine: String, factoryKey: String, createdAt: Date, brandId: String? = nil) {
        self.brandId = brandId
        self.id = id
        self.name = name
        self.kind = kind
        self.productLine = productLine
        self.factoryKey = factoryKey
        self.createdAt = createdAt
    }

    /// A new model with a fresh factory key; `invalid` for a bad slug or name.
    public static func create(id: String, name: String, kind: DeviceKind, productLine: String, now: Date, brandId: String? = nil) throws -> DeviceModel {
        var check = Validator()
        check.require((2...40).contains(id.count) && id.allSatisfy { ($0.isLowercase || $0.isNumber || $0 == "-") && $0.isASCII },
                      "id", "must be 2 to 40 lowercase letters, digits or dashes")
        check.requireLength(name, 2...80, "name", "must be 2 to 80 characters")
        check.requireLength(productLine, 2...40, "productLine", "must be 2 to 40 characters")
        try check.check()
        return DeviceModel(id: id, name: name, kind: kind, productLine: productLine, factoryKey: Secrets.hex(bytes: 32), createdAt: now, brandId: brandId)
    }

    /// The secret the factory flashes into the unit with this serial.
    public func factorySecret(serial: String) -> String {
        Self.factorySecret(serial: serial, factoryKey: factoryKey)
    }

    /// The secret for a serial under a factory key, for a factory (or a simulator) that holds only the key.
    public static func factorySecret(serial: String, factoryKey: String) -> String {
        Secrets.mac(serial, key: Array(factoryKey.utf8))
    }

    /// Whether `secret` is this serial's factory secret (compared in constant time).
    public func accepts(serial: String, secret: String) -> Bool {
        guard let bytes = Secrets.unhex(secret) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Data(serial.utf8), using: SymmetricKey(data: Data(factoryKey.utf8)))
    }
}

/// What a rollout looks at to decide whether it reaches a device, and what a check-in is
/// recorded under: its number, serial, model, market and channel.
public protocol UpdateTarget: Sendable {
    var number: Int64 { get }
    var serial: String { get }
    var modelId: String { get }
    var marketCode: String { get }
    var channel: UpdateChannel { get }
}

/// A device as its token shows it: what every node keeps in memory for each registered device
/// (``DeviceIndex``), enough to answer a check-in with no database read. Its owner and the rest
/// are read by number when a request needs them (``FirmwareUpdates/device(_:)``).
public struct DeviceIdentity: UpdateTarget, Hashable {
    public let number: Int64
    public let serial: String
    public let modelId: String
    public let marketCode: String
    public let channel: UpdateChannel

    /// The identity of a device; ``Device/identity`` makes one from a stored device.
    public init(number: Int64, serial: String, modelId: String, marketCode: String, channel: UpdateChannel) {
        self.number = number
        self.serial = serial
        self.modelId = modelId
        self.marketCode = marketCode
        self.channel = channel
    }
}

/// A registered device.
public struct Device: UpdateTarget, Hashable {
    public let id: String
    /// The store's small number for the device, given once at registration: check-ins are
    /// written under it, so a second's check-ins from a large fleet touch few pages.
    public let number: Int64
    public let serial: String
    public let modelId: String
    public let marketCode: String
    public let channel: UpdateChannel
    public let version: String
    public let registeredAt: Date
    public let lastSeenAt: Date?
    /// Set when the unit was sold through the store and its order shipped.
    public let ownerAccountId: String?
    public let orderId: String?
    public let warrantyStartsAt: Date?

    public init(
        id: String, number: Int64, serial: String, modelId: String, marketCode: String, channel: UpdateChannel, version: String, registeredAt: Date,
        lastSeenAt: Date?, ownerAccountId: String?, orderId: String?, warrantyStartsAt: Date?
    ) {
        self.id = id
        self.number = number
        self.serial = serial
        self.modelId = modelId
        self.marketCode = marketCode
        self.channel = channel
        self.version = version
        self.registeredAt = registeredAt
        self.lastSeenAt = lastSeenAt
        self.ownerAccountId = ownerAccountId
        self.orderId = orderId
        self.warrantyStartsAt = warrantyStartsAt
    }

    /// The device as its token shows it.
    public var identity: DeviceIdentity {
        DeviceIdentity(number: number, serial: serial, modelId: modelId, marketCode: marketCode, channel: channel)
    }
}

/// What a device sends to register.
public struct DeviceRegistration: Sendable, Equatable {
    public let serial: String
    public let modelId: String
    public let secret: String
    public let marketCode: String
    public let channel: UpdateChannel
    public let version: FirmwareVersion

    public init(serial: String, modelId: String, secret: String, marketCode: String, channel: String, version: String) throws {
        var check = Validator()
        check.require((4...64).contains(serial.count) && serial.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") },
                      "serial", "must be 4 to 64 letters, digits or dashes")
        check.require(secret.count == 64 && Secrets.unhex(secret) != nil, "secret", "must be the 64-character hex factory secret")
        check.require(marketCode.count == 2, "market", "must be a two-letter market code")
        let channel = UpdateChannel(rawValue: channel)
        check.require(channel != nil, "channel", "must be stable, beta or dev")
        let version = FirmwareVersion(version)
        check.require(version != nil, "version", "must be a version such as 14.0.7")
        try check.check()
        self.serial = serial.uppercased()
        self.modelId = modelId
        self.secret = secret.lowercased()
        self.marketCode = marketCode.uppercased()
        self.channel = channel!
        self.version = version!
    }
}

/// Device tokens start with `dev_` so they can never be mistaken for a person's session.
public enum DeviceToken {
    public static let prefix = "dev_"

    public static func make() -> String { prefix + Secrets.hex(bytes: 32) }

    public static func looksLikeDeviceToken(_ token: String) -> Bool { token.hasPrefix(prefix) }
}
