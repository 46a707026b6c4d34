import Foundation
import Synchronization

/// What a device hears when it checks in.
public struct CheckInAnswer: Sendable, Equatable {
    /// The signed offer, or `nil` for "nothing to do".
    public let offer: SignedOffer?
    /// ``offer`` as JSON, encoded once for every device it is offered to.
    public let offerJSON: [UInt8]?
    public let rolloutId: String?
    public let nextCheckInSeconds: Int

    public init(offer: SignedOffer?, offerJSON: [UInt8]?, rolloutId: String?, nextCheckInSeconds: Int) {
        self.offer = offer
        self.offerJSON = offerJSON
        self.rolloutId = rolloutId
        self.nextCheckInSeconds = nextCheckInSeconds
    }
}

/// The device side of over-the-air updates: registration, check-ins and install reports.
/// Live rollouts, their builds and the signing keys are read at most once a second, so a fleet
/// checking in does not read them per request.
public final class FirmwareUpdates: Sendable {
    let devices: any DeviceRepository
    let firmware: any FirmwareRepository
    let clock: any MilletClock
    public let policy: CheckInPolicy
    /// How long a signed offer stays valid.
    public let offerLifetime: TimeInterval
    private typealias Live = (chooser: OfferChooser, signer: ManifestSigner)
    /// The live rollouts, their builds and the signer, when read, and a generation that
    /// ``forget()`` moves on so a read that began before a change is not kept.
    private let cache = Mutex<(live: (at: Date, state: Live)?, generation: Int, refreshing: Bool)>((nil, 0, false))
    private let index = DeviceIndex()
    private let offers = OfferCache()
    /// Check-ins not yet written: at most a second's worth, written together by ``flushCheckIns()``.
    private let pending = Mutex<[Int64: DeviceCheckIn]>([:])
    private let written = Mutex(0)

    public init(devices: any DeviceRepository, firmware: any FirmwareRepository, clock: any MilletClock, policy: CheckInPolicy = CheckInPolicy(),
                offerLifetime: TimeInterval = 24 * 3600) {
        self.devices = devices
        self.firmware = firmware
        self.clock = clock
        self.policy = policy
        self.offerLifetime = offerLifetime
    }

    /// Registers a unit whose factory secret matches its serial; answers the device and its token (shown once).
    public func register(_ registration: DeviceRegistration) async throws -> (device: Device, token: String) {
        guard let model = try await devices.deviceModel(id: registration.modelId) else { throw DomainError.invalid(field: "model", "unknown device model") }
        guard model.accepts(serial: registration.serial, secret: registration.secret) else {
            throw DomainError.unauthenticated(message: "the factory secret does not match this serial")
        }
        let token = DeviceToken.make(), digest = Secrets.digest(token)
        let device = try await devices.register(registration, tokenHash: digest, now: clock.now())
        index.put(tokenHash: digest, device: device, seq: nil)
        return (device, token)
    }

    /// Registers a serial never seen before, under a model the caller vouches for (no factory
    /// secret: a hawkBit gateway's); `nil` when the serial is known, which then keeps its token.
    public func registerNew(_ registration: DeviceRegistration) async throws -> (device: Device, token: String)? {
        let token = DeviceToken.make(), digest = Secrets.digest(token)
        guard let device = try await devices.registerNew(registration, tokenHash: digest, now: clock.now()) else { return nil }
        index.put(tokenHash: digest, device: device, seq: nil)
        return (device, token)
    }

    /// The device a token belongs to, as the node's index knows it.
    public func device(token: String) async throws -> DeviceIdentity? {
        guard DeviceToken.looksLikeDeviceToken(token) else { return nil }
        if let known = index.device(token: token) { return known }
        // Issued on another node since the last sync: read it once.
        let digest = Secrets.digest(token)
        guard let device = try await devices.device(tokenHash: digest) else { return nil }
        index.put(tokenHash: digest, device: device, seq: nil)
        return device.identity
    }

    /// The whole record of a device a token showed, read now (its owner may have changed since
    /// the token was issued); `unauthenticated` if it is gone.
    public func device(_ identity: DeviceIdentity) async throws -> Device {
        guard let device = try await devices.device(number: identity.number) else {
            throw DomainError.unauthenticated(message: "this device is no longer registered")
        }
        return device
    }

