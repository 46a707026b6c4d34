import Synchronization

/// Lets one task at a time through, in arrival order. Guards the single SQLite connection so a
/// transaction's statements are never interleaved with another task's.
///
/// A lock, not an actor: a task that finds the gate open goes straight through, and leaving wakes
/// the next waiter directly, without a hop to an actor's executor on either side.
final class AsyncGate: Sendable {
    private let state = Mutex<(busy: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func enter() async {
        if state.withLock({ Self.take(&$0.busy) }) { return }
        await withCheckedContinuation { waiter in
            let entered = state.withLock { state -> Bool in
                if Self.take(&state.busy) { return true }
                state.waiters.append(waiter)
                return false
            }
            if entered { waiter.resume() }
        }
    }

    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

    /// Marks the gate busy; `true` when it was open.
    private static func take(_ busy: inout Bool) -> Bool {
        guard !busy else { return false }
        busy = true
        return true
    }
}
