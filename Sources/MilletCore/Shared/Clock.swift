import Foundation
import Synchronization

/// Where Millet reads the time. Production uses ``SystemClock``; tests use ``TestClock``.
public protocol MilletClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The wall clock.
public struct SystemClock: MilletClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to, so tests never sleep.
///
/// ```swift
/// let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
/// clock.advance(by: 31 * 60)
/// ```
public final class TestClock: MilletClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
