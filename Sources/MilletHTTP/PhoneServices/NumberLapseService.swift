import Logging
import MilletCore
import ServiceLifecycle

/// Reassesses, every minute, the number labels whose reports have decayed past what keeps them
/// (``NumberDesk/lapseDue(limit:)``), so devices drop them at their next sync. Tests call the
/// desk with a test clock instead.
public struct NumberLapseService: Service {
    let numbers: NumberDesk
    let logger: Logger

    public init(numbers: NumberDesk, logger: Logger) {
        self.numbers = numbers
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(60), logger: logger, failure: "number labels failed to lapse") { [self] _ in
            let lapsed = try await numbers.lapseDue()
            if lapsed > 0 { logger.info("number labels reassessed", metadata: ["count": "\(lapsed)"]) }
        }
    }
}
