import Foundation
import Hummingbird
import MilletCore

/// The staff side of over-the-air updates: device models, firmware uploads, signing keys,
/// rollouts and their commands.
struct FirmwareController {
    let updates: FirmwareUpdates
    let devices: any DeviceRepository
    let firmware: any FirmwareRepository
    let firmwareFiles: FirmwareFiles
    let images: ImageFacts
    let releases: any ReleaseRepository
    let clock: any MilletClock

    struct ModelBody: Decodable {
        let id, name, kind, productLine: String
    }

    struct RolloutBody: Decodable {
        let buildId, channel: String
        let markets, sourceVersions: [String]?
        let stages: [Int]
        let failureThresholdBasisPoints, minReports, advanceEverySeconds: Int?
    }

    struct CommandBody: Decodable {
        let command: String
        let reason, buildId: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/device-models") { _, context in
            return DeviceModelList(items: try await devices.deviceModels().map { DeviceModelDTO($0, revealKey: false) })
        }
        groups.staff.post("staff/device-models") { request, context in
            let body = try await request.decodeJSON(ModelBody.self, context: context)
            guard let kind = DeviceKind(rawValue: body.kind) else {
                throw DomainError.invalid(field: "kind", "must be one of \(DeviceKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let model = try DeviceModel.create(id: body.id, name: body.name, kind: kind, productLine: body.productLine, now: clock.now())
            try await devices.createModel(model)
            return DeviceModelDTO(model, revealKey: true).with(status: .created)
        }
        groups.staff.post("staff/firmware-builds") { request, context in
            try await upload(request, context, owner: nil).with(status: .created)
        }
        groups.staff.get("staff/firmware-builds") { request, context in
            guard let model = request.uri.queryParameters["model"].map(String.init) else { throw DomainError.invalid(field: "model", "is required") }
            var items: [BuildDTO] = []
            for build in try await firmware.builds(modelId: model) {
                items.append(BuildDTO(build, image: try? await images.facts(of: build, files: firmwareFiles).description))
            }
            return BuildList(items: items)
        }
        groups.staff.post("staff/signing-keys") { _, context in
            let key = try await updates.rotateKey()
            return KeyList.Key(id: key.id, algorithm: "Ed25519", publicKey: key.publicKey, active: true, createdAt: key.createdAt).with(status: .created)
        }
        groups.staff.post("staff/signing-keys/:id/retire") { _, context in
            try await updates.retireKey(id: try context.parameters.require("id"))
            return Response(status: .noContent)
        }
        groups.staff.post("staff/rollouts") { request, context in
            try await startRollout(request, context, owner: nil).with(status: .created)
        }
        groups.staff.get("staff/rollouts") { _, context in
            var items: [RolloutDTO] = []
            for rollout in try await firmware.rollouts(modelId: nil) { items.append(try await rolloutDTO(rollout)) }
            return RolloutList(items: items)
        }
        groups.staff.get("staff/rollouts/:id") { _, context in
            return try await rolloutDTO(try await rollout(context))
        }
        groups.staff.get("staff/rollouts/:id/timeline") { _, context in
            let rollout = try await rollout(context)
            return TimelineDTO(items: try await firmware.reportTimeline(rolloutId: rollout.id).map {
                TimelineDTO.Minute(minute: $0.minute, installed: $0.installed, failed: $0.failed)
            })
        }
        groups.staff.get("staff/device-models/:id/adoption") { _, context in
            let id = try context.parameters.require("id")
            guard try await devices.deviceModel(id: id) != nil else { throw DomainError.notFound(what: "device model") }
            return AdoptionDTO(model: id, items: try await devices.adoption(modelId: id).map {
                AdoptionDTO.Count(market: $0.marketCode, version: $0.version, devices: $0.devices)
            })
        }
        groups.staff.post("staff/rollouts/:id/commands") { request, context in
            let staff = try context.requireAccount()
            let rollout = try await rollout(context)
            let body = try await request.decodeJSON(CommandBody.self, context: context)
            let command = try RolloutCommand(name: body.command, reason: body.reason, buildId: body.buildId)
            let changed = try await updates.command(command, rolloutId: rollout.id, actor: "account:\(staff.id)")
            return try await rolloutDTO(changed)
        }
    }

    /// Stores an uploaded image as a build of a model: any model for staff (`owner` nil), only its
    /// own models for an eco-chain brand (another's is `invalid` as unknown, so it is not confirmed).
    func upload(_ request: Request, _ context: MilletRequestContext, owner: String?) async throws -> BuildDTO {
        let query = request.uri.queryParameters
        let modelId = query["model"].map(String.init) ?? ""
        let version = try FirmwareVersion.parse(query["version"].map(String.init) ?? "", field: "version")
        let minimum = try query["minSourceVersion"].map { try FirmwareVersion.parse(String($0), field: "minSourceVersion") }
        let releaseId = query["releaseId"].map(String.init)
        let notes = query["notes"].map(String.init)
        if let notes {
            var check = Validator()
            check.requireLength(notes, 1...2000, "notes", "must be 1 to 2000 characters")
            try check.check()
        }
        guard let model = try await devices.deviceModel(id: modelId), owner == nil || model.brandId == owner else {
            throw DomainError.invalid(field: "model", "unknown device model")
        }
        if let releaseId {
            // The store's community releases are the store's own firmware's.
            guard owner == nil else { throw DomainError.invalid(field: "releaseId", "a brand's build names no release of the store's community") }
            guard Identifier.isWellFormed(releaseId), try await releases.release(id: releaseId) != nil else {
                throw DomainError.invalid(field: "releaseId", "no such community release")
            }
        }
        // Refused before the image is streamed, so a repeated upload does not store it again.
        guard try await firmware.build(modelId: modelId, version: version.description) == nil else {
            throw FirmwareBuild.versionTaken
        }
        let stored = try await firmwareFiles.store(request.body, context: context)
        let build = FirmwareBuild(
            id: Identifier.make(), modelId: modelId, version: version.description, sha256: stored.sha256, size: stored.size,
            minSourceVersion: minimum?.description, releaseId: releaseId, notes: notes, createdAt: clock.now())
        // Two uploads of one version at the same moment can both pass the check above; the loser's
        // image stays on disk rather than risk removing one that another build just took.
        try await firmware.addBuild(build)
        return BuildDTO(build, image: try await images.facts(of: build, files: firmwareFiles).description)
    }

    /// Starts a rollout of a build to its model's devices: any build for staff (`owner` nil), only
    /// builds of its own models for an eco-chain brand, so it never reaches another brand's devices.
    func startRollout(_ request: Request, _ context: MilletRequestContext, owner: String?) async throws -> RolloutDTO {
        let body = try await request.decodeJSON(RolloutBody.self, context: context)
        guard Identifier.isWellFormed(body.buildId), let build = try await firmware.build(id: body.buildId) else {
            throw DomainError.invalid(field: "buildId", "no such build")
        }
        if let owner {
            guard try await devices.deviceModel(id: build.modelId)?.brandId == owner else { throw DomainError.invalid(field: "buildId", "no such build") }
        }
        guard let channel = UpdateChannel(rawValue: body.channel) else { throw DomainError.invalid(field: "channel", "must be stable, beta or dev") }
        let rollout = try Rollout.plan(
            buildId: build.id, modelId: build.modelId, channel: channel, markets: body.markets ?? [], sourceVersions: body.sourceVersions ?? [],
            stages: body.stages, failureThresholdBasisPoints: body.failureThresholdBasisPoints ?? 200, minReports: body.minReports ?? 50,
            advanceEvery: body.advanceEverySeconds.map(TimeInterval.init), now: clock.now())
        try await updates.start(rollout)
        return try await rolloutDTO(rollout)
    }

    func rollout(_ context: MilletRequestContext) async throws -> Rollout {
        try await firmware.requireRollout(id: try context.parameters.require("id"))
    }

    func rolloutDTO(_ rollout: Rollout) async throws -> RolloutDTO {
        RolloutDTO(rollout, tally: try await firmware.tally(rolloutId: rollout.id),
                   events: try await firmware.rolloutEvents(rolloutId: rollout.id))
    }
}
