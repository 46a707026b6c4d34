import Crypto
import Foundation
import Synchronization

/// Registers fans, logs them in and out, and resolves session tokens. A token is 32 random bytes
/// shown once; only its SHA-256 is stored. Failed log-ins are throttled per account and per IP.
public final class Authenticator: Sendable {
    private let accounts: any AccountRepository
    private let hasher: any PasswordHasher
    private let clock: any MilletClock
    private let throttles: Mutex<(account: LoginThrottle, ip: LoginThrottle)>
    /// How long a session lasts.
    public let sessionLifetime: TimeInterval
    /// Live sessions seen recently, so a flash-sale crowd does not read the database per request.
    /// Log-out on this node takes effect at once; on other nodes within `sessionCacheSeconds`.
    /// An entry used in the second half of its life is read again in the background, so an
    /// active fan never waits on the database.
    private let recent: Mutex<[String: (account: Account, until: Date, refreshing: Bool)]> = Mutex([:])
    public let sessionCacheSeconds: TimeInterval = 30
    /// Sessions waiting to be read again, and whether a reader is at work. One reader reads them
    /// ``refreshBatch`` a statement: a crowd whose sessions all turn stale in the same seconds
    /// once queued a read each, and the queue on the database grew until requests stalled.
    private let stale = Mutex<(digests: Set<String>, reading: Bool)>(([], false))
    static let refreshBatch = 500

    public init(
        accounts: any AccountRepository, hasher: any PasswordHasher, clock: any MilletClock,
        maxFailuresPerAccount: Int = 5, maxFailuresPerIP: Int = 20, sessionLifetime: TimeInterval = 30 * 24 * 3600
    ) {
        self.accounts = accounts
        self.hasher = hasher
        self.clock = clock
        self.throttles = Mutex((LoginThrottle(maxFailures: maxFailuresPerAccount), LoginThrottle(maxFailures: maxFailuresPerIP)))
        self.sessionLifetime = sessionLifetime
    }

    /// Creates a customer account and logs it in.
    public func register(_ registration: Registration) async throws -> (account: Account, token: String) {
        let account = Account(
            id: Identifier.make(), email: registration.email, displayName: registration.displayName, role: .customer,
            passwordHash: hasher.hash(registration.password), createdAt: clock.now())
        try await accounts.create(account)
        return (account, try await startSession(for: account))
    }

    /// Checks a password; throttles repeated failures. The same answer for an unknown email and a
    /// wrong password, so the endpoint does not reveal who has an account.
    public func logIn(email: String, password: String, clientIP: String) async throws -> (account: Account, token: String) {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let accountKey = "account:" + email, ipKey = "ip:" + clientIP
        let now = clock.now()
        let wait = throttles.withLock { max($0.account.retryAfter(accountKey, now: now) ?? 0, $0.ip.retryAfter(ipKey, now: now) ?? 0) }
        guard wait == 0 else { throw DomainError.throttled(retryAfterSeconds: wait) }
        guard let account = try await accounts.account(email: email), hasher.verify(password, against: account.passwordHash) else {
            throttles.withLock {
                $0.account.recordFailure(accountKey, now: now)
                $0.ip.recordFailure(ipKey, now: now)
            }
            throw DomainError.unauthenticated(message: "email or password is wrong")
        }
        throttles.withLock { $0.account.recordSuccess(accountKey) }
        return (account, try await startSession(for: account))
    }

    /// The account behind a token, if the session is live.
    public func account(forToken token: String) async throws -> Account? {
        let digest = Self.digest(token), now = clock.now()
        let (hit, refresh) = recent.withLock { entries -> (Account?, Bool) in
            guard let entry = entries[digest], entry.until > now else { return (nil, false) }
            let stale = !entry.refreshing && entry.until.timeIntervalSince(now) < sessionCacheSeconds / 2
            if stale { entries[digest]?.refreshing = true }
            return (entry.account, stale)
        }
        if let hit {
            if refresh { readAgain(digest) }
            return hit
        }
        return try await lookUp(digest)
    }

    /// Reads a session from the database and keeps (or drops) it in memory.
    private func lookUp(_ digest: String) async throws -> Account? {
        let now = clock.now()
        let account = try await accounts.account(sessionTokenHash: digest, now: now)
        recent.withLock {
            if $0.count >= 1_000_000 { $0.removeAll(keepingCapacity: true) }
            $0[digest] = account.map { ($0, now.addingTimeInterval(sessionCacheSeconds), false) }
        }
        return account
    }

    /// Queues a session to be read again; starts the reader if none is at work.
    private func readAgain(_ digest: String) {
        let start = stale.withLock { state -> Bool in
            state.digests.insert(digest)
            guard !state.reading else { return false }
            state.reading = true
            return true
        }
        if start { Task { await self.readQueued() } }
    }

    /// Reads the queued sessions again, a batch a statement, until the queue is empty. A session
    /// no longer live leaves memory; one that could not be read is tried again on its next use.
    private func readQueued() async {
        while true {
            let batch = stale.withLock { state -> [String] in
                let batch = Array(state.digests.prefix(Self.refreshBatch))
                state.digests.subtract(batch)
                if batch.isEmpty { state.reading = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let now = clock.now()
            let found = try? await accounts.accounts(sessionTokenHashes: batch, now: now)
            recent.withLock { entries in
                for digest in batch {
                    guard let found else {
                        entries[digest]?.refreshing = false
                        continue
                    }
                    entries[digest] = found[digest].map { ($0, now.addingTimeInterval(sessionCacheSeconds), false) }
                }
            }
        }
    }

    /// Ends a session.
    public func logOut(token: String) async throws {
        let digest = Self.digest(token)
        try await accounts.deleteSession(tokenHash: digest)
        _ = recent.withLock { $0.removeValue(forKey: digest) }
    }

    /// Gives an account another role. Its sessions on this node see the new role at once; on
    /// other nodes within `sessionCacheSeconds`.
    public func setRole(_ role: Role, accountId: String) async throws -> Account {
        let account = try await accounts.setRole(role, accountId: accountId)
        recent.withLock { entries in entries = entries.filter { $0.value.account.id != accountId } }
        return account
    }

    private func startSession(for account: Account) async throws -> String {
        let token = Secrets.hex(bytes: 32)
        try await accounts.createSession(tokenHash: Self.digest(token), accountId: account.id, expiresAt: clock.now().addingTimeInterval(sessionLifetime))
        return token
    }

    /// The SHA-256 of a session token in hex: what the sessions table stores.
    public static func digest(_ token: String) -> String { Secrets.digest(token) }
}
