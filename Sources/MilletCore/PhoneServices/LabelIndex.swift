import Foundation
import Synchronization

/// Every shown number label in memory, by the first 64 bits of its number's SHA-256, so a lookup
/// needs no database read: 12 bytes a label (the key, and its category and confidence packed in
/// 32 bits), business names beside them. A node loads it at start and keeps it in step by
/// reading the labels whose version moved since its last look (``NumberDesk/syncIndex()``, every
/// second); its own writes go in at once. Versions are committed in order, so the cursor never
/// skips one.
///
/// The labels sit in one sorted array, searched by binary search; changes since the last merge
/// wait in small buckets by the top 16 bits (a lookup's prefix of 4 to 8 hex digits falls in one
/// bucket), and are merged into the array once there are many.
public final class LabelIndex: Sendable {
    /// A shown label as the index keeps it.
    public struct Entry: Equatable, Sendable {
        public let key: UInt64
        public let category: CallCategory?
        public let confidenceBasisPoints: Int
        public let businessName: String?
    }

    private struct State {
        var keys: [UInt64] = []
        var values: [UInt32] = []
        var businesses: [UInt64: String] = [:]
        /// Changes not merged yet: the packed value, or `nil` for a label no longer shown.
        var pending: [UInt16: [UInt64: UInt32?]] = [:]
        var pendingCount = 0
        /// Labels read by the first load, in the order read, sorted once it is complete.
        var loading: [(key: UInt64, value: UInt32?)] = []
        /// The highest version applied: where the next sync starts.
        var cursor: Int64 = 0
        /// Whether a sync has read everything once.
        var loaded = false
    }

    private let state = Mutex(State())
    /// ``isLoaded``, read without the lock by every lookup and write.
    private let loadedFlag = Atomic<Bool>(false)
    /// When a sync last read to the end (milliseconds since 1970), for ``NumberDesk`` to tell a
    /// stale index.
    private let syncedAt = Atomic<Int64>(0)
    /// Changes held apart before they are merged into the sorted array.
    public static let mergeAt = 50_000

    public init() {}

    /// Whether the index has read every label once; until then lookups go to the database.
    public var isLoaded: Bool { loadedFlag.load(ordering: .acquiring) }

    /// When a sync last read to the end.
    public var lastSynced: Date { Date(timeIntervalSince1970: TimeInterval(syncedAt.load(ordering: .relaxed)) / 1000) }

    /// Notes that a sync read to the end at `now`.
    public func markSynced(at now: Date) { syncedAt.store(Int64(now.timeIntervalSince1970 * 1000), ordering: .relaxed) }
    /// The highest version applied: where the next sync starts.
    public var cursor: Int64 { state.withLock { $0.cursor } }

    /// The first 64 bits of a label's number hash.
    static func key(_ label: NumberLabel) -> UInt64 { UInt64(label.number.shortHash, radix: 16) ?? 0 }

    /// Category (its place plus one; 0 for a business) in the top byte, confidence below; `nil`
    /// for a label that shows nothing.
    static func pack(_ shown: NumberLabel.Shown) -> UInt32? {
        if shown.businessName != nil { return 0 }
        guard let category = shown.category, let place = CallCategory.allCases.firstIndex(of: category) else { return nil }
        return UInt32(place + 1) << 24 | UInt32(max(0, min(shown.confidenceBasisPoints, 10_000)))
    }

