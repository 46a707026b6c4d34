import Crypto
import Foundation
import Synchronization

/// Registers fans, logs them in and out, and resolves session tokens. A token is 32 random bytes
/// shown once; only its SHA-256 is stored. Log-ins pass a ``LoginGate`` (per account, per IP, per
/// known device) before any hashing; registrations are limited per IP.
public final class Authenticator: Sendable {
    private let accounts: any AccountRepository
    private let hasher: any PasswordHasher
    private let clock: any MilletClock
    private let gate = Mutex(LoginGate())
    /// Signs ``KnownDevice`` tokens; every node of a store shares it.
    private let deviceKey: [UInt8]
    /// Accounts and the IPs they logged in from on this node (`account id|ip`), which count as
    /// known devices for clients that keep no token. Starts over at 100,000.
    private let knownIPs = Mutex(Set<String>())
    /// A hash of a random password, checked when an email has no account, so the answer takes
    /// as long as a wrong password does.
    private let decoy = Mutex<String?>(nil)
    /// Emailed links per address.
    private let links: Mutex<LoginThrottle>
    /// Registrations and password resets (each hashes a new password) per IP an hour.
    private let hashings: Mutex<LoginThrottle>
    /// How long a session lasts.
    public let sessionLifetime: TimeInterval
    /// Live sessions this node has read, by token, so a flash-sale crowd does not read the
    /// database per request. An entry is good until its session ends as long as this node has
    /// read the revocations (log-outs and account changes, on any node) in the last
    /// `sessionCacheSeconds`: ``syncRevocations()`` does, every second. Without that, an entry is
    /// good for `sessionCacheSeconds` after it was read. Log-out on this node takes effect at once.
    private let cache = Mutex(SessionCache())
    public let sessionCacheSeconds: TimeInterval = 30
    /// Sessions to read from the database: requests waiting for theirs, and whether the reader is
    /// at work. One reader reads them ``readBatch`` a statement. A crowd of fans missing in the
    /// same seconds once queued a read each on the one SQLite connection, faster than it served
    /// them, and purchase attempts stalled behind the queue for seconds. Sessions revoked while a
    /// read is out are not kept from it.
    private let queue = Mutex<ReadQueue>(ReadQueue())
    static let readBatch = 500
    /// Where the next read of the revocations starts, and which of the last ones are applied.
    private let feed = Mutex(RevocationFeed())
    /// Revocations read again on every sync, in case one of them committed after a later one was
    /// read (a PostgreSQL sequence hands out numbers in the order transactions ask, not commit).
    static let syncMargin: Int64 = 1_000
    /// How long revocations stay in the database, and how often a node deletes older ones.
    static let revocationsKept: TimeInterval = 24 * 3600
    static let pruneEvery: TimeInterval = 3600

    private struct SessionCache {
        var entries: [TokenKey: (account: Account, expiresAt: Date, readAt: Date)] = [:]
        /// When the last read of the revocations began: nothing revoked before it is in `entries`.
        var syncedAt: Date?

        func account(_ key: TokenKey, now: Date, trustFor seconds: TimeInterval) -> Account? {
            guard let entry = entries[key], now < entry.expiresAt else { return nil }
            let checked = max(entry.readAt, syncedAt ?? entry.readAt)
            return now < checked.addingTimeInterval(seconds) ? entry.account : nil
        }

        mutating func drop(_ target: SessionRevocation.Target) {
            switch target {
            case .session(let tokenHash):
                if let key = TokenKey(hex: tokenHash) { entries[key] = nil }
            case .account(let id):
                entries = entries.filter { $0.value.account.id != id }
            }
        }
    }

    private struct ReadQueue {
        var waiting: [String: [CheckedContinuation<Account?, any Error>]] = [:]
        var reading = false
        var loggedOut: Set<String> = []
        var changedAccounts: Set<String> = []

        /// Queues a request for its session; `true` when the caller must start the reader.
        mutating func wait(for digest: String, _ continuation: CheckedContinuation<Account?, any Error>) -> Bool {
            waiting[digest, default: []].append(continuation)
            guard !reading else { return false }
            reading = true
            return true
        }

