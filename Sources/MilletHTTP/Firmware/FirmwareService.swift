import Logging
import MilletCore
import ServiceLifecycle

/// Writes buffered device check-ins and reads newly issued device tokens every second (loading
/// every device at start; the check-ins once more at shutdown), and moves
/// scheduled rollouts to their next stage, checking every 15 seconds. Tests call
/// ``FirmwareUpdates/flushCheckIns()`` and ``FirmwareUpdates/advanceDue()`` with a test clock instead.
public struct FirmwareService: Service {
    let updates: FirmwareUpdates
    let logger: Logger

    public init(updates: FirmwareUpdates, logger: Logger) {
        self.updates = updates
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var tick = 0
            while !Task.isCancelled {
                await flush()
                if tick % 15 == 0 {
                    do {
                        for rollout in try await updates.advanceDue() {
                            logger.info("rollout advanced", metadata: ["rollout": "\(rollout.id)", "percent": "\(rollout.percent)", "state": "\(rollout.state.rawValue)"])
                        }
                    } catch {
                        logger.error("rollout schedule failed", metadata: ["error": "\(error)"])
                    }
                }
                tick += 1
                try await Task.sleep(for: .seconds(1))
            }
        }
        await flush()
    }

    private func flush() async {
        do {
            try await updates.flushCheckIns()
            try await updates.syncDevices()
        } catch {
            logger.error("device check-ins or index failed", metadata: ["error": "\(error)"])
        }
    }
}
