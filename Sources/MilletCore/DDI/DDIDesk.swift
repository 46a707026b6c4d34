import Foundation

/// The device side of hawkBit's Direct Device Integration API, so standard update agents
/// (SWUpdate's suricatta, RAUC's hawkBit updater) update from Millet: a poll is a check-in, an
/// action is the rollout that offers the device a build, and feedback is an install report,
/// counted by the rollout (stages, auto-halt, rollback) exactly like a Millet device's.
public struct DDIDesk: Sendable {
    let updates: FirmwareUpdates
    let devices: any DeviceRepository
    let firmware: any FirmwareRepository
    /// The tenant the brand's devices are under (hawkBit's `DEFAULT` unless set otherwise);
    /// compared without regard to case, as hawkBit does.
    public let tenant: String

    public init(updates: FirmwareUpdates, devices: any DeviceRepository, firmware: any FirmwareRepository, tenant: String = "DEFAULT") {
        self.updates = updates
        self.devices = devices
        self.firmware = firmware
        self.tenant = tenant
    }

    /// What a poll answers: when to poll again, and the action waiting, if any.
    public struct Poll: Sendable {
        public let sleepSeconds: Int
        public let action: Action?
    }

    /// An action: the rollout offering the device a build.
    public struct Action: Sendable {
        public let number: Int64
        public let rollout: Rollout
        public let build: FirmwareBuild
    }

    /// The device a `TargetToken` belongs to, read afresh (its version moves with its installs),
    /// when the path names this tenant and the device's own serial as the controller.
    public func device(tenant: String, controllerId: String, targetToken: String) async throws -> Device {
        guard tenant.caseInsensitiveCompare(self.tenant) == .orderedSame else { throw DomainError.notFound(what: "tenant") }
        guard DeviceToken.looksLikeDeviceToken(targetToken), let device = try await devices.device(tokenHash: Secrets.digest(targetToken)) else {
            throw DomainError.unauthenticated(message: "DDI routes take Authorization: TargetToken <the device's token>")
        }
        guard device.serial == controllerId else {
            throw DomainError.forbidden(message: "this token belongs to another controller")
        }
        return device
    }

    /// A poll: noted as the device's check-in; the action is what its live rollouts offer it,
    /// unless it already reported that rollout's install failed (the action is closed; a new
    /// rollout or a rollback brings the next one). `load` and `random` set the sleep as for a
    /// Millet check-in, cut to ``newActionSleep`` while the action waits unstarted.
    public func poll(_ device: Device, load: Double, random: Double) async throws -> Poll {
        let sleep = updates.policy.nextCheckIn(load: load, random: random)
        guard let version = FirmwareVersion(device.version) else { return Poll(sleepSeconds: sleep, action: nil) }
        updates.noteCheckIn(device, version: version)
        guard let (rollout, build) = try await updates.choice(for: device, version: version),
              let number = DDIAction.number(rolloutId: rollout.id)
        else { return Poll(sleepSeconds: sleep, action: nil) }
        let result = try await firmware.result(rolloutId: rollout.id, deviceId: device.id)
        guard result != .failed else { return Poll(sleepSeconds: sleep, action: nil) }
        // An action the device has not started: agents may take it only on their next poll
        // (SWUpdate sends its attributes first), so that poll comes soon.
        return Poll(sleepSeconds: result == nil ? min(sleep, Self.newActionSleep) : sleep,
                    action: Action(number: number, rollout: rollout, build: build))
    }

    /// Seconds to the next poll while an action waits that the device has not started.
    public static let newActionSleep = 10

    /// The action with this number among the rollouts of the device's model that reach it, with
    /// the build it offers (for a rolled-back rollout, the build it rolls back to); `not_found`
    /// otherwise.
    public func action(_ device: Device, number: Int64) async throws -> Action {
        guard let rollout = try await firmware.rollouts(modelId: device.modelId)
            .first(where: { DDIAction.number(rolloutId: $0.id) == number && $0.reaches(device) })
        else { throw DomainError.notFound(what: "action") }
        let buildId = rollout.state == .rolledBack ? (rollout.rollbackBuildId ?? rollout.buildId) : rollout.buildId
        guard let build = try await firmware.build(id: buildId) else { throw DomainError.notFound(what: "action") }
        return Action(number: number, rollout: rollout, build: build)
    }

    /// Counts an agent's feedback on an action as the install report it is: installed (the device
    /// now runs the action's build), failed or downloading. Feedback that counts nothing (a
    /// cancellation, a refusal) answers `nil`.
    @discardableResult
    public func feedback(_ device: Device, number: Int64, _ feedback: DDIFeedback) async throws -> (tally: InstallTally, halted: Bool)? {
        let action = try await action(device, number: number)
        guard let state = feedback.installState else { return nil }
        let version = state == .installed ? action.build.version : device.version
        guard let running = FirmwareVersion(version) else { throw DomainError.invalid(field: "version", "is not a version") }
        return try await updates.report(device, rolloutId: action.rollout.id, version: running, state: state, code: feedback.code)
    }
}

extension DDIDesk {
    /// The build with this id, when a rollout of the device's model that reaches it offers it (its
    /// build, or the build it rolls back to): what the device may download.
    public func offeredBuild(id: String, to device: Device) async throws -> FirmwareBuild? {
        let offering = try await firmware.rollouts(modelId: device.modelId)
            .contains { $0.reaches(device) && ($0.buildId == id || $0.rollbackBuildId == id) }
        return offering ? try await firmware.build(id: id) : nil
    }
}
