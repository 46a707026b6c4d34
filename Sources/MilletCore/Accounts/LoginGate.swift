import Foundation

/// Decides, before any password is hashed, whether a log-in attempt may be checked: per key (an
/// account's email, a client IP, a known device of an account) a few failures are free, then each
/// further attempt waits twice as long as the one before, up to ``Policy/maxDelay``; failures
/// are forgotten after ``Policy/memory`` without one. An attempt being checked counts as a
/// failure until it is settled, so a hundred guesses sent at once get the free ones checked and
/// the rest refused: the decision and the reservation are one step. A value type: the caller
/// owns the storage (under a lock).
public struct LoginGate: Sendable {
    /// How one kind of key is limited.
    public struct Policy: Sendable, Equatable {
        /// Failures a key may have before attempts are spaced out.
        public let freeFailures: Int
        /// The longest wait between attempts.
        public let maxDelay: TimeInterval
        /// How long a key remembers its failures after its last one.
        public let memory: TimeInterval

        /// A policy of `freeFailures`, waits doubling from a second up to `maxDelay`, and failures
        /// kept for `memory` after the last.
        public init(freeFailures: Int, maxDelay: TimeInterval = 15 * 60, memory: TimeInterval = 3600) {
            self.freeFailures = freeFailures
            self.maxDelay = maxDelay
            self.memory = memory
        }

        /// An account from a device or IP it has not logged in from: five free failures.
        public static let account = Policy(freeFailures: 5)
        /// A client IP, which many people may share (an office, a carrier's NAT): a hundred.
        public static let ip = Policy(freeFailures: 100)
        /// An account from a device or IP it logged in from before: five of its own, so the
        /// owner is not held back by a stranger's guesses, nor the stranger helped by the owner's.
        public static let knownSource = Policy(freeFailures: 5)

        /// The wait after `failures` failures, from the last one.
        func delay(after failures: Int) -> TimeInterval {
            guard failures >= freeFailures else { return 0 }
            return min(maxDelay, pow(2, Double(min(failures - freeFailures, 30))))
        }
    }

    /// One key and its policy, as an attempt names them.
    public struct Key: Sendable, Hashable {
        public let name: String
        public let policy: Policy

        /// The key `name` (hashed by the caller when it holds an email) limited by `policy`.
        public init(_ name: String, _ policy: Policy) {
            self.name = name
            self.policy = policy
        }

        public static func == (a: Key, b: Key) -> Bool { a.name == b.name }
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    /// The keys an admitted attempt holds until it is settled.
    public struct Ticket: Sendable {
        /// The keys the attempt reserved, to settle.
        public let keys: [Key]
    }

    private struct Entry: Sendable {
        var failures = 0
        var lastFailure = Date.distantPast
        var checking = 0
    }

    private var entries: [String: Entry] = [:]
    /// Entries kept before the idle ones are dropped.
    private let capacity: Int

    /// A gate that keeps at most about `capacity` keys (see ``forgetIdle(now:)``).
    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// Admits an attempt on every key or on none: `throttled` with the longest wait when any key
    /// must wait. An admitted attempt must be settled.
    public mutating func admit(_ keys: [Key], now: Date) throws -> Ticket {
        let wait = keys.map { Self.wait(entry($0, now: now), $0.policy, now: now) }.max() ?? 0
        guard wait == 0 else { throw DomainError.throttled(retryAfterSeconds: max(1, Int(wait.rounded(.up)))) }
        if entries.count >= capacity { forgetIdle(now: now) }
        for key in keys {
            var entry = entry(key, now: now)
            entry.checking += 1
            entries[key.name] = entry
        }
        return Ticket(keys: keys)
    }

    /// A key's entry as it stands at `now`: its failures forgotten once its policy's memory has
    /// passed since the last.
    private func entry(_ key: Key, now: Date) -> Entry {
        var entry = entries[key.name] ?? Entry()
        if now.timeIntervalSince(entry.lastFailure) >= key.policy.memory { entry.failures = 0 }
        return entry
    }

    /// Seconds a key must wait before another attempt, counting attempts still being checked as
    /// failures.
    private static func wait(_ entry: Entry, _ policy: Policy, now: Date) -> TimeInterval {
        let pending = entry.failures + entry.checking
        if pending < policy.freeFailures { return 0 }
        // Past the free ones, one attempt at a time.
        if entry.checking > 0 { return 1 }
        let until = entry.lastFailure.addingTimeInterval(policy.delay(after: entry.failures))
        return max(0, until.timeIntervalSince(now))
    }

    /// Ends an attempt. A wrong password is a failure on each of its keys; a right one clears the
    /// keys in `cleared` (the account's, the device's) and leaves the others (an IP's failures
    /// stay, or one account of the guesser's own would wipe its count); an attempt that was not
    /// checked (the hashing pool was full) counts for nothing.
    public mutating func settle(_ ticket: Ticket, outcome: Outcome, now: Date) {
        for key in ticket.keys {
            guard var entry = entries[key.name] else { continue }
            entry.checking = max(0, entry.checking - 1)
            switch outcome {
            case .wrong:
                entry.failures += 1
                entry.lastFailure = now
            case .right(let cleared) where cleared.contains(key.name):
                entry.failures = 0
            case .right, .unchecked:
                break
            }
            entries[key.name] = entry.failures == 0 && entry.checking == 0 ? nil : entry
        }
    }

    /// How an admitted attempt ended.
    public enum Outcome: Sendable {
        /// The password was wrong: a failure on every key.
        case wrong
        /// The password was right; the named keys start over.
        case right(clearing: Set<String>)
        /// The password was never checked (the hashing pool was full): nothing counts.
        case unchecked
    }

    /// Drops entries nobody is checking and whose failures are an hour old, then, if that was
    /// not enough (a flood of made-up emails must not grow memory without end), half of the idle
    /// ones, those with the fewest failures first: a key under attack keeps its count.
    private mutating func forgetIdle(now: Date) {
        entries = entries.filter { $0.value.checking > 0 || now.timeIntervalSince($0.value.lastFailure) < 3600 }
        guard entries.count >= capacity else { return }
        let idle = entries.filter { $0.value.checking == 0 }
            .sorted { ($0.value.failures, $0.value.lastFailure) < ($1.value.failures, $1.value.lastFailure) }
        for (key, _) in idle.prefix(max(idle.count / 2, entries.count - capacity + 1)) { entries[key] = nil }
    }
}
