import Foundation
import MilletCore
import SQLKit

extension SQLStore {
    /// Takes the next `count` numbers of a market's day inside the caller's transaction; the
    /// sequence row stays locked (PostgreSQL) or the database this writer's (SQLite) until it
    /// commits, so two orders never get the same one.
    static func orderNumbers(db: any SQLDatabase, market: String, placedAt: Date, count: Int) async throws -> [String] {
        guard count > 0 else { return [] }
        let day = Order.numberDay(placedAt)
        guard let row = try await db.raw("""
            INSERT INTO order_sequences (market_code, day, last) VALUES (\(bind: market), \(bind: day), \(bind: Int64(count)))
            ON CONFLICT (market_code, day) DO UPDATE SET last = order_sequences.last + \(bind: Int64(count))
            RETURNING last
            """).first() else { throw DomainError.conflict(code: "order_number", message: "no order number was given") }
        let last = try row.int("last")
        return (last - Int64(count) + 1...last).map { Order.number(market: market, day: day, sequence: $0) }
    }
}
