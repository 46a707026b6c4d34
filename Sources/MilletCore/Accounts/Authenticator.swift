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
    /// Sessions to read from the database: requests waiting for theirs (a miss), sessions to read
    /// again (stale), and whether the reader is at work. One reader reads them ``readBatch`` a
    /// statement, waiting requests first. A crowd of fans missing or turning stale in the same
    /// seconds once queued a read each on the one SQLite connection, faster than it served them,
    /// and purchase attempts stalled behind the queue for seconds. Sessions logged out and
    /// accounts changed while a read is out are not put back from it.
    private let queue = Mutex<ReadQueue>(ReadQueue())
    static let readBatch = 500

    private struct ReadQueue {
        var waiting: [String: [CheckedContinuation<Account?, any Error>]] = [:]
        var stale: Set<String> = []
        var reading = false
        var loggedOut: Set<String> = []
        var changedAccounts: Set<String> = []

        /// Marks the reader at work; `true` when the caller must start it.
        mutating func startReading() -> Bool {
            guard !reading else { return false }
            reading = true
            return true
        }

        /// Takes up to `limit` sessions, waiting requests first; with none left, the reader stops and
        /// the revocations recorded for reads in flight are no longer needed.
        mutating func nextBatch(_ limit: Int) -> (digests: [String], waiting: [String: [CheckedContinuation<Account?, any Error>]]) {
            var taken: [String: [CheckedContinuation<Account?, any Error>]] = [:]
            for digest in Array(waiting.keys.prefix(limit)) { taken[digest] = waiting.removeValue(forKey: digest) }
            var digests = Array(taken.keys)
            for digest in stale.prefix(limit - digests.count) where taken[digest] == nil { digests.append(digest) }
            stale.subtract(digests)
            if digests.isEmpty {
                reading = false
                loggedOut.removeAll()
                changedAccounts.removeAll()
            }
            return (digests, taken)
        }
    }

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
        return try await withCheckedThrowingContinuation { continuation in
            let start = queue.withLock { queue -> Bool in
                queue.waiting[digest, default: []].append(continuation)
                return queue.startReading()
            }
            if start { Task { await self.readQueued() } }
        }
    }

    /// Queues a session to be read again; starts the reader if none is at work.
    private func readAgain(_ digest: String) {
        let start = queue.withLock { queue -> Bool in
            queue.stale.insert(digest)
            return queue.startReading()
        }
        if start { Task { await self.readQueued() } }
    }

    /// Reads the queued sessions, a batch a statement, until the queue is empty, and keeps them
    /// in memory. A session no longer live leaves memory. When a read fails, the requests waiting
    /// for it get the error and stale sessions are tried again on their next use.
    private func readQueued() async {
        while true {
            let batch = queue.withLock { $0.nextBatch(Self.readBatch) }
            guard !batch.digests.isEmpty else { return }
            let now = clock.now()
            let read: Result<[String: Account], any Error>
            do { read = .success(try await accounts.accounts(sessionTokenHashes: batch.digests, now: now)) } catch { read = .failure(error) }
            // Read under the cache's lock: a log-out either is seen here or removes its entry after.
            let loggedOut = recent.withLock { entries -> Set<String> in
                let (loggedOut, changed) = queue.withLock { ($0.loggedOut, $0.changedAccounts) }
                if entries.count >= 1_000_000 { entries.removeAll(keepingCapacity: true) }
                for digest in batch.digests {
                    guard case .success(let found) = read else {
                        entries[digest]?.refreshing = false
                        continue
                    }
                    let account = found[digest]
                    if loggedOut.contains(digest) || account.map({ changed.contains($0.id) }) == true {
                        entries[digest] = nil
                    } else {
                        entries[digest] = account.map { ($0, now.addingTimeInterval(sessionCacheSeconds), false) }
                    }
                }
                return loggedOut
            }
            for (digest, continuations) in batch.waiting {
                let answer = read.map { loggedOut.contains(digest) ? nil : $0[digest] }
                for continuation in continuations { continuation.resume(with: answer) }
            }
        }
    }

    /// Ends a session.
    public func logOut(token: String) async throws {
        let digest = Self.digest(token)
        try await accounts.deleteSession(tokenHash: digest)
        queue.withLock { if $0.reading { $0.loggedOut.insert(digest) } }
        _ = recent.withLock { $0.removeValue(forKey: digest) }
    }

    /// Gives an account another role. Its sessions on this node see the new role at once; on
    /// other nodes within `sessionCacheSeconds`.
    public func setRole(_ role: Role, accountId: String) async throws -> Account {
        let account = try await accounts.setRole(role, accountId: accountId)
        queue.withLock { if $0.reading { $0.changedAccounts.insert(accountId) } }
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
