import Foundation

/// How far behind one outbox is: what waits to leave the process, and since when.
public struct OutboxDepth: Sendable, Equatable {
    /// `notices`, `webhook_deliveries`, `refunds` or `captures`.
    public let name: String
    /// Entries not sent yet (or being retried).
    public let pending: Int
    /// Of those, the ones that failed at least once.
    public let retrying: Int
    /// When the oldest pending entry was made.
    public let oldestAt: Date?

    public init(name: String, pending: Int, retrying: Int, oldestAt: Date?) {
        self.name = name
        self.pending = pending
        self.retrying = retrying
        self.oldestAt = oldestAt
    }
}

/// The outboxes' depths, for operators' metrics.
public protocol OutboxFigures: Sendable {
    func outboxDepths() async throws -> [OutboxDepth]
}