        /// Takes up to `limit` waiting sessions; with none left, the reader stops and the
        /// revocations recorded for reads in flight are no longer needed.
        mutating func nextBatch(_ limit: Int) -> [String: [CheckedContinuation<Account?, any Error>]] {
            var taken: [String: [CheckedContinuation<Account?, any Error>]] = [:]
            for digest in Array(waiting.keys.prefix(limit)) { taken[digest] = waiting.removeValue(forKey: digest) }
            if taken.isEmpty {
                reading = false
                loggedOut.removeAll()
                changedAccounts.removeAll()
            }
            return taken
        }

        /// Remembers a revocation while a read is out, so its answer is not kept.
        mutating func revoke(_ target: SessionRevocation.Target) {
            guard reading else { return }
            switch target {
            case .session(let tokenHash): loggedOut.insert(tokenHash)
            case .account(let id): changedAccounts.insert(id)
            }
        }
    }

    private struct RevocationFeed {
        var cursor: Int64?
        var applied: Set<Int64> = []
        var prunedAt: Date?

        /// The revocations of a page not applied yet; moves the cursor past the page.
        mutating func admit(_ page: [SessionRevocation]) -> [SessionRevocation] {
            if let last = page.last?.seq, last > cursor ?? .min { cursor = last }
            return page.filter { applied.insert($0.seq).inserted }
        }

        /// Forgets the applied revocations no sync reads again; `true` when this node should
        /// delete old revocations now.
        mutating func settle(at now: Date) -> Bool {
            if let cursor { applied = applied.filter { $0 > cursor - Authenticator.syncMargin } }
            guard prunedAt.map({ now.timeIntervalSince($0) >= Authenticator.pruneEvery }) ?? true else { return false }
            prunedAt = now
            return true
        }
    }

    public init(
        accounts: any AccountRepository, hasher: any PasswordHasher, clock: any MilletClock,
        deviceKey: [UInt8]? = nil, registrationsPerHour: Int = 20, sessionLifetime: TimeInterval = 30 * 24 * 3600
    ) {
        self.hashings = Mutex(LoginThrottle(maxFailures: registrationsPerHour, window: 3600, lockout: 3600))
        self.accounts = accounts
        self.hasher = hasher
        self.clock = clock
        // Without a kept key (tests, one node) a random one: tokens last as long as the process.
        self.deviceKey = deviceKey ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        self.links = Mutex(LoginThrottle(maxFailures: 5))
        self.sessionLifetime = sessionLifetime
    }

    /// What a log-in answers.
    public struct LoggedIn: Sendable {
        public let account: Account
        /// The new session's token.
        public let token: String
        /// Proof of this browser or app for the next log-in (see ``KnownDevice``).
        public let deviceToken: String
    }

    /// Checks a password once the ``LoginGate`` admits the attempt. A `deviceToken` from an
    /// earlier log-in to the same account (with the password it has now), or an IP it logged in
    /// from on this node, is limited on its own key, not the account's or the IP's. An unknown
    /// email costs a hash check too and gets the same answer as a wrong password, so neither the
    /// answer nor its time tells who has an account.
    public func logIn(email: String, password: String, clientIP: String, deviceToken: String? = nil) async throws -> LoggedIn {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        // No account has a longer email; such a guess costs nothing and is kept nowhere.
        guard email.utf8.count <= 254 else { throw DomainError.unauthenticated(message: "email or password is wrong") }
        let account = try await accounts.account(email: email)
        let device = account.flatMap { account in
            deviceToken.flatMap { KnownDevice.read($0, key: deviceKey(account)) }.flatMap { $0.accountId == account.id ? $0 : nil }
        }
        // The account and this address, as the addresses it logged in from are kept.
        let seenHere = account.map { $0.id + "|" + clientIP }
        let keys: [LoginGate.Key], clearing: Set<String>
        if let device {
            keys = [.init("device:" + device.nonce, .knownSource)]
            clearing = [keys[0].name]
        } else if let seenHere, knownIPs.withLock({ $0.contains(seenHere) }) {
            // Others behind the same address share this key, so the owner's success does not
            // clear their failures.
            keys = [.init("known-ip:" + Secrets.digest(seenHere), .knownSource)]
            clearing = []
        } else {
            keys = [.init("account:" + Secrets.digest(email), .account), .init("ip:" + clientIP, .ip)]
            clearing = [keys[0].name]
        }
        let right = try await check(password, against: account?.passwordHash, keys: keys, clearing: clearing)
        guard right, let account, let seenHere else { throw DomainError.unauthenticated(message: "email or password is wrong") }
        knownIPs.withLock {
            if $0.count >= 100_000 { $0.removeAll() }
            $0.insert(seenHere)
        }
        let known = device ?? KnownDevice.make(accountId: account.id)
        return LoggedIn(account: account, token: try await startSession(for: account), deviceToken: known.token(key: deviceKey(account)))
    }

