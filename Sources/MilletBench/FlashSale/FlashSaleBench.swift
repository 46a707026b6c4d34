import Foundation
import Hummingbird
import Logging
import MilletCore
import MilletHTTP
import MilletStorage
import NIOCore
import NIOHTTP1

/// `millet bench flash-sale`: a whole launch against a real server over loopback.
///
/// It starts Millet in this process on a fresh database, seeds the crowd, lets every fan reserve
/// and fetch a purchase token over HTTP, then fires purchase attempts from many keep-alive
/// connections. In the same run, in rounds that alternate with the attempts, it measures the
/// server's trivial endpoint (`/health/live`, the HTTP ceiling), and the same sale through the
/// one-transaction-per-order row-lock path on the same database. It prints the ratios, checks the
/// invariants and writes a JSON result and an SVG chart.
public struct FlashSaleBench: Sendable {
    public struct Options: Sendable {
        public var database: String?
        public var accounts: Int
        public var units: Int64
        public var attempts: Int
        public var connections: Int
        /// Turns in which the ceiling and the purchase attempts take each other's place, so that a
        /// change in the machine's speed during the run falls on both alike.
        public var rounds: Int
        public var out: String

        public init(database: String?, accounts: Int, units: Int64, attempts: Int, connections: Int, rounds: Int = 10, out: String) {
            self.database = database
            self.accounts = accounts
            self.units = units
            self.attempts = attempts
            self.connections = connections
            self.rounds = max(1, rounds)
            self.out = out
        }
    }

    /// What the run measured.
    public struct Result: Codable, Sendable {
        public var options: [String: String]
        public var ceilingRequestsPerSecond: Double
        public var attemptsPerSecond: Double
        public var orders: Int
        public var ordersPerSecond: Double
        public var rowLockOrdersPerSecond: Double
        public var attemptsToCeiling: Double
        /// CPU time of the whole process per request, in microseconds (see ``BenchKit/cpuNanos()``).
        public var ceilingCPUMicros: Double
        public var attemptCPUMicros: Double
        public var ordersToRowLock: Double
        public var wins: Latencies
        public var rejections: Latencies
        public var ceiling: Latencies
        public var outcomes: [String: Int]
        public var journalTransactions: Int
        /// How fast the fans got in before the sale: reservations, then purchase tokens at the
        /// open, per second of wall time, each over HTTP from the same connections.
        /// Fans opening the sale (`GET /api/v1/flash-sales/{id}`), each its first request, which
        /// reads its session from the database, per second.
        public var opensPerSecond: Double
        public var reservationsPerSecond: Double
        /// CPU time of the whole process per reservation, in microseconds, against
        /// ``ceilingCPUMicros``: the steadier comparison, since the reservations do not alternate
        /// with the ceiling in rounds.
        public var reservationCPUMicros: Double
        public var tokensPerSecond: Double
        public var invariants: [String: Bool]
    }

    let options: Options
    let say: @Sendable (String) -> Void

    public init(options: Options, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.say = say
    }

    public func run() async throws -> Result {
        try await BenchKit.withFreshStore(database: options.database, label: "bench") { store, _, logger in try await measure(store: store, logger: logger) }
    }

