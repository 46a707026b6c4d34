import Foundation

/// Firmware builds, signing keys, rollouts and install reports.
public protocol FirmwareRepository: Sendable {
    /// `conflict(version_exists)` when the model has this version already.
    func addBuild(_ build: FirmwareBuild) async throws
    func build(id: String) async throws -> FirmwareBuild?
    func build(sha256: String) async throws -> FirmwareBuild?
    func builds(modelId: String) async throws -> [FirmwareBuild]
    /// The model's build of this version, if it has one.
    func build(modelId: String, version: String) async throws -> FirmwareBuild?

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
    /// The device's last counted result in each rollout it reported on, by rollout id.
    func results(deviceId: String) async throws -> [String: InstallState]
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

extension FirmwareRepository {
    /// The rollout with this id, or `not_found`.
    public func requireRollout(id: String) async throws -> Rollout {
        guard Identifier.isWellFormed(id), let rollout = try await rollout(id: id) else { throw DomainError.notFound(what: "rollout") }
        return rollout
    }
}
