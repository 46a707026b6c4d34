import Foundation
import HummingbirdBcrypt
import Logging
import MilletCore
import MilletHTTP
import MilletStorage
import NIOCore

/// `millet bench logins`: whether a crowd of log-ins can freeze the node, and whether guesses
/// sent at once get past the throttle.
///
/// It starts Millet in this process on a fresh embedded database with `accounts` accounts, then
/// probes `GET /health/live` (ten requests, a pause, again) while idle, then while `accounts`
/// correct log-ins arrive at once: first with bcrypt on its bounded pool (as `millet serve`
/// runs), then, as the baseline, with bcrypt on the request threads (as it ran before the pool).
/// The ratio is the probes' p99 during each storm over their p99 idle. Last, `guesses` wrong
/// passwords for one account arrive at once, and the run counts how many were checked (401)
/// and how many refused before hashing (429).
public struct LoginBench: Sendable {
    /// What to run: accounts in the crowd, guesses at one account, the bcrypt cost, the idle probe.
    public struct Options: Sendable {
        public var accounts: Int
        public var guesses: Int
        public var cost: UInt8
        public var idleSeconds: Double
        public var out: String

        /// Options within sane bounds (bcrypt cost 4 to 31).
        public init(accounts: Int, guesses: Int, cost: UInt8, idleSeconds: Double = 3, out: String) {
            self.accounts = max(1, accounts)
            self.guesses = max(1, guesses)
            self.cost = min(31, max(4, cost))
            self.idleSeconds = max(0.5, idleSeconds)
            self.out = out
        }
    }

    /// One storm of log-ins and the probes answered while it lasted.
    public struct Storm: Codable, Sendable {
        /// Where bcrypt ran.
        public var hashing: String
        /// From the first log-in sent to the last answered.
        public var seconds: Double
        /// Log-in answers by status.
        public var statuses: [String: Int]
        public var probes: Latencies
        /// Probe p99 during the storm over probe p99 idle.
        public var p99Ratio: Double
    }

    /// What the run measured.
    public struct Result: Codable, Sendable {
        public var options: [String: String]
        /// `/health/live` with nothing else going on.
        public var idle: Latencies
        /// The storm with bcrypt on its pool, as `millet serve` runs.
        public var pool: Storm
        /// The baseline: the storm with bcrypt on the request threads.
        public var inline: Storm
        /// The guesses at one account sent at once, by status: 401 were checked, 429 refused first.
        public var guesses: [String: Int]
    }

    let options: Options
    let say: @Sendable (String) -> Void

    /// A run of `options`, telling its progress to `say`.
    public init(options: Options, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.say = say
    }

    static let password = "bench-password-1"

    /// Runs on a fresh embedded database and writes `logins.json` and `logins.svg` to `out`.
    public func run() async throws -> Result {
        try await BenchKit.withFreshStore(label: "logins") { store, _, logger in
            try await store.migrate()
            let clock = BenchClock()
            try await DemoData().load(
                markets: store, accounts: store, catalog: store, inventory: store, shipping: store, service: store, hasher: PlainHashes(), now: clock.now())
            say("creating \(options.accounts) accounts (one bcrypt hash at cost \(options.cost), shared)")
            let hash = Bcrypt.hash(Self.password, cost: options.cost)
            for n in 0..<options.accounts {
                try await store.create(Account(
                    id: Identifier.make(), email: "crowd\(n)@bench.test", displayName: "Crowd \(n)", role: .customer, passwordHash: hash,
                    createdAt: clock.now(), emailVerifiedAt: clock.now()))
            }
            let pooled = BcryptHasher(cost: options.cost)
            var idleSamples: [(UInt64, UInt64)] = []
            let (pool, poolSeries, guesses) = try await storm(
                store: store, clock: clock, logger: logger, hasher: pooled, label: "bcrypt on its pool (\(pooled.threads) thread, queue \(pooled.queueLimit))"
            ) { client in
                idleSamples = try await probe(client, seconds: options.idleSeconds)
            } after: { client in
                try await guess(client)
            }
            let idle = Latencies(idleSamples.map(\.1))
            let (inline, inlineSeries, _) = try await storm(
                store: store, clock: clock, logger: logger, hasher: InlineBcrypt(cost: options.cost), label: "bcrypt on the request threads")
            var result = Result(
                options: ["accounts": String(options.accounts), "guesses": String(options.guesses), "cost": String(options.cost)],
                idle: idle, pool: pool, inline: inline, guesses: guesses)
            result.pool.p99Ratio = pool.probes.p99 / max(idle.p99, 0.001)
            result.inline.p99Ratio = inline.probes.p99 / max(idle.p99, 0.001)
            try write(result, series: [poolSeries, inlineSeries])
            return result
        }
    }

