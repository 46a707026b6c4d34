import Crypto
import Foundation

/// Where a rollout stands.
public enum RolloutState: String, Sendable, Codable, CaseIterable {
    case active, paused, halted, completed
    case rolledBack = "rolled_back"
}

/// What staff (or the schedule, or the failure rule) ask of a rollout.
public enum RolloutCommand: Equatable, Sendable {
    case advance, pause, resume
    case halt(reason: String)
    /// Sends `buildId` to the devices that took this rollout's build.
    case rollback(to: String)

    /// Reads a command from its name and the detail it needs (a reason to halt, a build to roll back to).
    public init(name: String, reason: String?, buildId: String?) throws {
        switch name {
        case "advance": self = .advance
        case "pause": self = .pause
        case "resume": self = .resume
        case "halt":
            var check = Validator()
            check.requireLength(reason ?? "", 3...500, "reason", "must say why, 3 to 500 characters")
            try check.check()
            self = .halt(reason: (reason ?? "").trimmed)
        case "rollback":
            guard let buildId, Identifier.isWellFormed(buildId) else { throw DomainError.invalid(field: "buildId", "must name the build to go back to") }
            self = .rollback(to: buildId)
        default:
            throw DomainError.invalid(field: "command", "must be advance, pause, resume, halt or rollback")
        }
    }

    public var name: String {
        switch self {
        case .advance: "advance"
        case .pause: "pause"
        case .resume: "resume"
        case .halt: "halt"
        case .rollback: "rollback"
        }
    }
}

/// A staged rollout of one build to the devices it targets. Which devices are in a stage is a
/// deterministic hash of device and rollout: a device in a stage stays in every later stage, and
/// a device that registers during the rollout joins it the same way.
public struct Rollout: Hashable, Sendable {
    public let id: String
    public let buildId: String
    public let modelId: String
    public let channel: UpdateChannel
    /// Market codes; empty means every market.
    public let markets: [String]
    /// Versions a device must be on; empty means any older version the build accepts.
    public let sourceVersions: [String]
    /// Percent of targeted devices at each stage, rising to 100.
    public let stages: [Int]
    public internal(set) var stage: Int
    public internal(set) var state: RolloutState
    /// Halt when failed installs reach this share of reports (basis points: 200 is 2%) ...
    public let failureThresholdBasisPoints: Int
    /// ... once there are at least this many reports.
    public let minReports: Int
    /// Advance by itself after this long in a stage; `nil` to advance by hand.
    public let advanceEvery: TimeInterval?
    public internal(set) var stageStartedAt: Date
    public internal(set) var haltReason: String?
    public internal(set) var rollbackBuildId: String?
    public let createdAt: Date

    public init(
        id: String, buildId: String, modelId: String, channel: UpdateChannel, markets: [String], sourceVersions: [String], stages: [Int],
        stage: Int, state: RolloutState, failureThresholdBasisPoints: Int, minReports: Int, advanceEvery: TimeInterval?, stageStartedAt: Date,
        haltReason: String?, rollbackBuildId: String?, createdAt: Date
    ) {
        self.id = id
        self.buildId = buildId
        self.modelId = modelId
        self.channel = channel
        self.markets = markets
        self.sourceVersions = sourceVersions
        self.stages = stages
        self.stage = stage
        self.state = state
        self.failureThresholdBasisPoints = failureThresholdBasisPoints
        self.minReports = minReports
        self.advanceEvery = advanceEvery
        self.stageStartedAt = stageStartedAt
        self.haltReason = haltReason
        self.rollbackBuildId = rollbackBuildId
        self.createdAt = createdAt
    }

