import Logging
import MilletCore
import ServiceLifecycle

/// Keeps the sessions this node holds in memory in step with every other node: each second it
/// reads the log-outs and role changes written since its last look. Tests call
/// ``Authenticator/syncRevocations(pageSize:)`` with a test clock instead.
public struct SessionService: Service {
    let authenticator: Authenticator
    let logger: Logger

    public init(authenticator: Authenticator, logger: Logger) {
        self.authenticator = authenticator
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await authenticator.syncRevocations()
                } catch {
                    logger.error("session revocations failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
