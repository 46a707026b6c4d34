import Foundation
import MilletCore
import MilletTesting
import Synchronization
import Testing
@testable import MilletStorage

/// A hasher that counts its checks and takes a moment over each, so attempts sent together are
/// being checked at the same time.
final class CountingHasher: PasswordHasher {
    let checks = Atomic<Int>(0)
    let plain = PlainHasher()

    func hash(_ password: String) async throws -> String { plain.hash(password) }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        checks.wrappingAdd(1, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(20))
        return plain.verify(password, against: hash)
    }
}

/// Log-ins against a real store: guesses sent at once are checked only up to the free ones, the
/// owner still gets in from a device or IP that logged in before, an unknown email costs a check
/// like a wrong password, and registrations are limited per IP.
extension StorageConformanceTests {
    func outcome(_ attempt: () async throws -> Void) async -> String {
        do {
            try await attempt()
            return "ok"
        } catch DomainError.throttled {
            return "throttled"
        } catch DomainError.unauthenticated {
            return "wrong"
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: Backends.all) func aHundredGuessesSentAtOnceAreCheckedFiveTimes(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let hasher = CountingHasher()
            let authenticator = Authenticator(accounts: store, hasher: hasher, clock: clock)
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        await outcome { _ = try await authenticator.logIn(email: "fan@millet.test", password: "guess", clientIP: "203.0.113.9") }
                    }
                }
                return await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["wrong": 5, "throttled": 95])
            #expect(hasher.checks.load(ordering: .relaxed) == 5)
        }
    }

    @Test(arguments: Backends.all) func theOwnerGetsInFromAKnownDeviceOrIPWhileAStrangerIsHeldBack(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            let first = try await authenticator.logIn(email: "fan@millet.test", password: "millet-fan", clientIP: "10.0.0.1")
            for _ in 0..<5 {
                #expect(await outcome { _ = try await authenticator.logIn(email: "fan@millet.test", password: "guess", clientIP: "203.0.113.9") } == "wrong")
            }
            // The stranger, and anyone else new, waits; with the right password too.
            #expect(await outcome { _ = try await authenticator.logIn(email: "fan@millet.test", password: "millet-fan", clientIP: "198.51.100.7") } == "throttled")
            // The owner's browser, from a new network, shows its device token and gets in.
            let again = try await authenticator.logIn(email: "fan@millet.test", password: "millet-fan", clientIP: "10.9.9.9", deviceToken: first.deviceToken)
            #expect(again.account.id == first.account.id && again.deviceToken == first.deviceToken)
            // An app that keeps no token gets in from the IP it logged in from before.
            _ = try await authenticator.logIn(email: "fan@millet.test", password: "millet-fan", clientIP: "10.0.0.1")
            // Another account's token does not count for this one.
            let staff = try await authenticator.logIn(email: "staff@millet.test", password: "millet-staff", clientIP: "10.0.0.2")
            #expect(await outcome {
                _ = try await authenticator.logIn(email: "fan@millet.test", password: "millet-fan", clientIP: "10.0.0.3", deviceToken: staff.deviceToken)
            } == "throttled")
            // A known device is itself limited: five wrong guesses from it and it waits too.
            for _ in 0..<5 {
                #expect(await outcome {
                    _ = try await authenticator.logIn(email: "fan@millet.test", password: "guess", clientIP: "10.9.9.9", deviceToken: first.deviceToken)
                } == "wrong")
            }
            #expect(await outcome {
                _ = try await authenticator.logIn(email: "fan@millet.test", password: "millet-fan", clientIP: "10.9.9.9", deviceToken: first.deviceToken)
            } == "throttled")
        }
    }

    @Test(arguments: Backends.all) func aNewPasswordEndsTheKnownDevices(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            let desk = AccountDesk(store: store, accounts: store, authenticator: authenticator, hasher: PlainHasher(), clock: clock)
            let first = try await authenticator.logIn(email: "fan@millet.test", password: "millet-fan", clientIP: "10.0.0.1")
            _ = try await desk.changePassword(first.account, current: "millet-fan", new: "a-new-password-1", clientIP: "10.0.0.1")
            for _ in 0..<5 {
                #expect(await outcome { _ = try await authenticator.logIn(email: "fan@millet.test", password: "guess", clientIP: "203.0.113.9") } == "wrong")
            }
            // The browser that knew the old password is a stranger now.
            #expect(await outcome {
                _ = try await authenticator.logIn(email: "fan@millet.test", password: "a-new-password-1", clientIP: "10.9.9.9", deviceToken: first.deviceToken)
            } == "throttled")
        }
    }

    @Test(arguments: Backends.all) func madeUpResetLinksAreLimitedBeforeHashing(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock, registrationsPerHour: 3)
            let desk = AccountDesk(store: store, accounts: store, authenticator: authenticator, hasher: PlainHasher(), clock: clock)
            for _ in 0..<3 {
                await #expect(throws: DomainError.self) { _ = try await desk.resetPassword(token: Secrets.hex(bytes: 32), newPassword: "a-new-password-1", clientIP: "198.51.100.4") }
            }
            #expect(await outcome { _ = try await desk.resetPassword(token: Secrets.hex(bytes: 32), newPassword: "a-new-password-1", clientIP: "198.51.100.4") } == "throttled")
            // Registrations from that address have their own count.
            _ = try await desk.register(try Registration(email: "after@fans.test", password: "fan-password-1", displayName: "After"), language: nil, clientIP: "198.51.100.4")
        }
    }

    @Test(arguments: Backends.all) func guessesFromOneIPDoNotLockOutThoseBehindIt(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock)
            _ = try await authenticator.logIn(email: "fan@millet.test", password: "millet-fan", clientIP: "192.0.2.1")
            // A hundred wrong passwords for made-up accounts from the office's one address.
            for n in 0..<100 {
                #expect(await outcome { _ = try await authenticator.logIn(email: "nobody\(n)@millet.test", password: "guess", clientIP: "192.0.2.1") } == "wrong")
            }
            #expect(await outcome { _ = try await authenticator.logIn(email: "staff@millet.test", password: "millet-staff", clientIP: "192.0.2.1") } == "throttled")
            // The fan who logged in from there before still gets in.
            _ = try await authenticator.logIn(email: "fan@millet.test", password: "millet-fan", clientIP: "192.0.2.1")
            // Spaced out, not locked: after the wait the next attempt is checked.
            clock.advance(by: 1)
            _ = try await authenticator.logIn(email: "staff@millet.test", password: "millet-staff", clientIP: "192.0.2.1")
        }
    }

    @Test(arguments: Backends.all) func anUnknownEmailCostsACheckLikeAWrongPassword(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let hasher = CountingHasher()
            let authenticator = Authenticator(accounts: store, hasher: hasher, clock: clock)
            #expect(await outcome { _ = try await authenticator.logIn(email: "nobody@millet.test", password: "guess", clientIP: "ip") } == "wrong")
            #expect(await outcome { _ = try await authenticator.logIn(email: "fan@millet.test", password: "guess", clientIP: "ip") } == "wrong")
            #expect(hasher.checks.load(ordering: .relaxed) == 2)
            // The decoy's own password never logs anyone in.
            #expect(await outcome { _ = try await authenticator.logIn(email: "nobody@millet.test", password: "", clientIP: "ip") } == "wrong")
        }
    }

    @Test(arguments: Backends.all) func registrationsAreLimitedPerIPBeforeHashing(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let authenticator = Authenticator(accounts: store, hasher: PlainHasher(), clock: clock, registrationsPerHour: 3)
            let desk = AccountDesk(store: store, accounts: store, authenticator: authenticator, hasher: PlainHasher(), clock: clock)
            for n in 0..<3 {
                _ = try await desk.register(try Registration(email: "new\(n)@fans.test", password: "fan-password-1", displayName: "New"), language: nil, clientIP: "198.51.100.4")
            }
            let late = try Registration(email: "late@fans.test", password: "fan-password-1", displayName: "Late")
            #expect(await outcome { _ = try await desk.register(late, language: nil, clientIP: "198.51.100.4") } == "throttled")
            #expect(try await store.account(email: "late@fans.test") == nil)
            _ = try await desk.register(late, language: nil, clientIP: "198.51.100.5")
        }
    }
}
