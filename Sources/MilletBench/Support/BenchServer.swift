import Hummingbird
import Logging
import MilletHTTP
import ServiceLifecycle

/// Millet served in this process on a loopback port until ``stop()``, which shuts it down as
/// SIGTERM does: its services finish their last work (the journal, leases, check-ins) and end
/// without errors. ``cancel()`` is for error paths, where nothing waits for a graceful stop.
struct BenchServer: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    static func start(_ services: MilletServices, logger: Logger) async throws -> BenchServer {
        let port = try BenchKit.freePort()
        let app = try await buildApplication(services, host: "127.0.0.1", port: port, logger: logger)
        return BenchServer(port: port, group: ServiceGroup(configuration: .init(services: [app], logger: logger)))
    }

    private init(port: Int, group: ServiceGroup) {
        self.port = port
        self.group = group
        task = Task { try await group.run() }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    func cancel() { task.cancel() }
}
