import MilletCore
import Synchronization

/// Sales this node has read, by id. Once staff create a sale nothing about it changes but its
/// counters, which ``SaleFigures`` carry, so one read per node serves every later request: the
/// sale page, reservations, the live stream.
final class KnownSales: Sendable {
    /// Sales kept at most; past this the node starts over (it runs a few sales at a time).
    static let limit = 1_000

    private let sales = Mutex<[String: FlashSale]>([:])

    func sale(id: String) -> FlashSale? { sales.withLock { $0[id] } }

    func remember(_ sale: FlashSale) {
        sales.withLock {
            if $0.count >= Self.limit, $0[sale.id] == nil { $0.removeAll() }
            $0[sale.id] = sale
        }
    }
}
