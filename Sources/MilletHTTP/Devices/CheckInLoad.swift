import Synchronization

/// Counts the check-ins in flight; past ``saturation`` the server tells devices to come back later.
final class CheckInLoad: Sendable {
    private let inFlight = Atomic<Int>(0)
    /// Check-ins in flight at which the load counts as full.
    let saturation: Int

    init(saturation: Int = 512) {
        self.saturation = saturation
    }

    /// Runs `body` counted; answers its result and the load when it began (0 idle, 1 saturated).
    func measure<T>(_ body: (Double) async throws -> T) async rethrows -> T {
        let now = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
        defer { inFlight.wrappingSubtract(1, ordering: .relaxed) }
        return try await body(Double(now - 1) / Double(saturation))
    }
}
