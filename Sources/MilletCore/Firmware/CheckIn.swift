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
