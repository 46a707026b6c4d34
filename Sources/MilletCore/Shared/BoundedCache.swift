import Synchronization

/// A dictionary behind a lock that starts over once it holds `limit` entries and a new key comes:
/// for values worked out once and reused many times (a sale, its signing key, an encoded body), of
/// which a node needs only a few at a time.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let limit: Int
    private let entries = Mutex<[Key: Value]>([:])

    public init(limit: Int = 1_000) {
        self.limit = limit
    }

    public subscript(key: Key) -> Value? { entries.withLock { $0[key] } }

    public func store(_ value: Value, for key: Key) {
        entries.withLock {
            if $0.count >= limit, $0[key] == nil { $0.removeAll() }
            $0[key] = value
        }
    }
}
