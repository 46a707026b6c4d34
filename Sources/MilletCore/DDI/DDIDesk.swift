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
        /// Seconds until the agent should poll again.
        public let sleepSeconds: Int
        public let action: Action?
    }

    /// An action: a rollout installing one build on the device (its own build, or after a
    /// rollback the build it rolls back to).
    public struct Action: Sendable {
        /// ``DDIAction/number(rolloutId:buildId:)``: what the agent calls the action.
        public let number: Int64
        public let rollout: Rollout
        public let build: FirmwareBuild

        /// The rollout's rollback, not its own build.
        public var isRollback: Bool { build.id != rollout.buildId }
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

    /// A poll, noted as the device's check-in (it says nothing of its version: that moves with
    /// its install reports). The action is, first, one the device started and has not closed,
    /// even if its rollout was halted or paused since (so the agent can still confirm it);
    /// otherwise what its live rollouts offer it, unless it closed that action with a failure
    /// (a rollback or a new rollout brings the next one). `load` and `random` set the sleep as for
    /// a Millet check-in; while an action waits that the device has not started, the sleep is
    /// ``newActionSleep`` (stretched under load the same way), because agents may take an action
    /// only on the poll after the one that shows it (SWUpdate sends its attributes first).
    public func poll(_ device: Device, load: Double, random: Double) async throws -> Poll {
        let sleep = updates.policy.nextCheckIn(load: load, random: random)
        updates.noteCheckIn(device, version: nil)
        let results = try await firmware.results(deviceId: device.id)
        for (rolloutId, state) in results where state == .downloading {
            guard let rollout = try await firmware.rollout(id: rolloutId), rollout.reaches(device),
                  let build = try await firmware.build(id: rollout.buildId) else { continue }
            return Poll(sleepSeconds: sleep, action: action(rollout, build))
        }
        guard let version = FirmwareVersion(device.version), let (rollout, build) = try await updates.choice(for: device, version: version) else {
            return Poll(sleepSeconds: sleep, action: nil)
        }
        let offered = action(rollout, build), result = results[rollout.id]
        if !offered.isRollback && result == .failed { return Poll(sleepSeconds: sleep, action: nil) }
        let started = offered.isRollback ? result == .downloading : result != nil
        let soon = Int(Double(Self.newActionSleep) * updates.policy.stretch(load: load))
        return Poll(sleepSeconds: started ? sleep : min(sleep, soon), action: offered)
    }

    /// Seconds to the next poll, when idle, while an action waits that the device has not started.
    public static let newActionSleep = 10

    private func action(_ rollout: Rollout, _ build: FirmwareBuild) -> Action {
        Action(number: DDIAction.number(rolloutId: rollout.id, buildId: build.id), rollout: rollout, build: build)
    }

    /// The action with this number among the rollouts of the device's model that reach it (their
    /// own builds, and the builds rolled-back ones roll back to); `not_found` otherwise.
    public func action(_ device: Device, number: Int64) async throws -> Action {
        for rollout in try await firmware.rollouts(modelId: device.modelId) where rollout.reaches(device) {
            let builds = [rollout.buildId] + (rollout.state == .rolledBack ? [rollout.rollbackBuildId].compactMap { $0 } : [])
            guard let buildId = builds.first(where: { DDIAction.number(rolloutId: rollout.id, buildId: $0) == number }) else { continue }
            guard let build = try await firmware.build(id: buildId) else { break }
            return action(rollout, build)
        }
        throw DomainError.notFound(what: "action")
    }

    /// Counts an agent's feedback on an action as the install report it is: installed (the device
    /// now runs the action's build), failed or downloading. Feedback that counts nothing (a
    /// cancellation, a refusal, a step reported after the device closed the action) answers `nil`.
    @discardableResult
    public func feedback(_ device: Device, number: Int64, _ feedback: DDIFeedback) async throws -> (tally: InstallTally, halted: Bool)? {
        let action = try await action(device, number: number)
        guard let state = feedback.installState else { return nil }
        if state == .downloading, !action.isRollback,
           let closed = try await firmware.results(deviceId: device.id)[action.rollout.id], closed != .downloading { return nil }
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
