import Foundation
import MilletCore
import NIOCore
import Synchronization

/// Each auction's live state as one server-sent event, read from the database at most once per
/// ``freshFor`` for every viewer on this node: in an auction's last minutes most of its fans
/// watch, few bid. Viewers who find the event stale together wait for one read.
final class AuctionFeed: Sendable {
    struct Event: Sendable {
        let bytes: ByteBuffer
        let closed: Bool
        let madeAt: Date
        /// The bidders' pseudonyms as far as this event read: the next read reads only newer bids.
        let pseudonyms: Pseudonyms
    }

    /// What a viewer's page shows and updates.
    struct Live: Encodable {
        let status, priceRule, reserve: String
        let price, minimumBid, bids, secondsLeft: Int64
        let leader: String?
        let endsAt: Date
    }

    static let freshFor: TimeInterval = 0.25
    private let desk: AuctionDesk
    private let clock: any MilletClock
    private let events = BoundedCache<String, Event>()
    /// The read under way for each auction, which viewers arriving meanwhile await.
    private let reading = Mutex<[String: Task<Event, any Error>]>([:])

    init(desk: AuctionDesk, clock: any MilletClock) {
        self.desk = desk
        self.clock = clock
    }

    func event(auctionId: String) async throws -> Event {
        let now = clock.now()
        if let last = events[auctionId], now.timeIntervalSince(last.madeAt) < Self.freshFor, last.madeAt <= now { return last }
        let read = reading.withLock { reads -> Task<Event, any Error> in
            if let running = reads[auctionId] { return running }
            let read = Task {
                defer { self.reading.withLock { $0[auctionId] = nil } }
                return try await self.read(auctionId)
            }
            reads[auctionId] = read
            return read
        }
        return try await read.value
    }

    private func read(_ auctionId: String) async throws -> Event {
        let now = clock.now()
        let (record, pseudonyms) = try await desk.standing(auctionId: auctionId, known: events[auctionId]?.pseudonyms ?? Pseudonyms())
        let dto = AuctionDTO(record, history: nil, viewer: nil, now: now, staff: false)
        let leader = record.state.leaderAccountId.flatMap { pseudonyms.numbers[$0] }.map(AuctionHistory.pseudonym)
        let live = Live(status: dto.status, priceRule: dto.priceRule, reserve: dto.reserve, price: dto.price, minimumBid: dto.minimumBid,
                        bids: dto.bids, secondsLeft: max(0, Int64(record.state.endsAt.timeIntervalSince(now).rounded(.up))),
                        leader: leader, endsAt: dto.endsAt)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        var bytes = ByteBuffer(string: "event: auction\ndata: ")
        bytes.writeBytes(try encoder.encode(live))
        bytes.writeString("\n\n")
        let event = Event(bytes: bytes, closed: dto.status == "closed", madeAt: now, pseudonyms: pseudonyms)
        events.store(event, for: auctionId)
        return event
    }
}