    /// Reads the tokens issued since the last look (all of them the first time) into the device
    /// index, and the last ``syncMargin`` before it again, in case one of those committed after a
    /// later one was read; answers how many were read. The server calls it at start and every second.
    @discardableResult
    public func syncDevices(pageSize: Int = 20_000) async throws -> Int {
        var read = 0
        if let cursor = index.cursor {
            for issued in try await devices.tokens(upTo: cursor, limit: Self.syncMargin) {
                index.put(tokenHash: issued.tokenHash, device: issued.device, seq: nil)
            }
        }
        while true {
            let page = try await devices.tokens(after: index.cursor, limit: pageSize)
            for issued in page { index.put(tokenHash: issued.tokenHash, device: issued.device, seq: issued.seq) }
            read += page.count
            guard page.count == pageSize else { return read }
        }
    }

    /// Tokens read again on every sync.
    static let syncMargin = 1_000

    /// Devices in this node's index.
    public var indexedDevices: Int { index.count }

    /// The bytes this node's device index holds.
    public var deviceIndexBytes: Int { index.memoryBytes }

    /// Writes the check-ins recorded since the last flush; the server calls it every second. A
    /// batch the database refused stays for the next flush.
    @discardableResult
    public func flushCheckIns() async throws -> Int {
        let batch = pending.withLock { entries -> [DeviceCheckIn] in
            defer { entries.removeAll(keepingCapacity: true) }
            return Array(entries.values)
        }
        do {
            try await devices.recordCheckIns(batch)
        } catch {
            // Not written: back in line for the next flush, unless the device has checked in since.
            pending.withLock { entries in
                for checkIn in batch where entries[checkIn.deviceNumber] == nil { entries[checkIn.deviceNumber] = checkIn }
            }
            throw error
        }
        written.withLock { $0 += batch.count }
        return batch.count
    }

    /// Check-ins written by every flush so far, on this node: a device's several check-ins within
    /// one flush count once.
    public var checkInsWritten: Int { written.withLock { $0 } }

    /// Notes the check-in (written by ``flushCheckIns()`` within a second) and answers the offer
    /// for this device, if any. `load` (0 idle, 1
    /// saturated) stretches the next check-in; `random` (0..<1) jitters it.
    public func checkIn(_ device: some UpdateTarget, version: FirmwareVersion, load: Double, random: Double) async throws -> CheckInAnswer {
        let now = clock.now()
        noteCheckIn(device, version: version, at: now)
        let live = try await liveState(now: now)
        let next = policy.nextCheckIn(load: load, random: random)
        guard let (rollout, build) = live.chooser.choose(device: device, version: version) else {
            return CheckInAnswer(offer: nil, offerJSON: nil, rolloutId: nil, nextCheckInSeconds: next)
        }
        let signed = try offers.offer(rollout: rollout, build: build, signer: live.signer, lifetime: offerLifetime, now: now)
        return CheckInAnswer(offer: signed.offer, offerJSON: signed.json, rolloutId: rollout.id, nextCheckInSeconds: next)
    }

    /// Notes that the device was seen (running `version`, when it said): telemetry, written within
    /// a second with the other check-ins (``flushCheckIns()``).
    public func noteCheckIn(_ device: some UpdateTarget, version: FirmwareVersion?, at now: Date? = nil) {
        let at = now ?? clock.now()
        pending.withLock { $0[device.number] = DeviceCheckIn(deviceNumber: device.number, version: version?.description, at: at) }
    }

    /// What the live rollouts offer the device on `version`, unsigned (for agents that check the
    /// image's own signature, such as hawkBit's): the same choice a check-in makes.
    public func choice(for device: some UpdateTarget, version: FirmwareVersion) async throws -> (rollout: Rollout, build: FirmwareBuild)? {
        try await liveState(now: clock.now()).chooser.choose(device: device, version: version)
    }

    /// Stores an install report (with the version the device runs now) for a rollout that reaches
    /// the device; halts the rollout when the failures cross its threshold. A device the rollout
    /// never offered anything is refused (`not_offered`), so it cannot halt a rollout it is not
    /// part of.
    public func report(_ device: Device, rolloutId: String, version: FirmwareVersion, state: InstallState, code: String?) async throws
        -> (tally: InstallTally, halted: Bool)
    {
        guard let rollout = try await firmware.rollout(id: rolloutId), rollout.modelId == device.modelId else {
            throw DomainError.notFound(what: "rollout")
        }
        guard rollout.reaches(device), try await offered(rollout, toDeviceOn: version) else {
            throw DomainError.conflict(code: "not_offered", message: "this rollout has not offered its build to this device")
        }
        let result = try await firmware.report(
            rolloutId: rollout.id, deviceId: device.id, version: version.description, state: state, code: code, now: clock.now())
        if result.halted { forget() }
        return result
    }