    /// The key of an account's device tokens: the node's key and the account's password hash, so
    /// a new password ends every known device.
    private func deviceKey(_ account: Account) -> [UInt8] { deviceKey + Array(account.passwordHash.utf8) }

    /// Admits the attempt on `keys`, checks the password (against the decoy when `hash` is nil)
    /// and settles the attempt; `throttled` before any hashing when a key must wait.
    private func check(_ password: String, against hash: String?, keys: [LoginGate.Key], clearing: Set<String>) async throws -> Bool {
        let ticket = try gate.withLock { try $0.admit(keys, now: clock.now()) }
        let right: Bool
        do {
            let checked = if let hash { hash } else { try await decoyHash() }
            right = try await hasher.verify(password, against: checked) && hash != nil
        } catch {
            gate.withLock { $0.settle(ticket, outcome: .unchecked, now: clock.now()) }
            throw error
        }
        gate.withLock { $0.settle(ticket, outcome: right ? .right(clearing: clearing) : .wrong, now: clock.now()) }
        return right
    }

    private func decoyHash() async throws -> String {
        if let made = decoy.withLock({ $0 }) { return made }
        let made = try await hasher.hash(Secrets.hex(bytes: 16))
        decoy.withLock { $0 = $0 ?? made }
        return made
    }

    /// What hashes a new password for a caller who has not logged in.
    public enum Hashing: String, Sendable {
        case registration, passwordReset
    }

    /// Limits registrations, or password resets, from one IP before the password is hashed (20 of
    /// each an hour unless the server is told otherwise), so nobody fills the hashing pool.
    public func limitHashing(_ purpose: Hashing, from clientIP: String) throws {
        let now = clock.now(), key = purpose.rawValue + " " + clientIP
        try hashings.withLock { throttle in
            if let wait = throttle.retryAfter(key, now: now) { throw DomainError.throttled(retryAfterSeconds: wait) }
            throttle.recordFailure(key, now: now)
        }
    }

    /// The account behind a token, if the session is live.
    public func account(forToken token: String) async throws -> Account? {
        let key = TokenKey(token: token), now = clock.now()
        if let hit = cache.withLock({ $0.account(key, now: now, trustFor: sessionCacheSeconds) }) { return hit }
        let digest = Self.digest(token)
        return try await withCheckedThrowingContinuation { continuation in
            if queue.withLock({ $0.wait(for: digest, continuation) }) { Task { await self.readQueued() } }
        }
    }

    /// Reads the waiting sessions, a batch a statement, until none wait, and keeps the live ones in
    /// memory; one no longer live leaves it. When a read fails, the requests waiting for it get the error.
    private func readQueued() async {
        while true {
            let waiting = queue.withLock { $0.nextBatch(Self.readBatch) }
            guard !waiting.isEmpty else { return }
            let now = clock.now()
            let read: Result<[String: LiveSession], any Error>
            do { read = .success(try await accounts.sessions(tokenHashes: Array(waiting.keys), now: now)) } catch { read = .failure(error) }
            // Kept under the cache's lock: a revocation either is seen here or drops its entry after.
            let loggedOut = cache.withLock { cache -> Set<String> in
                let (loggedOut, changed) = queue.withLock { ($0.loggedOut, $0.changedAccounts) }
                guard case .success(let found) = read else { return loggedOut }
                if cache.entries.count >= 1_000_000 { cache.entries.removeAll(keepingCapacity: true) }
                for digest in waiting.keys {
                    guard let key = TokenKey(hex: digest) else { continue }
                    let session = found[digest]
                    let kept = session.map { !loggedOut.contains(digest) && !changed.contains($0.account.id) } ?? false
                    cache.entries[key] = kept ? session.map { ($0.account, $0.expiresAt, now) } : nil
                }
                return loggedOut
            }
            for (digest, continuations) in waiting {
                let answer = read.map { loggedOut.contains(digest) ? nil : $0[digest]?.account }
                for continuation in continuations { continuation.resume(with: answer) }
            }
        }
    }

