import Foundation
import Synchronization

/// Every registered device by the hash of its current token, in memory, so a check-in needs no
/// database read. Each node loads it at start and keeps it in step by reading the tokens issued
/// since its last look (``FirmwareUpdates/syncDevices()``, every second); a token this node has
/// not seen yet is read from the database once. A device's older token leaves the index when its
/// new one arrives.
///
/// About 45 bytes a device. The store numbers devices from 1 in the order they register, so the
/// index keeps them by number, in pages of ``pageSize``: each entry is the token key (16 bytes),
/// the serial (16 bytes in place; a longer one aside) and the model, market and channel as one
/// 32-bit profile (a node sees a few hundred such triples, not millions). An open-addressed table
/// of device numbers (4 bytes a slot, at most three quarters full), found by the token key, leads
/// to the entry. A device numbered above `UInt32.max` is not kept: its token is read from the
/// database each time.
final class DeviceIndex: Sendable {
    /// The model, market and channel a device's updates are chosen by.
    fileprivate struct Profile: Hashable {
        let modelId: String
        let marketCode: String
        let channel: UpdateChannel
    }

    /// Entries for ``pageSize`` consecutive device numbers.
    fileprivate struct Page {
        /// Four words an entry: the token key's two halves and the serial's 16 bytes.
        var words: [UInt64]
        /// The entry's profile number, with ``longSerial`` set when the serial is kept aside; 0
        /// for a number with no device.
        var profiles: [UInt32]
    }

    fileprivate struct State {
        var pages: [Page?] = []
        /// Device numbers, 0 for an empty slot; linear probing from the token key's low bits.
        var slots = [UInt32](repeating: 0, count: 1024)
        var count = 0
        var profiles: [Profile] = []
        var profileNumbers: [Profile: UInt32] = [:]
        var longSerials: [UInt32: String] = [:]
        /// The number of the newest token read so far: where the next sync starts.
        var cursor: Int64?
    }

    static let pageShift = 12
    /// Device numbers a page holds.
    static let pageSize = 1 << pageShift
    fileprivate static let longSerial: UInt32 = 1 << 31

    private let state = Mutex(State())

    func device(token: String) -> DeviceIdentity? {
        let key = TokenKey(token: token)
        return state.withLock { state in state.find(key).map { state.identity($0) } }
    }

    /// Records a device's current token, dropping its previous one; with `seq`, a token read in a
    /// sync, which moves the cursor on.
    func put(tokenHash: String, device: some UpdateTarget, seq: Int64?) {
        guard let key = TokenKey(hex: tokenHash) else { return }
        let serial = Self.packSerial(device.serial)
        let profile = Profile(modelId: device.modelId, marketCode: device.marketCode, channel: device.channel)
        state.withLock { state in
            if let seq, seq > state.cursor ?? -1 { state.cursor = seq }
            guard device.number > 0, let number = UInt32(exactly: device.number) else { return }
            state.put(number: number, key: key, serial: serial, profile: profile, longSerial: serial == nil ? device.serial : nil)
        }
    }

    var count: Int { state.withLock { $0.count } }

    var cursor: Int64? { state.withLock { $0.cursor } }

    /// The bytes the index holds: its pages, its slots and the serials kept aside.
    var memoryBytes: Int {
        state.withLock { state in
            let pages = state.pages.reduce(0) { $0 + ($1 == nil ? 0 : Self.pageSize * (4 * 8 + 4)) }
            let aside = state.longSerials.values.reduce(0) { $0 + 32 + $1.utf8.count }
            return pages + state.slots.count * 4 + state.pages.count * MemoryLayout<Page?>.stride + aside
        }
    }

    /// A serial of at most 16 bytes as two words, zero-padded; `nil` for a longer one.
    static func packSerial(_ serial: String) -> (UInt64, UInt64)? {
        let bytes = Array(serial.utf8)
        guard bytes.count <= 16, !bytes.contains(0) else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        for (i, byte) in bytes.enumerated() {
            if i < 8 { words.0 |= UInt64(byte) << (56 - 8 * i) } else { words.1 |= UInt64(byte) << (56 - 8 * (i - 8)) }
        }
        return words
    }

