import Logging
import MilletCore
import ServiceLifecycle

/// Every second, reads the labels other nodes changed into this node's lookup index (all of them
/// on the first turn: ``NumberDesk/syncIndex(pageSize:)``); every minute, reassesses the number
/// labels whose reports have decayed past what keeps them (``NumberDesk/lapseDue(limit:)``) and
/// hides the hotspots nobody connected to for 30 days (``HotspotDesk/hideIdle(limit:)``), so
/// devices drop them at their next sync. Tests call the desks with a test clock instead.
public struct PhoneServicesSchedule: Service {
    let numbers: NumberDesk
    let hotspots: HotspotDesk
    let logger: Logger

    public init(numbers: NumberDesk, hotspots: HotspotDesk, logger: Logger) {
        self.numbers = numbers
        self.hotspots = hotspots
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(1), logger: logger, failure: "number labels or hotspots failed to lapse") { [self] turn in
            // The index and the lapses fail apart: one failing never stops the other.
            do {
                let read = try await numbers.syncIndex()
                if turn == 0 { logger.info("number label index loaded", metadata: ["labels": "\(read)"]) }
            } catch {
                logger.error("number label index failed to sync", metadata: ["error": "\(error)"])
            }
            guard turn % 60 == 0 else { return }
            let lapsed = try await numbers.lapseDue(), hidden = try await hotspots.hideIdle()
            if lapsed + hidden > 0 { logger.info("phone services reassessed", metadata: ["labels": "\(lapsed)", "hotspots": "\(hidden)"]) }
        }
    }
}
