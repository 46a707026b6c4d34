import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Order numbers: market, UTC day and sequence, never repeated, however many orders come at once.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func ordersPlacedAtOnceGetEveryNumberOnce(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for n in 0..<20 {
                    group.addTask { try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "number-\(n)").order.number }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let day = Order.numberDay(clock.now())
            #expect(numbers.sorted() == (1...20).map { Order.number(market: market.code, day: day, sequence: Int64($0)) })
            #expect(numbers.contains("\(market.code)-\(day)-0020"))
            // The next day starts again at 1.
            clock.advance(by: 86_400)
            let tomorrow = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "number-tomorrow").order
            #expect(tomorrow.number == "\(market.code)-\(Order.numberDay(clock.now()))-0001")
            // The database refuses a second order with a number already given.
            await #expect(throws: (any Error).self) {
                try await store.read { db in
                    try await db.raw("UPDATE orders SET number = \(bind: tomorrow.number) WHERE id <> \(bind: tomorrow.id)").run()
                }
            }
            #expect(try await store.order(id: tomorrow.id)?.number == tomorrow.number)
        }
    }

    @Test func numbersReadAsMarketDayAndSequence() {
        #expect(Order.number(market: "IN", day: "20261204", sequence: 42) == "IN-20261204-0042")
        #expect(Order.number(market: "GB", day: "20261204", sequence: 123_456) == "GB-20261204-123456")
        // 23:59:59 UTC is still the same day.
        #expect(Order.numberDay(Date(timeIntervalSince1970: 1_796_342_399)) == "20261203")
        #expect(Order.numberDay(Date(timeIntervalSince1970: 1_796_342_400)) == "20261204")
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func outboxDepthsCountWhatWaitsAndSinceWhen(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let before = try await store.outboxDepths()
            #expect(before.map(\.name) == ["notices", "webhook_deliveries", "refunds", "captures"])
            let (fan, sku, market) = try await fixture(store)
            _ = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "outbox-1")
            let notices = try #require(try await store.outboxDepths().first { $0.name == "notices" })
            let was = try #require(before.first { $0.name == "notices" })
            #expect(notices.pending == was.pending + 1 && notices.retrying == 0 && notices.oldestAt != nil)
            // A capture waits from when the payment was authorized, not from when the pay page opened.
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "outbox-2").order
            let (outcome, _) = try await choose(.pay, store, order, waiting: 600)
            #expect(outcome == .captureScheduled)
            let captures = try #require(try await store.outboxDepths().first { $0.name == "captures" })
            #expect(captures.pending == 1 && captures.oldestAt == clock.now())
        }
    }
}