    /// Whether a device that runs `version` after an install could have been offered the
    /// rollout's build: when the rollout names source versions, the device must be on one of them
    /// (the install failed), on the build (it installed), or on the build it rolls back to.
    private func offered(_ rollout: Rollout, toDeviceOn version: FirmwareVersion) async throws -> Bool {
        guard !rollout.sourceVersions.isEmpty else { return true }
        var versions = rollout.sourceVersions
        for buildId in [rollout.buildId] + [rollout.rollbackBuildId].compactMap({ $0 }) {
            if let build = try await firmware.build(id: buildId) { versions.append(build.version) }
        }
        return versions.contains { FirmwareVersion($0) == version }
    }

    /// The published public keys, by id: what devices trust.
    public func publishedKeys() async throws -> [SigningKey] {
        _ = try await liveState(now: clock.now())
        return try await firmware.signingKeys()
    }

    /// Starts signing with a new key; offers carry both signatures until the old key is retired.
    public func rotateKey() async throws -> SigningKey {
        let key = SigningKey.generate(now: clock.now())
        try await firmware.addSigningKey(key)
        forget()
        return key
    }

    /// Stops signing with a key (it stays published, so devices that know only it are told to update).
    public func retireKey(id: String) async throws {
        try await firmware.retireSigningKey(id: id, now: clock.now())
        forget()
    }

    /// Starts a planned rollout; the next check-in sees it.
    public func start(_ rollout: Rollout) async throws {
        try await firmware.createRollout(rollout)
        forget()
    }

    /// Applies a staff command (advance, pause, resume, halt, roll back) to a rollout; the next
    /// check-in answers by its new state.
    public func command(_ command: RolloutCommand, rolloutId: String, actor: String) async throws -> Rollout {
        let changed = try await firmware.command(rolloutId: rolloutId, command, actor: actor, now: clock.now(), ifStage: nil)
        forget()
        return changed
    }

    /// Advances every rollout whose stage has run its scheduled time; answers those it moved.
    @discardableResult
    public func advanceDue() async throws -> [Rollout] {
        let now = clock.now()
        var advanced: [Rollout] = []
        for rollout in try await firmware.liveRollouts() where rollout.dueToAdvance(now: now) {
            advanced.append(try await firmware.command(rolloutId: rollout.id, .advance, actor: "schedule", now: now, ifStage: rollout.stage))
        }
        if !advanced.isEmpty { forget() }
        return advanced
    }

    /// Drops the cached rollouts, builds and keys, after staff change them: the next check-in
    /// reads them again before it answers.
    public func forget() {
        cache.withLock {
            $0.live = nil
            $0.generation += 1
        }
        offers.removeAll()
    }

    /// The cached live state. Older than a second, it is still answered while one background read
    /// replaces it, so check-ins never wait behind the database (which may be busy writing the
    /// second's check-ins); with nothing cached, the read happens first.
    private func liveState(now: Date) async throws -> Live {
        let (cached, startRefresh) = cache.withLock { cache -> ((at: Date, state: Live)?, Bool) in
            guard let live = cache.live else { return (nil, false) }
            let stale = now.timeIntervalSince(live.at) >= 1 || now < live.at
            guard stale, !cache.refreshing else { return (live, false) }
            cache.refreshing = true
            return (live, true)
        }
        if startRefresh {
            Task {
                _ = try? await self.readLiveState(now: self.clock.now())
                self.cache.withLock { $0.refreshing = false }
            }
        }
        if let cached { return cached.state }
        return try await readLiveState(now: now)
    }

    private func readLiveState(now: Date) async throws -> Live {
        let generation = cache.withLock { $0.generation }
        let rollouts = try await firmware.liveRollouts()
        var builds: [String: FirmwareBuild] = [:]
        for id in Set(rollouts.flatMap { [$0.buildId] + ($0.rollbackBuildId.map { [$0] } ?? []) }) {
            if let build = try await firmware.build(id: id) { builds[id] = build }
        }
        var keys = try await firmware.signingKeys()
        if !keys.contains(where: { $0.retiredAt == nil }) {
            let key = SigningKey.generate(now: now)
            try await firmware.addSigningKey(key)
            keys.append(key)
        }
        let state: Live = (OfferChooser(rollouts: rollouts, builds: builds), ManifestSigner(keys: keys))
        cache.withLock { if $0.generation == generation { $0.live = (now, state) } }
        return state
    }
}
