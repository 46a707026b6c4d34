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
        await repeatUntilShutdown(every: .seconds(1), logger: logger, failure: "rollout schedule failed") { [self] turn in
            await flush()
            guard turn % 15 == 0 else { return }
            for rollout in try await updates.advanceDue() {
                logger.info("rollout advanced", metadata: ["rollout": "\(rollout.id)", "percent": "\(rollout.percent)", "state": "\(rollout.state.rawValue)"])
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
