import Foundation

/// Counts failed log-ins per key (an account's email, a client IP) and locks a key out for a
/// while once it fails too often inside a window. A value type: the caller owns the storage.
public struct LoginThrottle: Sendable {
    /// How many failures a key may have inside ``window`` before it is locked.
    public let maxFailures: Int
    public let window: TimeInterval
    public let lockout: TimeInterval
    private var entries: [String: Entry] = [:]

    private struct Entry: Sendable {
        var failures: [Date]
        var lockedUntil: Date?
    }

    public init(maxFailures: Int, window: TimeInterval = 15 * 60, lockout: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.window = window
        self.lockout = lockout
    }

    /// Seconds until `key` may try again, or `nil` when it may try now.
    public func retryAfter(_ key: String, now: Date) -> Int? {
        guard let until = entries[key]?.lockedUntil, until > now else { return nil }
        return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    /// Records a failed attempt; locks the key when it reaches ``maxFailures``.
    public mutating func recordFailure(_ key: String, now: Date) {
        var entry = entries[key] ?? Entry(failures: [], lockedUntil: nil)
        entry.failures = entry.failures.filter { now.timeIntervalSince($0) < window } + [now]
        if entry.failures.count >= maxFailures {
            entry.lockedUntil = now.addingTimeInterval(lockout)
            entry.failures = []
        }
        entries[key] = entry
    }

    /// Forgets a key's failures after a successful log-in.
    public mutating func recordSuccess(_ key: String) {
        entries[key] = nil
    }
}
