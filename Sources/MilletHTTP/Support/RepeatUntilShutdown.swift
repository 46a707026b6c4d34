import Logging
import ServiceLifecycle

/// Runs `work` every `interval` until the server shuts down gracefully, passing the turn's number
/// from 0: how the background services sweep, tick and sync. A turn that fails is logged as
/// `failure` with its error, and the next turn comes as usual.
func repeatUntilShutdown(
    every interval: Duration, logger: Logger, failure: Logger.Message, _ work: @escaping @Sendable (_ turn: Int) async throws -> Void
) async {
    try? await cancelWhenGracefulShutdown {
        var turn = 0
        while !Task.isCancelled {
            do {
                try await work(turn)
            } catch {
                logger.error(failure, metadata: ["error": "\(error)"])
            }
            turn += 1
            try await Task.sleep(for: interval)
        }
    }
}
