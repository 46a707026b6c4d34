import Foundation
import Logging
import MilletCore
import MilletHTTP
import MilletStorage
import NIOCore
import NIOHTTP1

/// `millet bench auction`: many fans bidding on one auction over HTTP in its last minutes.
///
/// It starts Millet in this process on a fresh database, seeds the bidders with sessions and
/// schedules one auction that ends four minutes later (so every bid falls in its last five
/// minutes and moves its end on, up to the cap). Then, in rounds alternating with the trivial
/// endpoint (`/health/live`, the HTTP ceiling), keep-alive connections send bids whose maxima
/// climb with the request's number: most lead when they arrive, some arrive after a higher one
/// and are refused. At the end it replays the stored bids and checks the winner and the price
/// against the auction's stored state.
public struct AuctionBench: Sendable {
    public struct Options: Sendable {
        public var database: String?
        public var bidders: Int
        public var bids: Int
        public var connections: Int
        public var rounds: Int
        public var out: String

        public init(database: String?, bidders: Int, bids: Int, connections: Int, rounds: Int = 10, out: String) {
            self.database = database
            self.bidders = bidders
            self.bids = bids
            self.connections = connections
            self.rounds = max(1, rounds)
            self.out = out
        }
    }

    public struct Result: Codable, Sendable {
        public var options: [String: String]
        public var ceilingRequestsPerSecond: Double
        public var bidsPerSecond: Double
        public var bidsToCeiling: Double
        public var ceilingCPUMicros: Double
        public var bidCPUMicros: Double
        public var accepted: Int
        public var refused: Int
        public var acceptedLatency: Latencies
        public var refusedLatency: Latencies
        public var ceiling: Latencies
        public var outcomes: [String: Int]
        public var finalPrice: Int64
        public var endsAt: Date
        /// The stored bids replayed give the stored leader and price, and every 201 is a stored bid.
        public var replayMatches: Bool
    }

    let options: Options
    let say: @Sendable (String) -> Void

    public init(options: Options, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.say = say
    }

    public func run() async throws -> Result {
        try await BenchKit.withDemoServer(database: options.database, label: "bench-auction") { store, services, server, client, clock in
            try await measure(store: store, services: services, server: server, client: client, clock: clock)
        }
    }

    private func measure(store: SQLStore, services: MilletServices, server: BenchServer, client: LoadClient, clock: BenchClock) async throws -> Result {
        say("seeding \(options.bidders) bidders with sessions")
        let tokens = try await BenchKit.seedFans(store: store, clock: clock, count: options.bidders)
        let startPrice: Int64 = 100_000
        let scheduled = try await services.auctions.schedule(
            AuctionPlan(title: "Bench prototype", skuId: nil, marketCode: "GB", currency: "GBP", startPrice: startPrice, reservePrice: nil,
                        startsAt: clock.now(), endsAt: clock.now().addingTimeInterval(240)),
            incrementsGiven: false, by: "bench")
        let id = scheduled.auction.id
        // Each fan's first request reads its session; the bids should not wait on that.
        say("\(options.bidders) bidders open the auction")
        let opened = try await client.run(total: options.bidders, connections: options.connections, progress: BenchKit.progress(say, "open", options.bidders)) { i in
            LoadRequest(uri: "/api/v1/auctions/\(id)", headers: ["Authorization": "Bearer \(tokens[i])"])
        }
        guard opened.allSatisfy({ $0.status == 200 }) else { throw BenchError.failed("a bidder could not open the auction") }

        let m = options.bids, c = options.connections, rounds = options.rounds
        say("\(rounds) rounds, each \(m / rounds) GET /health/live (the HTTP ceiling) and then \(m / rounds) POST /api/v1/auctions/{id}/bids, from \(c) connections")
        let measured = try await BenchKit.inRounds(client, rounds: rounds, total: m, connections: c, say: say) { first, count, round in
            try await client.run(total: count, connections: c, progress: BenchKit.progress(say, "bids \(round)", count)) { i in
                let n = first + i
                // Maxima climb by 25.00, the increment at these prices: a bid that arrives in order is
                // at least the minimum and leads.
                let maximum = startPrice + Int64(n + 1) * 2_500
                return LoadRequest(method: .POST, uri: "/api/v1/auctions/\(id)/bids",
                                   headers: ["Authorization": "Bearer \(tokens[n % tokens.count])", "Content-Type": "application/json"],
                                   body: ByteBuffer(string: #"{"maximum":\#(maximum)}"#))
            }
        }
        await server.stop()

        let samples = measured.samples
        var outcomes: [String: Int] = [:]
        for sample in samples { outcomes[String(sample.status), default: 0] += 1 }
        let accepted = samples.filter { $0.status == 201 }, refused = samples.filter { $0.status == 409 }
        let stored = try await store.bids(auctionId: id, after: 0)
        guard let record = try await store.auction(id: id) else { throw BenchError.failed("the auction is gone") }
        let replayed = try AuctionState.replaying(record.auction, bids: stored)
        let matches = replayed == record.state && stored.count == accepted.count && record.state.bids == Int64(stored.count)
        say("replay of \(stored.count) stored bids: leader and price \(matches ? "match" : "DO NOT match") the stored state (price \(record.state.price))")
        let result = Result(
            options: ["bidders": String(options.bidders), "bids": String(m), "connections": String(c), "rounds": String(rounds),
                      "database": store.backend.rawValue],
            ceilingRequestsPerSecond: measured.ceilingRate, bidsPerSecond: measured.rate, bidsToCeiling: measured.rate / measured.ceilingRate,
            ceilingCPUMicros: measured.ceilingCPUPerRequest, bidCPUMicros: measured.cpuPerRequest, accepted: accepted.count, refused: refused.count,
            acceptedLatency: Latencies(accepted.map(\.latency)), refusedLatency: Latencies(refused.map(\.latency)),
            ceiling: Latencies(measured.ceiling.map(\.latency)), outcomes: outcomes, finalPrice: record.state.price, endsAt: record.state.endsAt,
            replayMatches: matches)
        try write(result, samples: samples)
        return result
    }

    private func write(_ result: Result, samples: [Sample]) throws {
        try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(result).write(to: URL(fileURLWithPath: options.out + "/auction.json"))
        let chart = LatencyChart(title: "Auction: latency of bids over time", series: [
            LatencySeries(name: "accepted", samples: samples.filter { $0.status == 201 }.map { ($0.sentAt, $0.latency) }),
            LatencySeries(name: "refused", samples: samples.filter { $0.status != 201 }.map { ($0.sentAt, $0.latency) }),
        ])
        try chart.svg().write(toFile: options.out + "/auction.svg", atomically: true, encoding: .utf8)
        say("wrote \(options.out)/auction.json and \(options.out)/auction.svg")
    }
}
