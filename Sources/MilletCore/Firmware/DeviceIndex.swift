import Crypto
import Foundation
import Synchronization

/// Every registered device by the hash of its current token, in memory, so a check-in needs no
/// database read. Each node loads it at start and keeps it in step by reading the tokens issued
/// since its last look (``FirmwareUpdates/syncDevices()``, every second); a token this node has
/// not seen yet is read from the database once. A device's older token leaves the index when its
/// new one arrives.
final class DeviceIndex: Sendable {
    /// The first 16 bytes of a token's SHA-256: half the memory of the hex string, and as unique.
    struct TokenKey: Hashable {
        let high: UInt64
        let low: UInt64

        init?(hex: String) {
            guard let bytes = Secrets.unhex(String(hex.prefix(32))), bytes.count == 16 else { return nil }
            high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
            low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
        }

        /// The key of a token itself, hashed here: no hex in between.
        init(token: String) {
            let digest = SHA256.hash(utf8: token)
            (high, low) = digest.withUnsafeBytes { raw in
                (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                 UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
        }
    }

    private struct State {
        var byToken: [TokenKey: Device] = [:]
        var tokenOf: [String: TokenKey] = [:]
        /// The number of the newest token read so far: where the next sync starts.
        var cursor: Int64?
    }

    private let state = Mutex(State())

    func device(token: String) -> Device? {
        let key = TokenKey(token: token)
        return state.withLock { $0.byToken[key] }
    }

    /// Records a device's current token, dropping its previous one; with `seq`, a token read in a
    /// sync, which moves the cursor on.
    func put(tokenHash: String, device: Device, seq: Int64?) {
        guard let key = TokenKey(hex: tokenHash) else { return }
        state.withLock { state in
            if let old = state.tokenOf[device.id], old != key { state.byToken[old] = nil }
            state.byToken[key] = device
            state.tokenOf[device.id] = key
            if let seq, seq > state.cursor ?? -1 { state.cursor = seq }
        }
    }

    var count: Int { state.withLock { $0.byToken.count } }

    var cursor: Int64? { state.withLock { $0.cursor } }
}
