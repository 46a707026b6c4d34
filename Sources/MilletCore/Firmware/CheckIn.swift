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
        let spread = 1 + jitter * (2 * random - 1)
        return max(60, Int((interval * stretch(load: load) * spread).rounded()))
    }

    /// How many times longer than idle a device waits at this load (1 idle, ``maxBackoff`` saturated).
    public func stretch(load: Double) -> Double {
        1 + (maxBackoff - 1) * min(max(load, 0), 1)
    }
}

/// Picks what a checking-in device should install, if anything: from a rolled-back rollout the
/// build it rolls back to (for devices on the bad build), otherwise the newest build of an
/// active or completed rollout that targets the device and whose current stage includes it (a
/// completed one includes every device, so units that register later still update).
/// Built once per read of the live rollouts, with every version parsed, so a check-in parses only
/// its own.
public struct OfferChooser: Sendable {
    struct Candidate: Sendable {
        let rollout: Rollout
        let build: FirmwareBuild
        let version: FirmwareVersion
        let minimum: FirmwareVersion?
        let sources: [FirmwareVersion]
        let rollbackTo: FirmwareBuild?
    }

    let candidates: [Candidate]

    public init(rollouts: [Rollout], builds: [String: FirmwareBuild]) {
        candidates = rollouts.compactMap { rollout in
            guard let build = builds[rollout.buildId], let version = FirmwareVersion(build.version) else { return nil }
            return Candidate(
                rollout: rollout, build: build, version: version, minimum: build.minSourceVersion.flatMap(FirmwareVersion.init),
                sources: rollout.sourceVersions.compactMap(FirmwareVersion.init), rollbackTo: rollout.rollbackBuildId.flatMap { builds[$0] })
        }
    }

    public func choose(device: some UpdateTarget, version: FirmwareVersion) -> (rollout: Rollout, build: FirmwareBuild)? {
        var best: Candidate?
        for candidate in candidates where candidate.rollout.modelId == device.modelId && candidate.rollout.channel == device.channel {
            let rollout = candidate.rollout
            switch rollout.state {
            case .rolledBack:
                guard version == candidate.version, let target = candidate.rollbackTo else { continue }
                return (rollout, target)
            case .active, .completed:
                // Newer, installable from here (minimum source version), for the device's market and
                // version, newer than the best so far, and in the stage: cheapest test first.
                guard candidate.version > version, candidate.minimum.map({ version >= $0 }) ?? true,
                      rollout.markets.isEmpty || rollout.markets.contains(device.marketCode),
                      candidate.sources.isEmpty || candidate.sources.contains(version),
                      best.map({ candidate.version > $0.version }) ?? true,
                      rollout.includes(serial: device.serial)
                else { continue }
                best = candidate
            default:
                continue
            }
        }
        return best.map { ($0.rollout, $0.build) }
    }
}
