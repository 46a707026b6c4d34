import Foundation
import MilletCore
import NIOCore
import Synchronization

/// Each sale's live figures as one server-sent event, made at most once per ``freshFor`` for
/// every viewer on this node.
///
/// At a launch most fans on the sale page hold its stream open while only some of them buy. Made
/// per viewer, every event cost a trip through the flash-sale engine's actor (the one deciding
/// purchases) and its own JSON encoding, four times a second per viewer. Now a viewer's turn
/// copies the last event unless it is older than ``freshFor``; the sale itself is read from the
/// database once per node, since nothing about it but its counters ever changes.
final class LiveFeed: Sendable {
    /// One event as sent, and whether the sale had ended when it was made.
    struct Event: Sendable {
        let bytes: ByteBuffer
        let ended: Bool
        let madeAt: Date
    }

    /// How old an event may be and still be sent. The engine reads the figures every 250 ms, so a
    /// viewer sees them no later than it would have before.
    static let freshFor: TimeInterval = 0.1
    /// Entries kept at most; past this the caches start over (a node runs a few sales at once).
    static let limit = 1_000

    private let services: MilletServices
    private let events = Mutex<[String: Event]>([:])
    private let sales = Mutex<[String: FlashSale]>([:])

    init(services: MilletServices) {
        self.services = services
    }

    /// The sale, read from the database the first time this node is asked for it.
    func sale(id: String) async throws -> FlashSale {
        if let known = sales.withLock({ $0[id] }) { return known }
        let sale = try await services.flashSale(id: id)
        sales.withLock { Self.store(sale, at: id, in: &$0) }
        return sale
    }

    /// The sale's figures event, made now if the last one is older than ``freshFor``.
    func event(for sale: FlashSale) async throws -> Event {
        let now = services.clock.now()
        if let last = events.withLock({ $0[sale.id] }), now.timeIntervalSince(last.madeAt) < Self.freshFor, last.madeAt <= now {
            return last
        }
        let figures = try await services.saleFigures(sale.id)
        let next = await services.engine.nextBatch(after: sale.id)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(LiveFigures(sale, figures: figures, now: now, next: next))
        var bytes = ByteBuffer(string: "event: figures\ndata: ")
        bytes.writeBytes(data)
        bytes.writeString("\n\n")
        let event = Event(bytes: bytes, ended: sale.phase(at: now) == .ended, madeAt: now)
        events.withLock { Self.store(event, at: sale.id, in: &$0) }
        return event
    }

    private static func store<Value>(_ value: Value, at key: String, in cache: inout [String: Value]) {
        if cache.count >= limit, cache[key] == nil { cache.removeAll() }
        cache[key] = value
    }
}