    static func unpackSerial(_ high: UInt64, _ low: UInt64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for word in [high, low] {
            for shift in stride(from: 56, through: 0, by: -8) {
                let byte = UInt8(truncatingIfNeeded: word >> UInt64(shift))
                if byte == 0 { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    fileprivate static func home(_ key: TokenKey, mask: Int) -> Int { Int(truncatingIfNeeded: key.low) & mask }
}

extension DeviceIndex.State {
    fileprivate typealias Index = DeviceIndex

    /// The stored token key of device `number`, which must have an entry.
    fileprivate func key(of number: UInt32) -> TokenKey {
        let (page, offset) = Self.place(number)
        let words = pages[page]!.words
        return TokenKey(high: words[offset * 4], low: words[offset * 4 + 1])
    }

    fileprivate static func place(_ number: UInt32) -> (page: Int, offset: Int) {
        (Int(number) >> Index.pageShift, Int(number) & (Index.pageSize - 1))
    }

    /// The number of the device whose current token has this key.
    fileprivate func find(_ key: TokenKey) -> UInt32? {
        let mask = slots.count - 1
        var slot = Index.home(key, mask: mask)
        while true {
            let number = slots[slot]
            if number == 0 { return nil }
            if self.key(of: number) == key { return number }
            slot = (slot + 1) & mask
        }
    }

    fileprivate func identity(_ number: UInt32) -> DeviceIdentity {
        let (page, offset) = Self.place(number)
        let entry = pages[page]!
        let packed = entry.profiles[offset]
        let profile = profiles[Int(packed & ~Index.longSerial) - 1]
        let serial = packed & Index.longSerial != 0
            ? longSerials[number] ?? "" : Index.unpackSerial(entry.words[offset * 4 + 2], entry.words[offset * 4 + 3])
        return DeviceIdentity(number: Int64(number), serial: serial, modelId: profile.modelId, marketCode: profile.marketCode, channel: profile.channel)
    }

    fileprivate mutating func put(number: UInt32, key: TokenKey, serial: (UInt64, UInt64)?, profile: Index.Profile, longSerial: String?) {
        let (page, offset) = Self.place(number)
        if pages.count <= page { pages += Array(repeating: nil, count: page + 1 - pages.count) }
        if pages[page] == nil {
            pages[page] = Index.Page(words: Array(repeating: 0, count: Index.pageSize * 4), profiles: Array(repeating: 0, count: Index.pageSize))
        }
        let known = pages[page]!.profiles[offset] != 0
        let old = known ? self.key(of: number) : nil
        if let old, old != key { remove(old) }
        // A key held by another number (never, short of a SHA-256 collision) moves to this one.
        if let holder = find(key), holder != number {
            remove(key)
            let (holderPage, holderOffset) = Self.place(holder)
            pages[holderPage]!.profiles[holderOffset] = 0
        }
        let inTable = old == key
        var profileNumber = profileNumbers[profile] ?? {
            profiles.append(profile)
            profileNumbers[profile] = UInt32(profiles.count)
            return UInt32(profiles.count)
        }()
        if let longSerial {
            profileNumber |= Index.longSerial
            longSerials[number] = longSerial
        } else {
            longSerials[number] = nil
        }
        pages[page]!.words.withUnsafeMutableBufferPointer { words in
            words[offset * 4] = key.high
            words[offset * 4 + 1] = key.low
            words[offset * 4 + 2] = serial?.0 ?? 0
            words[offset * 4 + 3] = serial?.1 ?? 0
        }
        pages[page]!.profiles[offset] = profileNumber
        if !inTable {
            if (count + 1) * 4 > slots.count * 3 { grow() }
            insert(number, key: key)
            count += 1
        }
    }

    private mutating func insert(_ number: UInt32, key: TokenKey) {
        let mask = slots.count - 1
        var slot = Index.home(key, mask: mask)
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = number
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt32](repeating: 0, count: old.count * 2)
        for number in old where number != 0 { insert(number, key: key(of: number)) }
    }

    /// Takes `key` out of the table, moving back the slots after it that probed past it, so no
    /// probe ever stops short (no tombstones). The entry's words stay until overwritten.
    private mutating func remove(_ key: TokenKey) {
        let mask = slots.count - 1
        var hole = Index.home(key, mask: mask)
        while slots[hole] != 0 && self.key(of: slots[hole]) != key { hole = (hole + 1) & mask }
        guard slots[hole] != 0 else { return }
        var next = hole
        while true {
            next = (next + 1) & mask
            let number = slots[next]
            if number == 0 { break }
            let home = Index.home(self.key(of: number), mask: mask)
            // It stays when its home lies cyclically in (hole, next].
            let stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
            if !stays {
                slots[hole] = number
                hole = next
            }
        }
        slots[hole] = 0
        count -= 1
    }
}
