import Foundation

/// When a device should check in next: the base interval with random jitter, so a fleet
/// does not come back all at once, stretched when the server is busy.
public struct CheckInPolicy: Sendable, Equatable {
    public var interval: TimeInterval
    /// Plus or minus this share of the interval, at random.
    public var jitter: Double
    /// At full load the interval is this many times longer.
    public var maxBackoff: Double

    public init(interval: TimeInterval = 6 * 3600, jitter: Double = 0.2, maxBackoff: Double = 8) {
        self.interval = interval
        self.jitter = jitter
        self.maxBackoff = maxBackoff
    }

    /// Seconds to the next check-in. `load` is 0 when idle and 1 or more when saturated;
    /// `random` is a number in 0..<1.
    public func nextCheckIn(load: Double, random: Double) -> Int {
        let stretch = 1 + (maxBackoff - 1) * min(max(load, 0), 1)
        let spread = 1 + jitter * (2 * random - 1)
        return max(60, Int((interval * stretch * spread).rounded()))
    }
}

/// Picks what a checking-in device should install, if anything: from a rolled-back rollout the
/// build it rolls back to (for devices on the bad build), otherwise the newest build of an
/// active or completed rollout that targets the device and whose current stage includes it (a
/// completed one includes every device, so units that register later still update).
public enum OfferChooser {
    public static func choose(
        device: Device, version: FirmwareVersion, rollouts: [Rollout], builds: [String: FirmwareBuild]
    ) -> (rollout: Rollout, build: FirmwareBuild)? {
        var best: (rollout: Rollout, build: FirmwareBuild, version: FirmwareVersion)?
        for rollout in rollouts where rollout.modelId == device.modelId && rollout.channel == device.channel {
            guard let build = builds[rollout.buildId], let buildVersion = FirmwareVersion(build.version) else { continue }
            switch rollout.state {
            case .rolledBack:
                guard version == buildVersion, let target = rollout.rollbackBuildId.flatMap({ builds[$0] }) else { continue }
                return (rollout, target)
            case .active, .completed:
                guard rollout.targets(device, version: version), rollout.includes(serial: device.serial),
                      buildVersion > version, build.accepts(from: version) else { continue }
                if best == nil || buildVersion > best!.version { best = (rollout, build, buildVersion) }
            default:
                continue
            }
        }
        return best.map { ($0.rollout, $0.build) }
    }
}

/// Device models, devices and their tokens.
public protocol DeviceRepository: Sendable {
    func createModel(_ model: DeviceModel) async throws
    func deviceModel(id: String) async throws -> DeviceModel?
    func deviceModels() async throws -> [DeviceModel]
    /// Registers a device (or a reset one again, which replaces its token); the token itself is
    /// never stored, only its SHA-256.
    func register(_ registration: DeviceRegistration, tokenHash: String, now: Date) async throws -> Device
    func device(tokenHash: String) async throws -> Device?
    func device(serial: String) async throws -> Device?
    /// Records a check-in: when, and on which version.
    func checkedIn(deviceId: String, version: String, now: Date) async throws
    /// Records many check-ins in a few statements; a device's newer record (an install report)
    /// is never overwritten by an older check-in.
    func recordCheckIns(_ checkIns: [DeviceCheckIn]) async throws
    /// Records the serials shipped in an order and links any device already registered with one;
    /// `conflict(serial_sold)` when a serial went out in another order.
    func recordSale(serials: [String], orderId: String, accountId: String, at: Date) async throws
    /// The order a serial went out in, if it was sold through the store.
    func saleOrder(serial: String) async throws -> String?
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
    public let deviceId: String
    public let version: String
    public let at: Date

    public init(deviceId: String, version: String, at: Date) {
        self.deviceId = deviceId
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

/// Firmware builds, signing keys, rollouts and install reports.
public protocol FirmwareRepository: Sendable {
    /// `conflict(version_exists)` when the model has this version already.
    func addBuild(_ build: FirmwareBuild) async throws
    func build(id: String) async throws -> FirmwareBuild?
    func build(sha256: String) async throws -> FirmwareBuild?
    func builds(modelId: String) async throws -> [FirmwareBuild]

    func addSigningKey(_ key: SigningKey) async throws
    func retireSigningKey(id: String, now: Date) async throws
    func signingKeys() async throws -> [SigningKey]

    func createRollout(_ rollout: Rollout) async throws
    func rollout(id: String) async throws -> Rollout?
    func rollouts(modelId: String?) async throws -> [Rollout]
    /// Rollouts that can offer something: active, completed and rolled back.
    func liveRollouts() async throws -> [Rollout]
    /// Applies a command in one transaction and records it in the rollout's history. With
    /// `ifStage`, a rollout that has left that stage meanwhile is answered unchanged (so two nodes
    /// running the schedule advance it once).
    func command(rolloutId: String, _ command: RolloutCommand, actor: String, now: Date, ifStage: Int?) async throws -> Rollout
    /// Stores an install report; when it makes the failure share cross the rollout's threshold the
    /// rollout halts in the same transaction. Answers the tally and whether it halted now.
    func report(rolloutId: String, deviceId: String, version: String, state: InstallState, code: String?, now: Date) async throws
        -> (tally: InstallTally, halted: Bool)
    func tally(rolloutId: String) async throws -> InstallTally
    /// Install results per minute, for the failure-rate chart.
    func reportTimeline(rolloutId: String) async throws -> [(minute: Date, installed: Int, failed: Int)]
    /// Rollout history: commands and automatic halts.
    func rolloutEvents(rolloutId: String) async throws -> [RolloutEvent]
}

/// One line of a rollout's history.
public struct RolloutEvent: Hashable, Sendable {
    public let action: String
    public let actor: String
    public let detail: String?
    public let at: Date

    public init(action: String, actor: String, detail: String?, at: Date) {
        self.action = action
        self.actor = actor
        self.detail = detail
        self.at = at
    }
}
