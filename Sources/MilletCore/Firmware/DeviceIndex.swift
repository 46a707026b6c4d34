import Foundation
import Synchronization

/// Every registered device by the hash of its current token, in memory, so a check-in needs no
/// database read. Each node loads it at start and keeps it in step by reading the tokens issued
/// since its last look (``FirmwareUpdates/syncDevices()``, every second); a token this node has
/// not seen yet is read from the database once. A device's older token leaves the index when its
/// new one arrives.
final class DeviceIndex: Sendable {
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
