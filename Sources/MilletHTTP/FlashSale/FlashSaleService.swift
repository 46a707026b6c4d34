import Logging
import MilletCore
import ServiceLifecycle

/// Keeps the flash-sale engine current: every 250 ms it renews this node's leases, reads each
/// current sale's figures once for every viewer, and closes ended sales. On shutdown it gives the
/// node's unsold leased units back so other nodes can sell them at once.
public struct FlashSaleService: Service {
    let engine: FlashSaleEngine
    let logger: Logger

    public init(engine: FlashSaleEngine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .milliseconds(250), logger: logger, failure: "flash sale tick failed") { [engine] _ in
            try await engine.tick()
        }
        await engine.close()
    }
}
