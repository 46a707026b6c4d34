import Logging
import ServiceLifecycle

/// Runs `work` every `interval` until the server shuts down gracefully: how the background
/// services sweep, tick and sync. A turn that fails is logged as `failure` with its error, and the
/// next turn comes as usual.
func repeatUntilShutdown(
    every interval: Duration, logger: Logger, failure: Logger.Message, _ work: @escaping @Sendable () async throws -> Void
) async {
    try? await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await work()
            } catch {
                logger.error(failure, metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: interval)
        }
    }
}