    /// Applies a page of labels read in version order: each one newer than the cursor, as
    /// devices see it now (one that shows nothing leaves). Two syncs reading overlapping pages
    /// apply each version once. `complete`: the page was the last; the first load is then sorted.
    public func apply(_ labels: [NumberLabel], complete: Bool) {
        // Hashes and packing outside the lock: lookups wait on it.
        let rows = labels.map { label -> (version: Int64, key: UInt64, value: UInt32?, name: String?) in
            let shown = label.shown
            return (label.version, Self.key(label), Self.pack(shown), shown.businessName)
        }
        let finished: [(key: UInt64, value: UInt32?)]? = state.withLock { state in
            for row in rows where row.version > state.cursor {
                state.cursor = row.version
                state.businesses[row.key] = row.name
                if state.loaded {
                    let bucket = UInt16(row.key >> 48)
                    if state.pending[bucket, default: [:]].updateValue(row.value, forKey: row.key) == nil { state.pendingCount += 1 }
                } else {
                    state.loading.append((row.key, row.value))
                }
            }
            if state.pendingCount >= Self.mergeAt { Self.merge(&state) }
            guard !state.loaded && complete else { return nil }
            defer { state.loading = [] }
            return state.loading
        }
        guard var loading = finished else { return }
        // The first load, sorted outside the lock (one loader: the start-up sync). A label read
        // twice (changed while the load went on) keeps its later state: the sort keeps read order
        // among equal keys, and the last of each run wins.
        let order = loading.indices.map { (key: loading[$0].key, seq: UInt32($0)) }.sorted { ($0.key, $0.seq) < ($1.key, $1.seq) }
        var keys: [UInt64] = [], values: [UInt32] = []
        keys.reserveCapacity(order.count)
        values.reserveCapacity(order.count)
        for (position, item) in order.enumerated() {
            if position + 1 < order.count, order[position + 1].key == item.key { continue }
            guard let value = loading[Int(item.seq)].value else { continue }
            keys.append(item.key)
            values.append(value)
        }
        loading = []
        state.withLock { state in (state.keys, state.values, state.loaded) = (keys, values, true) }
        loadedFlag.store(true, ordering: .releasing)
    }

    /// The shown labels whose key starts with `prefix` (4 to 8 lowercase hex digits), by key.
    public func entries(prefix: String) -> [Entry] {
        guard (4...8).contains(prefix.count), prefix.allSatisfy(\.isHexDigit), let value = UInt64(prefix, radix: 16) else { return [] }
        let shift = UInt64(64 - 4 * prefix.count)
        let low = value << shift, high = low | ((1 << shift) - 1)
        return state.withLock { state in
            var found: [UInt64: UInt32] = [:]
            var index = Self.firstIndex(in: state.keys, notBelow: low)
            while index < state.keys.count, state.keys[index] <= high {
                found[state.keys[index]] = state.values[index]
                index += 1
            }
            for (key, value) in state.pending[UInt16(low >> 48)] ?? [:] where key >= low && key <= high {
                found[key] = value
            }
            return found.keys.sorted().map { key in
                let value = found[key]!
                let place = Int(value >> 24)
                return Entry(key: key, category: place == 0 ? nil : CallCategory.allCases[place - 1],
                             confidenceBasisPoints: Int(value & 0xFFFF), businessName: place == 0 ? state.businesses[key] : nil)
            }
        }
    }

    private static func firstIndex(in keys: [UInt64], notBelow key: UInt64) -> Int {
        var (low, high) = (0, keys.count)
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Folds the pending changes into the sorted array in one pass.
    private static func merge(_ state: inout State) {
        var changes: [(UInt64, UInt32?)] = []
        for bucket in state.pending.values { for (key, value) in bucket { changes.append((key, value)) } }
        changes.sort { $0.0 < $1.0 }
        var keys: [UInt64] = [], values: [UInt32] = []
        keys.reserveCapacity(state.keys.count + changes.count)
        values.reserveCapacity(state.keys.count + changes.count)
        var (i, j) = (0, 0)
        while i < state.keys.count || j < changes.count {
            if j == changes.count || (i < state.keys.count && state.keys[i] < changes[j].0) {
                keys.append(state.keys[i]); values.append(state.values[i]); i += 1
            } else {
                if i < state.keys.count && state.keys[i] == changes[j].0 { i += 1 }
                if let value = changes[j].1 { keys.append(changes[j].0); values.append(value) }
                j += 1
            }
        }
        state.keys = keys
        state.values = values
        state.pending = [:]
        state.pendingCount = 0
    }
}