    /// A new active rollout at its first stage; `invalid` for stages that do not rise to 100 or
    /// a threshold outside 1 to 10000 basis points.
    public static func plan(
        buildId: String, modelId: String, channel: UpdateChannel, markets: [String], sourceVersions: [String], stages: [Int],
        failureThresholdBasisPoints: Int = 200, minReports: Int = 50, advanceEvery: TimeInterval? = nil, now: Date
    ) throws -> Rollout {
        var check = Validator()
        check.require(!stages.isEmpty && stages.count <= 10 && stages.last == 100 && stages.allSatisfy { (1...100).contains($0) }
                      && zip(stages, stages.dropFirst()).allSatisfy { $0 < $1 }, "stages", "must rise from 1 to 100 percent, ending at 100")
        check.require((1...10_000).contains(failureThresholdBasisPoints), "failureThresholdBasisPoints", "must be from 1 to 10000")
        check.require((1...1_000_000).contains(minReports), "minReports", "must be from 1 to 1000000")
        check.require(advanceEvery.map { (60...(30 * 24 * 3600)).contains($0) } ?? true, "advanceEverySeconds", "must be from 60 seconds to 30 days")
        check.require(markets.count <= 50 && markets.allSatisfy { $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isLetter } },
                      "markets", "must be two-letter market codes")
        check.require(sourceVersions.count <= 50 && sourceVersions.allSatisfy { FirmwareVersion($0) != nil }, "sourceVersions", "must be versions such as 14.0.6")
        try check.check()
        return Rollout(
            id: Identifier.make(), buildId: buildId, modelId: modelId, channel: channel, markets: markets.map { $0.uppercased() },
            sourceVersions: sourceVersions, stages: stages, stage: 0, state: .active, failureThresholdBasisPoints: failureThresholdBasisPoints,
            minReports: minReports, advanceEvery: advanceEvery, stageStartedAt: now, haltReason: nil, rollbackBuildId: nil, createdAt: now)
    }

    /// The share of targeted devices in the current stage.
    public var percent: Int { stages[stage] }

    /// Halted or rolled back: it offers its build to no one new.
    public var isStopped: Bool { state == .halted || state == .rolledBack }

    /// A device's place in this rollout, 0 to 9999: the first 8 bytes of SHA-256 of serial and rollout.
    public static func bucket(serial: String, rolloutId: String) -> Int {
        let digest = SHA256.hash(utf8: rolloutId, ":", serial)
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % 10_000)
    }

    /// Whether the device with this serial is in the current stage.
    public func includes(serial: String) -> Bool {
        Self.bucket(serial: serial, rolloutId: id) < percent * 100
    }

    /// Whether this rollout has offered its build to `device`, or would at its next check-in: its
    /// model, channel and market, and in the stage (stages only grow, so a device offered in an
    /// earlier stage is still in). Only such a device's install reports count.
    public func reaches(_ device: some UpdateTarget) -> Bool {
        device.modelId == modelId && device.channel == channel && (markets.isEmpty || markets.contains(device.marketCode))
            && includes(serial: device.serial)
    }

    /// Applies a command or throws `conflict(illegal_transition)` and stays as it was.
    public mutating func apply(_ command: RolloutCommand, now: Date) throws {
        func refuse() -> DomainError {
            .conflict(code: "illegal_transition", message: "a \(state.rawValue) rollout cannot \(command.name)")
        }
        switch (command, state) {
        case (.advance, .active), (.advance, .paused):
            if stage + 1 < stages.count {
                stage += 1
                stageStartedAt = now
            } else {
                state = .completed
            }
        case (.pause, .active): state = .paused
        case (.resume, .paused), (.resume, .halted):
            state = .active
            haltReason = nil
        case (.halt(let reason), .active), (.halt(let reason), .paused):
            state = .halted
            haltReason = reason
        case (.rollback(let target), .active), (.rollback(let target), .paused), (.rollback(let target), .halted), (.rollback(let target), .completed):
            guard target != buildId else { throw DomainError.invalid(field: "buildId", "must be another build") }
            state = .rolledBack
            rollbackBuildId = target
        default:
            throw refuse()
        }
    }

    /// Whether the schedule moves it on now.
    public func dueToAdvance(now: Date) -> Bool {
        guard state == .active, let advanceEvery else { return false }
        return now.timeIntervalSince(stageStartedAt) >= advanceEvery
    }

    /// Whether these install results stop the rollout: at least ``minReports`` results and a
    /// failure share at or above the threshold.
    public func shouldHalt(_ tally: InstallTally) -> Bool {
        let results = tally.installed + tally.failed
        return state == .active && results >= minReports && tally.failed * 10_000 >= failureThresholdBasisPoints * results
    }
}

/// A device's report on an install.
public enum InstallState: String, Sendable, Codable, CaseIterable {
    case downloading, installed, failed
}

/// Install reports counted for one rollout.
public struct InstallTally: Hashable, Sendable, Codable {
    public var downloading: Int
    public var installed: Int
    public var failed: Int

    public init(downloading: Int = 0, installed: Int = 0, failed: Int = 0) {
        self.downloading = downloading
        self.installed = installed
        self.failed = failed
    }
}
