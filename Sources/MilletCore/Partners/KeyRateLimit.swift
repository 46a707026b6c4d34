import Foundation

/// At most `perSecond` requests a second for each partner key, in bursts of up to `burst`: a
/// token bucket per key, on this node.
public actor KeyRateLimit {
    private let perSecond: Double
    private let burst: Double
    private let clock: any MilletClock
    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    public init(perSecond: Double, burst: Double, clock: any MilletClock) {
        self.perSecond = perSecond
        self.burst = burst
        self.clock = clock
    }

    /// Takes one request for `key`: `nil` when it may go on, else the whole seconds until it may.
    public func take(_ key: String) -> Int? {
        let now = clock.now()
        var bucket = buckets[key] ?? (burst, now)
        bucket.tokens = min(burst, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * perSecond)
        bucket.at = now
        defer { buckets[key] = bucket }
        guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))) }
        bucket.tokens -= 1
        return nil
    }
}
