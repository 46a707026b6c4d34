import Foundation
import Logging
import MilletCore
import MilletHTTP
import MilletStorage

/// `millet bench live`: what a crowd watching a sale's live page costs the node.
///
/// It starts Millet in this process on a fresh embedded database, schedules a sale an hour ahead
/// (the countdown is when the crowd gathers), and measures the HTTP ceiling (`GET /health/live`)
/// before and after. In between, `viewers` streams of `/api/v1/flash-sales/{id}/events` stay open
/// for `seconds`, and the run counts the events they receive and the process's CPU time. The ratio
/// is the CPU of one event to a viewer against one trivial request.
public struct LiveBench: Sendable {
    public struct Options: Sendable {
        public var viewers: Int
        public var seconds: Int
        public var ceilingRequests: Int
        public var out: String

        public init(viewers: Int, seconds: Int, ceilingRequests: Int = 200_000, out: String) {
            self.viewers = max(1, viewers)
            self.seconds = max(1, seconds)
            self.ceilingRequests = max(2, ceilingRequests)
            self.out = out
        }
    }

    /// What the run measured.
    public struct Result: Codable, Sendable {
        public var options: [String: String]
        public var streams: Int
        public var events: Int
        public var eventsPerSecond: Double
        /// Events per second each stream got; the page asks for four.
        public var eventsPerViewerPerSecond: Double
        /// CPU time of the whole process (server and client), in microseconds.
        public var cpuMicrosPerEvent: Double
        public var ceilingRequestsPerSecond: Double
        public var ceilingCPUMicros: Double
        /// CPU per event over CPU per ceiling request.
        public var eventToCeiling: Double
        /// Viewers one core keeps up to date at four events a second, client included.
        public var viewersPerCore: Double
        /// Events per second, second by second.
        public var perSecond: [Int]
    }

    let options: Options
    let say: @Sendable (String) -> Void

    public init(options: Options, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.say = say
    }

    public func run() async throws -> Result {
        try await BenchKit.withFreshStore(label: "live") { store, _, logger in try await measure(store: store, logger: logger) }
    }

    private func measure(store: SQLStore, logger: Logger) async throws -> Result {
        try await store.migrate()
        let clock = BenchClock()
        try await DemoData().load(markets: store, accounts: store, catalog: store, inventory: store, shipping: store, service: store, hasher: BcryptHasher(), now: clock.now())
        let services = MilletServices(store: store, clock: clock, sandboxSecret: "bench")
        let server = try await BenchServer.start(services, logger: logger)
        let client = LoadClient(host: "127.0.0.1", port: server.port, threads: 1)
        do {
            try await BenchKit.waitUntilUp(client)
            let sale = try await BenchKit.scheduleSale(services: services, store: store, clock: clock, units: 1_000)
            let half = options.ceilingRequests / 2
            var ceiling = try await self.ceiling(client, requests: half, label: "health 1/2")

            say("\(options.viewers) viewers open the sale's live page")
            let streams = StreamClient(host: "127.0.0.1", port: server.port)
            try await streams.open(count: options.viewers, uri: "/api/v1/flash-sales/\(sale.id)/events")
            for _ in 0..<100 where streams.streams < options.viewers { try await Task.sleep(for: .milliseconds(100)) }
            say("measuring \(options.seconds) s with \(streams.streams) streams")
            var perSecond: [Int] = []
            let cpu = BenchKit.cpuNanos(), start = DispatchTime.now().uptimeNanoseconds, first = streams.events
            var last = first
            for second in 1...options.seconds {
                try await Task.sleep(for: .seconds(1))
                let now = streams.events
                perSecond.append(now - last)
                last = now
                say("  second \(second)/\(options.seconds): \(perSecond.last!) events")
            }
            let cpuNanos = BenchKit.cpuNanos() - cpu, elapsed = BenchKit.seconds(since: start), events = streams.events - first
            let open = streams.streams
            try await streams.shutdown()

            let after = try await self.ceiling(client, requests: options.ceilingRequests - half, label: "health 2/2")
            ceiling.requests += after.requests
            ceiling.seconds += after.seconds
            ceiling.cpuNanos += after.cpuNanos
            await server.stop()
            try? await client.shutdown()

            let perEvent = Double(cpuNanos) / 1e3 / Double(max(1, events))
            let perRequest = Double(ceiling.cpuNanos) / 1e3 / Double(ceiling.requests)
            let result = Result(
                options: ["viewers": String(options.viewers), "seconds": String(options.seconds), "ceilingRequests": String(options.ceilingRequests)],
                streams: open, events: events, eventsPerSecond: Double(events) / elapsed,
                eventsPerViewerPerSecond: Double(events) / elapsed / Double(max(1, open)),
                cpuMicrosPerEvent: perEvent, ceilingRequestsPerSecond: Double(ceiling.requests) / ceiling.seconds, ceilingCPUMicros: perRequest,
                eventToCeiling: perEvent / perRequest, viewersPerCore: 1e6 / (perEvent * 4), perSecond: perSecond)
            try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(result).write(to: URL(fileURLWithPath: options.out + "/live.json"))
            say("wrote \(options.out)/live.json")
            return result
        } catch {
            server.cancel()
            try? await client.shutdown()
            throw error
        }
    }

    private struct Ceiling {
        var requests = 0, seconds = 0.0, cpuNanos: UInt64 = 0
    }

    private func ceiling(_ client: LoadClient, requests: Int, label: String) async throws -> Ceiling {
        let cpu = BenchKit.cpuNanos(), start = DispatchTime.now().uptimeNanoseconds
        let samples = try await client.run(total: requests, connections: 64, progress: BenchKit.progress(say, label, requests)) { _ in
            LoadRequest(uri: "/health/live")
        }
        guard samples.allSatisfy({ $0.status == 200 }) else { throw BenchError.failed("the ceiling's requests failed") }
        return Ceiling(requests: samples.count, seconds: BenchKit.seconds(since: start), cpuNanos: BenchKit.cpuNanos() - cpu)
    }
}
