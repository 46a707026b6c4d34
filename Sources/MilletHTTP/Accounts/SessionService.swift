import Logging
import MilletCore
import ServiceLifecycle

/// Keeps the sessions this node holds in memory in step with every other node: each second it
/// reads the log-outs and role changes written since its last look. Tests call
/// ``Authenticator/syncRevocations(pageSize:)`` with a test clock instead.
struct SessionService: Service {
    let authenticator: Authenticator
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: .seconds(1), logger: logger, failure: "session revocations failed") { [authenticator] _ in
            try await authenticator.syncRevocations()
        }
    }
}
