import Foundation

/// The device side of hawkBit's Direct Device Integration API, so standard update agents
/// (SWUpdate's suricatta is the one tested) update from Millet: a poll is a check-in, an
/// action is the rollout that offers the device a build, and feedback is an install report,
/// counted by the rollout (stages, auto-halt, rollback) exactly like a Millet device's.
public struct DDIDesk: Sendable {
    let updates: FirmwareUpdates
    let devices: any DeviceRepository
    let firmware: any FirmwareRepository
    let gateways: any DDIGatewayRepository
    let attributes: any DeviceAttributeRepository
    let cancellations: any DDICancellationRepository
    let clock: any MilletClock
    /// The tenant the brand's devices are under (hawkBit's `DEFAULT` unless set otherwise);
    /// compared without regard to case, as hawkBit does.
    public let tenant: String

    public init(
        updates: FirmwareUpdates, devices: any DeviceRepository, firmware: any FirmwareRepository, gateways: any DDIGatewayRepository,
        attributes: any DeviceAttributeRepository, cancellations: any DDICancellationRepository, clock: any MilletClock,
        tenant: String = "DEFAULT"
    ) {
        self.attributes = attributes
        self.cancellations = cancellations
        self.updates = updates
        self.devices = devices
        self.firmware = firmware
        self.gateways = gateways
        self.clock = clock
        self.tenant = tenant
    }

    /// What a poll answers: when to poll again, and the action waiting, if any.
    public struct Poll: Sendable {
        /// Seconds until the agent should poll again.
        public let sleepSeconds: Int
        public let action: Action?
        /// The device is asked to cancel ``action`` (hawkBit's `cancelAction`), not to install it.
        public var cancels = false
        /// The agent has not said what it is yet: the poll asks for its attributes (`configData`).
        public var wantsAttributes = false
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

    /// The device the path's controller id (its serial) names, read afresh (its version moves with
    /// its installs), when the path names this tenant. With a `TargetToken` it must be that
    /// device's token. With the tenant's `GatewayToken` it is the device of that serial, which
    /// must be of the gateway's model; a serial seen for the first time is registered under the
    /// gateway's model, market and channel, as Millet's registration would.
    public func device(tenant: String, controllerId: String, credential: DDICredential) async throws -> Device {
        guard tenant.caseInsensitiveCompare(self.tenant) == .orderedSame else { throw DomainError.notFound(what: "tenant") }
        let serial = controllerId.uppercased()
        switch credential {
        case .target(let token):
            guard DeviceToken.looksLikeDeviceToken(token), let device = try await devices.device(tokenHash: Secrets.digest(token)) else {
                throw Self.unauthenticated
            }
            guard device.serial == serial else { throw DomainError.forbidden(message: "this token belongs to another controller") }
            return device
        case .gateway(let token):
            guard let gateway = try await gateways.gateway(tenant: self.tenant), Secrets.equal(Secrets.digest(token), gateway.tokenHash) else {
                throw Self.unauthenticated
            }
            if let device = try await devices.device(serial: serial) { return try Self.gateway(gateway, admits: device) }
            guard serial.hasPrefix(gateway.serialPrefix) else {
                throw DomainError.forbidden(message: "the gateway registers only serials that start with \(gateway.serialPrefix)")
            }
            guard let model = try await devices.deviceModel(id: gateway.modelId) else { throw DomainError.notFound(what: "device model") }
            let registration = try DeviceRegistration(
                serial: serial, modelId: model.id, secret: model.factorySecret(serial: serial), marketCode: gateway.marketCode,
                channel: gateway.channel.rawValue, version: DDIGateway.unknownVersion)
            if let (device, _) = try await updates.registerNew(registration) { return device }
            // Registered a moment ago, by the device itself or another poll through the gateway.
            guard let device = try await devices.device(serial: serial) else { throw DomainError.notFound(what: "device") }
            return try Self.gateway(gateway, admits: device)
        }
    }

    /// A device the gateway speaks for: one of its model.
    private static func gateway(_ gateway: DDIGateway, admits device: Device) throws -> Device {
        guard device.modelId == gateway.modelId else {
            throw DomainError.forbidden(message: "serial \(device.serial) is registered as another model than the gateway's")
        }
        return device
    }