    /// Reads the revocations written since the last look, on any node, and drops the sessions
    /// they end from memory; the last ``syncMargin`` before it are read again, and applied if new.
    /// Once an hour it deletes revocations a day old. Answers how many revocations were new. The
    /// server calls it every second; tests call it with a test clock.
    @discardableResult
    public func syncRevocations(pageSize: Int = 10_000) async throws -> Int {
        let started = clock.now()
        var after = feed.withLock { $0.cursor.map { $0 - Self.syncMargin } }
        var applied = 0
        while true {
            let page = try await accounts.sessionRevocations(after: after, limit: pageSize)
            let fresh = feed.withLock { $0.admit(page) }
            for revocation in fresh { revoke(revocation.target) }
            applied += fresh.count
            guard page.count == pageSize, let last = page.last else { break }
            after = last.seq
        }
        let prune = feed.withLock { $0.settle(at: started) }
        cache.withLock { cache in
            // After a gap longer than the cache time (the database was out of reach, say), memory
            // starts over rather than trust what a pruned revocation might have ended.
            if let last = cache.syncedAt, started.timeIntervalSince(last) >= sessionCacheSeconds { cache.entries.removeAll() }
            cache.syncedAt = started
        }
        if prune { try await accounts.pruneSessionRevocations(before: started.addingTimeInterval(-Self.revocationsKept)) }
        return applied
    }

    /// Drops what a revocation ends from memory, and from any read still out.
    private func revoke(_ target: SessionRevocation.Target) {
        queue.withLock { $0.revoke(target) }
        cache.withLock { $0.drop(target) }
    }

    /// Ends a session, on this node at once and on the others at their next sync.
    public func logOut(token: String) async throws {
        let digest = Self.digest(token)
        try await accounts.deleteSession(tokenHash: digest, now: clock.now())
        revoke(.session(tokenHash: digest))
    }

    /// Gives an account another role. Its sessions on this node see the new role at once; on
    /// other nodes at their next sync.
    public func setRole(_ role: Role, accountId: String) async throws -> Account {
        let account = try await accounts.setRole(role, accountId: accountId, now: clock.now())
        revoke(.account(id: accountId))
        return account
    }

    /// Checks the password of a logged-in account before a change it guards, limited as a log-in
    /// is (a stolen session cannot guess without limit, nor hold the owner's log-ins back: it has
    /// a key of its own); `invalid_input` on `field` when wrong.
    public func confirm(password: String, of account: Account, clientIP: String, field: String) async throws {
        let key = LoginGate.Key("confirm:" + Secrets.digest(account.id + "|" + clientIP), .knownSource)
        guard try await check(password, against: account.passwordHash, keys: [key], clearing: [key.name]) else {
            throw DomainError.invalid(field: field, "is not the account's password")
        }
    }

    /// At most 5 emailed links (reset, verification) per address in 15 minutes, so nobody floods
    /// an inbox through the forms; `throttled` beyond.
    public func limitLinks(to email: String) throws {
        let key = "links:" + email, now = clock.now()
        try links.withLock { throttle in
            if let wait = throttle.retryAfter(key, now: now) { throw DomainError.throttled(retryAfterSeconds: wait) }
            throttle.recordFailure(key, now: now)
        }
    }

    /// Drops every session of an account held in memory on this node, so the next request reads
    /// it from the store: ended (after a password change, whose revocation the store recorded for
    /// the other nodes) or with the account as it is now (a verified email).
    public func revokeSessions(of accountId: String) {
        revoke(.account(id: accountId))
    }

    /// Starts a session for an account that proved who it is; answers its token.
    public func startSession(for account: Account) async throws -> String {
        let token = Secrets.hex(bytes: 32)
        try await accounts.createSession(tokenHash: Self.digest(token), accountId: account.id, expiresAt: clock.now().addingTimeInterval(sessionLifetime))
        return token
    }

    /// The SHA-256 of a session token in hex: what the sessions table stores.
    public static func digest(_ token: String) -> String { Secrets.digest(token) }
}
