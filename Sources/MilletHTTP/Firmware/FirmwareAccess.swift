import MilletCore

extension MilletServices {
    /// The rollout with this id, or 404.
    func rollout(id: String) async throws -> Rollout {
        guard Identifier.isWellFormed(id), let rollout = try await firmware.rollout(id: id) else { throw DomainError.notFound(what: "rollout") }
        return rollout
    }
}