    /// What a DDI request without a credential Millet takes is told.
    public static let unauthenticated = DomainError.unauthenticated(
        message: "DDI routes take Authorization: TargetToken <the device's token> or GatewayToken <the tenant's gateway token>")

    /// Sets this tenant's gateway for devices of `modelId`, in `marketCode` on `channel`, registering
    /// new serials that start with `serialPrefix` (the model's serial series: the gateway's holder
    /// could otherwise claim any serial for its model); answers it and its token, shown this once.
    /// The gateway before it, if any, stops working.
    public func setGateway(modelId: String, marketCode: String, channel: String, serialPrefix: String) async throws
        -> (gateway: DDIGateway, token: String)
    {
        var check = Validator()
        check.require((1...32).contains(serialPrefix.count) && serialPrefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") },
                      "serialPrefix", "must be 1 to 32 letters, digits or dashes")
        try check.check()
        guard try await devices.deviceModel(id: modelId) != nil else { throw DomainError.invalid(field: "model", "unknown device model") }
        guard let channel = UpdateChannel(rawValue: channel) else { throw DomainError.invalid(field: "channel", "must be stable, beta or dev") }
        let token = "gw_" + Secrets.hex(bytes: 24)
        let gateway = DDIGateway(
            tenant: tenant, tokenHash: Secrets.digest(token), modelId: modelId, marketCode: marketCode.uppercased(), channel: channel,
            serialPrefix: serialPrefix.uppercased(), createdAt: clock.now())
        try await gateways.saveGateway(gateway)
        return (gateway, token)
    }

    /// This tenant's gateway, if staff set one.
    public func gateway() async throws -> DDIGateway? {
        try await gateways.gateway(tenant: tenant)
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
        var poll = try await action(polledBy: device, load: load, random: random)
        poll.wantsAttributes = try await attributes.attributes(deviceId: device.id) == nil
        return poll
    }

    /// Stores what the agent says of the device (`configData`), in hawkBit's modes; answers the
    /// attributes after it.
    @discardableResult
    public func configure(_ device: Device, mode: DeviceAttributes.Mode, data: [String: String]) async throws -> [String: String] {
        try DeviceAttributes.validate(data)
        return try await attributes.updateAttributes(deviceId: device.id, mode: mode, data: data, at: clock.now())
    }

    /// What the device's agent said of it, for staff; `not_found` for an unknown serial, and no
    /// attributes when its agent never sent any.
    public func attributes(serial: String) async throws -> (device: Device, attributes: [String: String]?) {
        guard let device = try await devices.device(serial: serial.uppercased()) else { throw DomainError.notFound(what: "device") }
        return (device, try await attributes.attributes(deviceId: device.id))
    }

    private func action(polledBy device: Device, load: Double, random: Double) async throws -> Poll {
        let sleep = updates.policy.nextCheckIn(load: load, random: random)
        let soon = min(sleep, Int(Double(Self.newActionSleep) * updates.policy.stretch(load: load)))
        updates.noteCheckIn(device, version: nil)
        let results = try await firmware.results(deviceId: device.id)
        for (rolloutId, state) in results where state == .downloading {
            guard let rollout = try await firmware.rollout(id: rolloutId), let (started, cancel) = try await started(device, rollout) else { continue }
            // Agents look for a cancellation between download steps only as often as they poll.
            return Poll(sleepSeconds: cancel ? soon : sleep, action: started, cancels: cancel)
        }
        guard let version = FirmwareVersion(device.version), let (rollout, build) = try await updates.choice(for: device, version: version) else {
            return Poll(sleepSeconds: sleep, action: nil)
        }
        let offered = action(rollout, build), result = results[rollout.id]
        if !offered.isRollback && result == .failed { return Poll(sleepSeconds: sleep, action: nil) }
        let started = offered.isRollback ? result == .downloading : result != nil
        return Poll(sleepSeconds: started ? sleep : soon, action: offered)
    }