    /// Starts a server with `hasher`, runs `before`, sends the storm while probing, runs `after`.
    private func storm(
        store: SQLStore, clock: BenchClock, logger: Logger, hasher: any PasswordHasher, label: String,
        before: (LoadClient) async throws -> Void = { _ in }, after: (LoadClient) async throws -> [String: Int] = { _ in [:] }
    ) async throws -> (Storm, LatencySeries, [String: Int]) {
        let services = MilletServices(store: store, clock: clock, hasher: hasher, sandboxSecret: "bench", registrationsPerHour: 1_000_000)
        let server = try await BenchServer.start(services, logger: logger)
        let probes = LoadClient(host: "127.0.0.1", port: server.port, threads: 1)
        let crowd = LoadClient(host: "127.0.0.1", port: server.port, threads: 1)
        do {
            try await BenchKit.waitUntilUp(probes)
            try await before(probes)
            say("\(options.accounts) log-ins at once, \(label)")
            let start = DispatchTime.now().uptimeNanoseconds
            let prober = Task {
                var samples: [(UInt64, UInt64)] = []
                while !Task.isCancelled { samples += try await probe(probes, seconds: 0.25) }
                return samples
            }
            let answers: [Sample]
            do {
                answers = try await crowd.run(total: options.accounts, connections: options.accounts, progress: BenchKit.progress(say, "log-ins", options.accounts)) { n in
                    Self.logIn("crowd\(n)@bench.test", Self.password)
                }
            } catch {
                prober.cancel()
                throw error
            }
            prober.cancel()
            let samples = try await prober.value
            let seconds = BenchKit.seconds(since: start)
            let guesses = try await after(probes)
            await server.stop()
            try? await probes.shutdown()
            try? await crowd.shutdown()
            let statuses = Dictionary(grouping: answers, by: { String($0.status) }).mapValues(\.count)
            say("  \(String(format: "%.1f", seconds)) s; log-ins by status: \(statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
            let storm = Storm(hashing: label, seconds: seconds, statuses: statuses, probes: Latencies(samples.map(\.1)), p99Ratio: 0)
            return (storm, LatencySeries(name: label, samples: samples.map { (sentAt: $0.0 - start, latency: $0.1) }, sliceSeconds: 0.5), guesses)
        } catch {
            server.cancel()
            try? await probes.shutdown()
            try? await crowd.shutdown()
            throw error
        }
    }

    /// Probes `/health/live` for about `seconds`: ten requests on one connection, 10 ms apart in
    /// batches; answers (sent at, latency) in uptime nanoseconds.
    private func probe(_ client: LoadClient, seconds: Double) async throws -> [(UInt64, UInt64)] {
        let until = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        var samples: [(UInt64, UInt64)] = []
        repeat {
            let batchStart = DispatchTime.now().uptimeNanoseconds
            let answered = try await client.run(total: 10, connections: 1) { _ in LoadRequest(uri: "/health/live") }
            guard answered.allSatisfy({ $0.status == 200 }) else { throw BenchError.failed("/health/live failed during the run") }
            samples += answered.map { (batchStart + $0.sentAt, $0.latency) }
            try? await Task.sleep(for: .milliseconds(10))
        } while DispatchTime.now().uptimeNanoseconds < until && !Task.isCancelled
        return samples
    }

    /// `guesses` wrong passwords for one account, all at once.
    private func guess(_ client: LoadClient) async throws -> [String: Int] {
        say("\(options.guesses) wrong passwords for one account at once")
        let answers = try await client.run(total: options.guesses, connections: options.guesses) { _ in Self.logIn("crowd0@bench.test", "wrong-password") }
        return Dictionary(grouping: answers, by: { String($0.status) }).mapValues(\.count)
    }

    static func logIn(_ email: String, _ password: String) -> LoadRequest {
        LoadRequest(
            method: .POST, uri: "/api/v1/sessions", headers: ["Content-Type": "application/json"],
            body: ByteBuffer(string: #"{"email":"\#(email)","password":"\#(password)"}"#))
    }

    private func write(_ result: Result, series: [LatencySeries]) throws {
        try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: options.out + "/logins.json"))
        let chart = LatencyChart(title: "GET /health/live while \(options.accounts) log-ins arrive at once", series: series)
        try chart.svg().write(toFile: options.out + "/logins.svg", atomically: true, encoding: .utf8)
        say("wrote \(options.out)/logins.json and logins.svg")
    }
}

/// bcrypt on whichever thread asks, as Millet hashed before the pool: the baseline.
struct InlineBcrypt: PasswordHasher {
    let cost: UInt8
    func hash(_ password: String) async throws -> String { Bcrypt.hash(password, cost: cost) }
    func verify(_ password: String, against hash: String) async throws -> Bool { Bcrypt.verify(password, hash: hash) }
}

/// The demo's own logins are not part of the run: stored as they come, never checked.
struct PlainHashes: PasswordHasher {
    func hash(_ password: String) async throws -> String { "unused:" + Secrets.digest(password) }
    func verify(_ password: String, against hash: String) async throws -> Bool { false }
}
