import Logging
import MilletCore
import ServiceLifecycle

/// Moves scheduled rollouts to their next stage when their time comes, checking every 15 seconds.
/// Tests call ``FirmwareUpdates/advanceDue()`` with a test clock instead.
public struct RolloutScheduleService: Service {
    let updates: FirmwareUpdates
    let logger: Logger

    public init(updates: FirmwareUpdates, logger: Logger) {
        self.updates = updates
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for rollout in try await updates.advanceDue() {
                        logger.info("rollout advanced", metadata: ["rollout": "\(rollout.id)", "percent": "\(rollout.percent)", "state": "\(rollout.state.rawValue)"])
                    }
                } catch {
                    logger.error("rollout schedule failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(15))
            }
        }
    }
}