    /// The action the device started in `rollout` and has not closed, and whether it is asked to
    /// cancel it. Once the rollout is rolled back, a device that runs its build is under way with
    /// the rollback. A device still installing the build of a halted or rolled-back rollout keeps
    /// its action (so the agent can confirm what it installed) until staff ask such devices to
    /// cancel (``askToCancel(rolloutId:actor:)``), and again once its agent refused.
    private func started(_ device: Device, _ rollout: Rollout) async throws -> (Action, cancel: Bool)? {
        guard rollout.reaches(device), let build = try await firmware.build(id: rollout.buildId) else { return nil }
        if rollout.state == .rolledBack, FirmwareVersion(device.version) == FirmwareVersion(build.version) {
            guard let backId = rollout.rollbackBuildId, let back = try await firmware.build(id: backId) else { return nil }
            return (action(rollout, back), false)
        }
        guard rollout.isStopped else { return (action(rollout, build), false) }
        let asked = try await cancellations.cancellations(deviceId: device.id)[rollout.id] == .asked
        return (action(rollout, build), asked)
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
        if state == .downloading, !action.isRollback {
            let result = try await firmware.results(deviceId: device.id)[action.rollout.id]
            // A step after the device closed the action, or one that would start an action a stopped
            // rollout no longer offers (a late step after a cancellation), counts nothing.
            if result.map({ $0 != .downloading }) ?? action.rollout.isStopped { return nil }
        }
        let version = state == .installed ? action.build.version : device.version
        guard let running = FirmwareVersion(version) else { throw DomainError.invalid(field: "version", "is not a version") }
        return try await updates.report(device, rolloutId: action.rollout.id, version: running, state: state, code: feedback.code)
    }
}

extension DDIDesk {
    /// The action the device is asked to cancel, by its number (hawkBit's `cancelAction/{id}`);
    /// `not_found` when none is.
    public func cancelAction(_ device: Device, number: Int64) async throws -> Action {
        let action = try await action(device, number: number)
        guard try await asksCancel(device, action) else { throw DomainError.notFound(what: "cancel action") }
        return action
    }

    /// Asks every DDI device still installing the build of a halted or rolled-back rollout to
    /// cancel (`conflict(rollout_running)` while it runs); answers how many were asked. An agent
    /// that has installed but not yet confirmed may agree all the same (SWUpdate does), and then
    /// runs a build Millet does not know it runs: staff weigh that against stopping the rest.
    public func askToCancel(rolloutId: String, actor: String) async throws -> Int {
        let rollout = try await firmware.requireRollout(id: rolloutId)
        guard rollout.isStopped else {
            throw DomainError.conflict(code: "rollout_running", message: "only a halted or rolled-back rollout's installs are cancelled")
        }
        return try await cancellations.askCancellations(rolloutId: rollout.id, actor: actor, at: clock.now())
    }

    /// The agent's answer to a cancellation: `closed` (stopped) withdraws its open result, so the
    /// rollout counts the device as never started; `rejected` leaves the action open. A step
    /// under way records nothing; answering again once it is settled changes nothing; answering
    /// where no cancellation was asked is `conflict(not_canceling)`.
    public func cancelFeedback(_ device: Device, number: Int64, _ feedback: DDIFeedback) async throws {
        let action = try await action(device, number: number)
        guard let answer = DDICancellation(feedback) else { return }
        guard try await asksCancel(device, action) else {
            if try await cancellations.cancellations(deviceId: device.id)[action.rollout.id] != nil { return }
            throw DomainError.conflict(code: "not_canceling", message: "no cancellation of this action was asked")
        }
        try await cancellations.settleCancellation(rolloutId: action.rollout.id, deviceId: device.id, answer, at: clock.now())
    }

    private func asksCancel(_ device: Device, _ action: Action) async throws -> Bool {
        guard try await firmware.results(deviceId: device.id)[action.rollout.id] == .downloading,
              let (started, cancel) = try await started(device, action.rollout) else { return false }
        return cancel && started.number == action.number
    }

    /// The build with this id, when a rollout of the device's model that reaches it offers it (its
    /// build, or the build it rolls back to): what the device may download.
    public func offeredBuild(id: String, to device: Device) async throws -> FirmwareBuild? {
        let offering = try await firmware.rollouts(modelId: device.modelId)
            .contains { $0.reaches(device) && ($0.buildId == id || $0.rollbackBuildId == id) }
        return offering ? try await firmware.build(id: id) : nil
    }
}
