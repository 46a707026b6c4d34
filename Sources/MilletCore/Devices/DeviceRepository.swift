import Foundation

/// Device models, devices and their tokens.
public protocol DeviceRepository: Sendable {
    func createModel(_ model: DeviceModel) async throws
    func deviceModel(id: String) async throws -> DeviceModel?
    func deviceModels() async throws -> [DeviceModel]
    /// Registers a device (or a reset one again, which replaces its token); the token itself is
    /// never stored, only its SHA-256.
    func register(_ registration: DeviceRegistration, tokenHash: String, now: Date) async throws -> Device
    /// Registers a serial never seen before; `nil` when it is known (then nothing changes, its
    /// token least of all), also when another registration of it commits first.
    func registerNew(_ registration: DeviceRegistration, tokenHash: String, now: Date) async throws -> Device?
    func device(tokenHash: String) async throws -> Device?
    func device(serial: String) async throws -> Device?
    /// The device with this store number (``Device/number``), as stored now.
    func device(number: Int64) async throws -> Device?
    /// Records many check-ins in a few statements; a device's newer record (an install report)
    /// is never overwritten by an older check-in.
    func recordCheckIns(_ checkIns: [DeviceCheckIn]) async throws
    /// The devices a fan bought through the store.
    func devices(ownerAccountId: String) async throws -> [Device]
    /// Devices in the order their tokens were issued, after token number `after` (`nil`: from the
    /// start): how each node keeps its device index in step.
    func tokens(after: Int64?, limit: Int) async throws -> [IssuedToken]
    /// The `limit` tokens numbered up to `upTo`, newest first: read again on every sync in case one
    /// of them committed after a later one was read.
    func tokens(upTo: Int64, limit: Int) async throws -> [IssuedToken]
    /// Counts devices by model, market and version: what adoption charts are drawn from.
    func adoption(modelId: String) async throws -> [AdoptionCount]
}

/// A device and the hash of the token it was last given.
public struct IssuedToken: Sendable {
    public let tokenHash: String
    /// Tokens are numbered in the order they were issued.
    public let seq: Int64
    public let device: Device

    public init(tokenHash: String, seq: Int64, device: Device) {
        self.tokenHash = tokenHash
        self.seq = seq
        self.device = device
    }
}

/// One check-in waiting to be written.
public struct DeviceCheckIn: Sendable, Equatable {
    /// ``Device/number``.
    public let deviceNumber: Int64
    /// What the device said it runs; `nil` for a check-in that says nothing of it (a hawkBit poll).
    public let version: String?
    public let at: Date

    public init(deviceNumber: Int64, version: String?, at: Date) {
        self.deviceNumber = deviceNumber
        self.version = version
        self.at = at
    }
}

/// How many devices of a model run a version in a market.
public struct AdoptionCount: Hashable, Sendable {
    public let marketCode: String
    public let version: String
    public let devices: Int

    public init(marketCode: String, version: String, devices: Int) {
        self.marketCode = marketCode
        self.version = version
        self.devices = devices
    }
}