    private func measure(store: SQLStore, logger: Logger) async throws -> Result {
        try await store.migrate()
        let clock = BenchClock()
        try await DemoData().load(markets: store, accounts: store, catalog: store, inventory: store, shipping: store, service: store, hasher: BcryptHasher(), now: clock.now())
        let (services, server) = try await start(store: store, clock: clock, strategy: .allocator, logger: logger)
        defer { server.cancel() }
        let client = LoadClient(host: "127.0.0.1", port: server.port, threads: 1)
        defer { Task { try? await client.shutdown() } }
        try await waitUntilUp(client)

        say("seeding \(options.accounts) accounts with sessions")
        let tokens = try await BenchKit.seedFans(store: store, clock: clock, count: options.accounts)
        let sale = try await BenchKit.scheduleSale(services: services, store: store, clock: clock, units: options.units)
        let c = options.connections, n = options.accounts
        // As a fan does in the app: open the sale, then reserve. Opening it is the fan's first
        // request, which reads its session; purchases are measured the same way (each fan's
        // session is read when it fetches its purchase token).
        say("\(n) fans open the sale over HTTP")
        let opening = DispatchTime.now().uptimeNanoseconds
        let opened = try await client.run(total: n, connections: c, progress: progress("open", n)) { i in
            LoadRequest(method: .GET, uri: "/api/v1/flash-sales/\(sale.id)", headers: bearer(tokens[i]))
        }
        guard opened.allSatisfy({ $0.status == 200 }) else { throw BenchError.failed("a fan could not open the sale") }
        let openRate = Double(n) / BenchKit.seconds(since: opening)
        say("\(n) fans reserve over HTTP")
        var started = DispatchTime.now().uptimeNanoseconds
        let reservingCPU = BenchKit.cpuNanos()
        let reserved = try await client.run(total: n, connections: c, progress: progress("reserve", n)) { i in
            LoadRequest(method: .POST, uri: "/api/v1/flash-sales/\(sale.id)/reservations", headers: bearer(tokens[i]))
        }
        guard reserved.allSatisfy({ $0.status == 201 }) else { throw BenchError.failed("a reservation was refused") }
        let reservationRate = Double(n) / BenchKit.seconds(since: started)
        let reservationCPU = Double(BenchKit.cpuNanos() - reservingCPU) / 1e3 / Double(n)
        clock.advance(by: 3601)
        say("the sale opens; \(n) fans fetch purchase tokens")
        started = DispatchTime.now().uptimeNanoseconds
        let bodies = try await purchaseBodies(client, sale: sale, tokens: tokens)
        let tokenRate = Double(n) / BenchKit.seconds(since: started)

        let m = options.attempts, rounds = options.rounds
        say("flash sale: \(m) purchase attempts for \(options.units) units from \(c) connections, in \(rounds) rounds each after \(m / rounds) GET /health/live (the HTTP ceiling)")
        let measured = try await BenchKit.inRounds(client, rounds: rounds, total: m, connections: c, say: say) { first, count, round in
            try await fire(client, sale: sale, tokens: tokens, bodies: bodies, first: first, total: count, label: "purchase \(round)")
        }
        let attempts = measured.samples, ceilingRate = measured.ceilingRate, attemptRate = measured.rate
        let orderRate = Self.orderRate(attempts)
        let wins = attempts.filter { $0.status == 201 }
        var outcomes: [String: Int] = [:]
        for sample in attempts { outcomes[String(sample.status), default: 0] += 1 }

        let rowLockRate = try await rowLock(store: store, services: services, clock: clock, tokens: tokens, logger: logger)
        await server.stop()
        let invariants = try await check(store: store, sale: sale, wins: wins, clock: clock)
        let journal = await services.engine.journalCounters()
        let result = Result(
            options: ["accounts": String(n), "units": String(options.units), "attempts": String(options.attempts), "connections": String(c),
                      "rounds": String(rounds), "database": store.backend.rawValue],
            ceilingRequestsPerSecond: ceilingRate, attemptsPerSecond: attemptRate, orders: wins.count, ordersPerSecond: orderRate,
            rowLockOrdersPerSecond: rowLockRate, attemptsToCeiling: attemptRate / ceilingRate,
            ceilingCPUMicros: measured.ceilingCPUPerRequest, attemptCPUMicros: measured.cpuPerRequest, ordersToRowLock: orderRate / rowLockRate,
            wins: Latencies(wins.map(\.latency)), rejections: Latencies(attempts.filter { $0.status != 201 }.map(\.latency)),
            ceiling: Latencies(measured.ceiling.map(\.latency)), outcomes: outcomes, journalTransactions: journal.transactions,
            opensPerSecond: openRate, reservationsPerSecond: reservationRate, reservationCPUMicros: reservationCPU, tokensPerSecond: tokenRate, invariants: invariants)
        try write(result, attempts: attempts)
        return result
    }

    /// Millet on a free loopback port in this process. Every request comes from 127.0.0.1, so the
    /// per-IP bucket is opened wide; the per-account bucket stays as served.
    private func start(
        store: SQLStore, clock: BenchClock, strategy: FlashSaleEngine.Strategy, logger: Logger
    ) async throws -> (MilletServices, BenchServer) {
        let services = MilletServices(
            store: store, clock: clock, sandboxSecret: "bench", admission: Admission(perAccount: (5, 2), perIP: (1e12, 1e12)),
            saleStrategy: strategy)
        return (services, try await BenchServer.start(services, logger: logger))
    }

