import Foundation
import Testing
@testable import MilletCore

/// The log-in gate: the decision and the reservation are one step, waits double past the free
/// failures, and a right password clears only the keys it proves.
@Suite struct LoginGateTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let account = LoginGate.Key("account:fan@millet.test", .account)
    let ip = LoginGate.Key("ip:203.0.113.9", .ip)

    @Test func attemptsSentAtOnceAreAdmittedOnlyUpToTheFreeFailures() throws {
        var gate = LoginGate()
        var admitted: [LoginGate.Ticket] = [], refused = 0
        for _ in 0..<100 {
            do { admitted.append(try gate.admit([account, ip], now: start)) } catch DomainError.throttled { refused += 1 }
        }
        #expect(admitted.count == 5 && refused == 95)
        for ticket in admitted { gate.settle(ticket, outcome: .wrong, now: start) }
        #expect(throws: DomainError.throttled(retryAfterSeconds: 1)) { try gate.admit([account], now: start) }
    }

    @Test func eachFailurePastTheFreeOnesDoublesTheWaitUpToFifteenMinutes() throws {
        var gate = LoginGate()
        var now = start
        for _ in 0..<5 { gate.settle(try gate.admit([account], now: now), outcome: .wrong, now: now) }
        var waits: [Int] = []
        for _ in 0..<12 {
            do {
                _ = try gate.admit([account], now: now)
                Issue.record("admitted while it should wait")
            } catch DomainError.throttled(let seconds) {
                waits.append(seconds)
                now = now.addingTimeInterval(TimeInterval(seconds))
                gate.settle(try gate.admit([account], now: now), outcome: .wrong, now: now)
            }
        }
        #expect(waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900])
        // An hour without a failure and the key starts over.
        now = now.addingTimeInterval(3600)
        for _ in 0..<5 { gate.settle(try gate.admit([account], now: now), outcome: .wrong, now: now) }
    }

    @Test func aRightPasswordClearsTheAccountButNotTheIP() throws {
        var gate = LoginGate()
        let strict = LoginGate.Key("ip:198.51.100.1", LoginGate.Policy(freeFailures: 5))
        for _ in 0..<4 { gate.settle(try gate.admit([account, strict], now: start), outcome: .wrong, now: start) }
        gate.settle(try gate.admit([account, strict], now: start), outcome: .right(clearing: [account.name]), now: start)
        // The account starts over; the IP keeps its four failures and is spaced out after one more.
        gate.settle(try gate.admit([account, strict], now: start), outcome: .wrong, now: start)
        #expect(throws: DomainError.throttled(retryAfterSeconds: 1)) { try gate.admit([strict], now: start) }
        _ = try gate.admit([account], now: start)
    }

    @Test func anAttemptThatWasNotCheckedCountsForNothing() throws {
        var gate = LoginGate()
        for _ in 0..<20 { gate.settle(try gate.admit([account], now: start), outcome: .unchecked, now: start) }
        for _ in 0..<5 { gate.settle(try gate.admit([account], now: start), outcome: .wrong, now: start) }
        #expect(throws: DomainError.throttled(retryAfterSeconds: 1)) { try gate.admit([account], now: start) }
    }

    @Test func aRefusalOnOneKeyReservesNothingOnTheOthers() throws {
        var gate = LoginGate()
        let other = LoginGate.Key("account:other@millet.test", .account)
        for _ in 0..<5 { gate.settle(try gate.admit([account], now: start), outcome: .wrong, now: start) }
        for _ in 0..<10 { #expect(throws: DomainError.self) { try gate.admit([other, account], now: start) } }
        // `other` was never reserved by the refused attempts: its five are all there.
        for _ in 0..<5 { gate.settle(try gate.admit([other], now: start), outcome: .wrong, now: start) }
    }

    @Test func aFullGateForgetsTheKeysWithFewestFailuresNotTheOneUnderAttack() throws {
        var gate = LoginGate(capacity: 20)
        for _ in 0..<5 { gate.settle(try gate.admit([account], now: start), outcome: .wrong, now: start) }
        // A flood of made-up emails, each failing once, after the account's failures.
        for n in 0..<100 {
            let at = start.addingTimeInterval(Double(n) * 0.01)
            gate.settle(try gate.admit([LoginGate.Key("account:flood\(n)", .account)], now: at), outcome: .wrong, now: at)
        }
        // The account still waits for its sixth attempt; it was not forgotten to make room.
        #expect(throws: DomainError.throttled(retryAfterSeconds: 1)) { try gate.admit([account], now: start.addingTimeInterval(0.5)) }
    }

    @Test func aKnownDeviceTokenIsSignedForItsAccount() throws {
        let key = Array(repeating: UInt8(7), count: 32)
        let device = KnownDevice.make(accountId: Identifier.make())
        let token = device.token(key: key)
        #expect(KnownDevice.read(token, key: key) == device)
        #expect(KnownDevice.read(token, key: Array(repeating: 8, count: 32)) == nil)
        let parts = token.split(separator: ".")
        #expect(KnownDevice.read("\(parts[0]).\(Identifier.make()).\(parts[2])", key: key) == nil)
        #expect(KnownDevice.read("junk", key: key) == nil)
    }
}
