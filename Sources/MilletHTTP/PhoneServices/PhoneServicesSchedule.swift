import Logging
import MilletCore
import ServiceLifecycle

/// Every minute, reassesses the number labels whose reports have decayed past what keeps them
/// (``NumberDesk/lapseDue(limit:)``) and hides the hotspots nobody connected to for 30 days
/// (``HotspotDesk/hideIdle(limit:)``), so devices drop them at their next sync. Tests call the
/// desks with a test clock instead.
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
        await repeatUntilShutdown(every: .seconds(60), logger: logger, failure: "number labels or hotspots failed to lapse") { [self] _ in
            let lapsed = try await numbers.lapseDue(), hidden = try await hotspots.hideIdle()
            if lapsed + hidden > 0 { logger.info("phone services reassessed", metadata: ["labels": "\(lapsed)", "hotspots": "\(hidden)"]) }
        }
    }
}
