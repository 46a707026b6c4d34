import Foundation
import MilletCore
import NIOCore

/// Each sale's live figures as one server-sent event, made at most once per ``freshFor`` for
/// every viewer on this node.
///
/// At a launch most fans on the sale page hold its stream open while only some of them buy. Made
/// per viewer, every event cost a trip through the flash-sale engine's actor (the one deciding
/// purchases) and its own JSON encoding, four times a second per viewer. Now a viewer's turn
/// copies the last event unless it is older than ``freshFor``.
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
    private let desk: SaleDesk
    private let clock: any MilletClock
    private let events = BoundedCache<String, Event>()

    init(desk: SaleDesk, clock: any MilletClock) {
        self.desk = desk
        self.clock = clock
    }

    /// The sale's figures event, made now if the last one is older than ``freshFor``.
    func event(for sale: FlashSale) async throws -> Event {
        let now = clock.now()
        if let last = events[sale.id], now.timeIntervalSince(last.madeAt) < Self.freshFor, last.madeAt <= now {
            return last
        }
        let figures = try await desk.figures(saleId: sale.id)
        let next = await desk.engine.nextBatch(after: sale.id)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(LiveFigures(sale, figures: figures, now: now, next: next))
        var bytes = ByteBuffer(string: "event: figures\ndata: ")
        bytes.writeBytes(data)
        bytes.writeString("\n\n")
        let event = Event(bytes: bytes, ended: sale.phase(at: now) == .ended, madeAt: now)
        events.store(event, for: sale.id)
        return event
    }
}
