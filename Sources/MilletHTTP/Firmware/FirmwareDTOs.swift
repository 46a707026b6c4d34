import Foundation
import Hummingbird
import MilletCore

/// A device model; its factory key is shown once, when it is created.
struct DeviceModelDTO: ResponseEncodable, Sendable {
    let id, name, kind, productLine: String
    let factoryKey: String?
    let createdAt: Date

    init(_ model: DeviceModel, revealKey: Bool) {
        id = model.id
        name = model.name
        kind = model.kind.rawValue
        productLine = model.productLine
        factoryKey = revealKey ? model.factoryKey : nil
        createdAt = model.createdAt
    }
}

struct DeviceModelList: ResponseEncodable, Sendable {
    let items: [DeviceModelDTO]
}

struct BuildDTO: ResponseEncodable, Sendable {
    /// What the image says of itself (its format; a SWUpdate image's version and hardware).
    struct Image: Encodable, Sendable {
        let format: String
        let version: String?
        let hardwareCompatibility: [String]
    }

    let id, modelId, version, sha256: String
    let size: Int64
    let minSourceVersion, releaseId, notes: String?
    let image: Image?
    let createdAt: Date

    init(_ build: FirmwareBuild, image: ImageDescription?) {
        self.image = image.map { Image(format: $0.format.rawValue, version: $0.version, hardwareCompatibility: $0.hardwareCompatibility) }
        id = build.id
        modelId = build.modelId
        version = build.version
        sha256 = build.sha256
        size = build.size
        minSourceVersion = build.minSourceVersion
        releaseId = build.releaseId
        notes = build.notes
        createdAt = build.createdAt
    }
}

struct BuildList: ResponseEncodable, Sendable {
    let items: [BuildDTO]
}

struct RolloutDTO: ResponseEncodable, Sendable {
    struct Event: Encodable, Sendable {
        let action, actor: String
        let detail: String?
        let at: Date
    }

    let id, buildId, modelId, channel, state: String
    let markets, sourceVersions: [String]
    let stages: [Int]
    let stage, percent, failureThresholdBasisPoints, minReports: Int
    let advanceEverySeconds: Int?
    let haltReason, rollbackBuildId: String?
    let downloading, installed, failed: Int
    let stageStartedAt, createdAt: Date
    let events: [Event]

    init(_ rollout: Rollout, tally: InstallTally, events: [RolloutEvent]) {
        id = rollout.id
        buildId = rollout.buildId
        modelId = rollout.modelId
        channel = rollout.channel.rawValue
        state = rollout.state.rawValue
        markets = rollout.markets
        sourceVersions = rollout.sourceVersions
        stages = rollout.stages
        stage = rollout.stage
        percent = rollout.percent
        failureThresholdBasisPoints = rollout.failureThresholdBasisPoints
        minReports = rollout.minReports
        advanceEverySeconds = rollout.advanceEvery.map { Int($0) }
        haltReason = rollout.haltReason
        rollbackBuildId = rollout.rollbackBuildId
        downloading = tally.downloading
        installed = tally.installed
        failed = tally.failed
        stageStartedAt = rollout.stageStartedAt
        createdAt = rollout.createdAt
        self.events = events.map { Event(action: $0.action, actor: $0.actor, detail: $0.detail, at: $0.at) }
    }
}

struct RolloutList: ResponseEncodable, Sendable {
    let items: [RolloutDTO]
}

/// Install results per minute: what the failure-rate chart is drawn from.
struct TimelineDTO: ResponseEncodable, Sendable {
    struct Minute: Encodable, Sendable {
        let minute: Date
        let installed, failed: Int
    }

    let items: [Minute]
}

/// Devices of a model by market and version.
struct AdoptionDTO: ResponseEncodable, Sendable {
    struct Count: Encodable, Sendable {
        let market, version: String
        let devices: Int
    }

    let model: String
    let items: [Count]
}