    /// Every fan fetches a purchase token; answers each fan's purchase body with it.
    private func purchaseBodies(_ client: LoadClient, sale: FlashSale, tokens: [String]) async throws -> [ByteBuffer] {
        let passes = try await client.run(total: tokens.count, connections: options.connections, capture: "token", progress: progress("tokens", tokens.count)) { i in
            LoadRequest(method: .POST, uri: "/api/v1/flash-sales/\(sale.id)/tokens", headers: bearer(tokens[i]))
        }
        var byFan = [String](repeating: "", count: tokens.count)
        for sample in passes { byFan[sample.index] = sample.captured ?? "" }
        return byFan.map { pass in
            ByteBuffer(string: #"{"shippingAddress":{"name":"Bench Fan","line1":"1 Loop Road","city":"Bengaluru","postcode":"560001","phone":"9845000000"},"purchaseToken":"\#(pass)"}"#)
        }
    }

    /// Fires `total` purchase attempts, numbered from `first`, fans in turn; answers the samples.
    private func fire(
        _ client: LoadClient, sale: FlashSale, tokens: [String], bodies: [ByteBuffer], first: Int = 0, total: Int, label: String = "purchase"
    ) async throws -> [Sample] {
        try await client.run(total: total, connections: options.connections, capture: "id", progress: progress(label, total)) { i in
            let fan = (first + i) % tokens.count
            var headers = bearer(tokens[fan])
            headers.add(name: "Idempotency-Key", value: "bench-key-\(sale.id)-\(first + i)")
            headers.add(name: "Content-Type", value: "application/json")
            return LoadRequest(method: .POST, uri: "/api/v1/flash-sales/\(sale.id)/purchases", headers: headers, body: bodies[fan])
        }
    }

    /// Durable orders per second: orders answered 201 over the attempt time until the last of them.
    static func orderRate(_ samples: [Sample]) -> Double {
        let wins = samples.filter { $0.status == 201 }
        let lastWin = wins.map { $0.sentAt + $0.latency }.max() ?? 1
        return Double(wins.count) / (Double(lastWin) / 1e9)
    }

    // MARK: - Steps

    /// Creates the crowd; answers each fan's session token.
    /// The same workload through a second Millet on the same database whose purchases each take
    /// one transaction that locks the sale row (`FlashSaleEngine.Strategy.rowLock`). Enough
    /// attempts to sell every unit; answers durable orders per second.
    private func rowLock(store: SQLStore, services: MilletServices, clock: BenchClock, tokens: [String], logger: Logger) async throws -> Double {
        say("row-lock path: the same sale and workload over HTTP, one transaction and one sale-row lock per order")
        let sale = try await BenchKit.scheduleSale(services: services, store: store, clock: clock, units: options.units, opensIn: 0)
        let (_, server) = try await start(store: store, clock: clock, strategy: .rowLock, logger: logger)
        defer { server.cancel() }
        let client = LoadClient(host: "127.0.0.1", port: server.port, threads: 1)
        defer { Task { try? await client.shutdown() } }
        try await waitUntilUp(client)
        let fans = Array(tokens.prefix(Int(options.units) + options.connections * 4))
        let bodies = try await purchaseBodies(client, sale: sale, tokens: fans)
        let samples = try await fire(client, sale: sale, tokens: fans, bodies: bodies, total: fans.count)
        let rate = Self.orderRate(samples)
        let sold = samples.filter { $0.status == 201 }.count
        say(String(format: "row-lock path sold %d of %d units at %.0f orders/s", sold, options.units, rate))
        await server.stop()
        return rate
    }

    /// The invariants, read back from the database after the run.
    private func check(store: SQLStore, sale: FlashSale, wins: [Sample], clock: BenchClock) async throws -> [String: Bool] {
        let figures = try await store.figures(saleId: sale.id, now: clock.now(), leaseLifetime: 5)
        var found = 0, perAccount: [String: Int] = [:]
        for win in wins {
            guard let id = win.captured, let order = try await store.order(id: id), order.status == .pendingPayment else { continue }
            found += 1
            perAccount[order.accountId, default: 0] += 1
        }
        let buyers = try await store.buyers(saleId: sale.id)
        let invariants = [
            "every 201 is a stored order": found == wins.count,
            "sold equals the orders answered 201": figures.sold == Int64(wins.count),
            "sold never exceeds units": figures.sold <= figures.units,
            "sold + leased + pool + returned + fcodes = units":
                figures.sold + figures.leased + figures.pool + figures.returned + figures.fcodeUnits == figures.units,
            "no account over its limit": (perAccount.values.max() ?? 0) <= sale.perAccountLimit && (buyers.values.max() ?? 0) <= sale.perAccountLimit,
        ]
        for (name, holds) in invariants.sorted(by: { $0.key < $1.key }) { say("invariant \(holds ? "holds" : "BROKEN"): \(name)") }
        return invariants
    }

    private func write(_ result: Result, attempts: [Sample]) throws {
        try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: options.out + "/flash-sale.json"))
        let chart = LatencyChart(title: "Flash sale: latency of purchase attempts over time", series: [
            LatencySeries(name: "wins", samples: attempts.filter { $0.status == 201 }.map { ($0.sentAt, $0.latency) }),
            LatencySeries(name: "rejections", samples: attempts.filter { $0.status != 201 }.map { ($0.sentAt, $0.latency) }),
        ])
        try chart.svg().write(toFile: options.out + "/flash-sale.svg", atomically: true, encoding: .utf8)
        say("wrote \(options.out)/flash-sale.json and \(options.out)/flash-sale.svg")
    }

    // MARK: - Helpers

    private func progress(_ label: String, _ total: Int) -> @Sendable (Int) -> Void { BenchKit.progress(say, label, total) }

    private func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    private func waitUntilUp(_ client: LoadClient) async throws { try await BenchKit.waitUntilUp(client) }

}

enum BenchError: Error, CustomStringConvertible {
    case failed(String)
    var description: String { if case .failed(let why) = self { why } else { "" } }
}
