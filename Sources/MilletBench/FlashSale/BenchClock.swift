import Foundation
import MilletCore
import Synchronization

/// The wall clock plus an offset the benchmark moves forward, so a sale scheduled an hour ahead
/// (while fans reserve) opens at once when the benchmark says so.
final class BenchClock: MilletClock {
    private let offset = Mutex<TimeInterval>(0)

    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    func advance(by seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}
