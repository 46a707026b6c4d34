import CompressNIO
import Crypto
import Foundation
import Logging
import MilletCore
import MilletHTTP
import MilletStorage
import NIOCore
import NIOHTTP1

/// `millet bench lookup`: private number lookups against a store of millions of labelled numbers.
///
/// It starts Millet in this process on a fresh embedded database, imports `numbers` labelled
/// numbers (Spanish mobiles, in batches), registers one phone and sends `lookups` lookups by a
/// 5-hex-digit prefix of a labelled number's SHA-256 over `connections` connections, in rounds
/// after as many `GET /health/live` (the HTTP ceiling), so the ratio is taken in the same run.
/// It reports the database's bytes per number, and the time and resident memory the node's lookup
/// index takes to load (as at start, before the server answers), then labels
/// `dailyChanges` more numbers (a day's new labels in one market) and fetches the blocklist delta
/// since the version before them, as a phone syncing once a day would: its bytes.
public struct LookupBench: Sendable {
    /// What to run: labelled numbers, lookups, connections, rounds, a day's new labels, where to write.
    public struct Options: Sendable {
        public var numbers: Int
        public var lookups: Int
        public var connections: Int
        public var rounds: Int
        public var dailyChanges: Int
        public var out: String

        public init(numbers: Int, lookups: Int, connections: Int, rounds: Int = 4, dailyChanges: Int, out: String) {
            self.numbers = max(1000, numbers)
            self.lookups = max(100, lookups)
            self.connections = max(1, connections)
            self.rounds = max(1, rounds)
            self.dailyChanges = max(1, dailyChanges)
            self.out = out
        }
    }

    /// What the run measured.
    public struct Result: Codable, Sendable {
        public var options: [String: String]
        public var importSeconds: Double
        public var databaseBytesPerNumber: Double
        /// Seconds the node took to load its lookup index at start.
        public var indexLoadSeconds: Double
        public var residentBytes: Int
        /// Resident memory the loaded index added, per number.
        public var indexBytesPerNumber: Double
        public var ceilingPerSecond: Double
        public var lookupsPerSecond: Double
        public var ratio: Double
        public var cpuRatio: Double
        public var lookups: Latencies
        public var ceiling: Latencies
        /// Labels under each 5-digit prefix the lookups asked (mean).
        public var labelsPerAnswer: Double
        public var deltaBytes: Int
        /// The same delta as sent to a phone that accepts gzip.
        public var deltaGzipBytes: Int
        public var deltaEntries: Int
        public var deltaBytesPerEntry: Double
    }

    let options: Options
    let say: @Sendable (String) -> Void

    /// A run of `options`, telling its progress to `say`.
    public init(options: Options, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.say = say
    }

    /// The `index`th benchmark number: a Spanish mobile, `+346` and eight digits.
    static func number(_ index: Int) -> PhoneNumber { PhoneNumber(e164: String(format: "+346%08d", index))! }

    static func label(_ index: Int, now: Date) -> NumberLabel {
        let categories: [CallCategory] = [.fraud, .harassment, .sales, .delivery]
        return NumberLabel(number: number(index), category: categories[index % 4], confidenceBasisPoints: 4385, reporters: 3,
                           expiresAt: now.addingTimeInterval(104 * 86_400))
    }

    /// Runs on a fresh embedded database and writes `lookup.json` and `lookup.svg` to `out`.
    public func run() async throws -> Result {
        try await BenchKit.withFreshStore(label: "lookup") { store, folder, logger in
            try await store.migrate()
            let clock = BenchClock()
            try await DemoData().load(
                markets: store, accounts: store, catalog: store, inventory: store, shipping: store, service: store, hasher: PlainHashes(), now: clock.now())
            say("labelling \(options.numbers) numbers")
            let start = DispatchTime.now().uptimeNanoseconds
            let batch = 20_000
            for first in stride(from: 0, to: options.numbers, by: batch) {
                let labels = (first..<min(first + batch, options.numbers)).map { Self.label($0, now: clock.now()) }
                try await store.importLabels(labels, now: clock.now())
                if (first / batch) % 25 == 0 || first + batch >= options.numbers {
                    BenchKit.progress(say, "labelled", options.numbers)(min(first + batch, options.numbers))
                }
            }
            let importSeconds = BenchKit.seconds(since: start)
            let databaseBytes = ["bench.sqlite", "bench.sqlite-wal"].reduce(0) { total, name in
                total + ((try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? Int) ?? 0)
            }

            let services = MilletServices(store: store, clock: clock, hasher: PlainHashes(), sandboxSecret: "bench", registrationsPerHour: 1_000_000)
            let model = try DeviceModel.create(id: "bench-phone", name: "Bench phone", kind: .phone, productLine: "phones", now: clock.now())
            try await store.createModel(model)
            let (_, token) = try await services.updates.register(try DeviceRegistration(
                serial: "BENCH-PHONE-1", modelId: model.id, secret: model.factorySecret(serial: "BENCH-PHONE-1"), marketCode: "ES", channel: "stable",
                version: "1.0.0"))
            say("loading the lookup index, as a node does at start")
            let residentBefore = BenchKit.residentBytes(), loadStart = DispatchTime.now().uptimeNanoseconds
            try await services.numbers.syncIndex()
            let indexLoadSeconds = BenchKit.seconds(since: loadStart), indexBytes = BenchKit.residentBytes() - residentBefore
            let server = try await BenchServer.start(services, logger: logger)
            let client = LoadClient(host: "127.0.0.1", port: server.port, threads: 1)
            do {
                try await BenchKit.waitUntilUp(client)
                let prefixes = (0..<4096).map { _ in String(Self.number(Int.random(in: 0..<options.numbers)).hash.prefix(5)) }
                let headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
                say("\(options.lookups) lookups over \(options.connections) connections, in \(options.rounds) rounds after as many GET /health/live")
                let measured = try await BenchKit.inRounds(client, rounds: options.rounds, total: options.lookups, connections: options.connections, say: say) {
                    _, count, label in
                    try await client.run(total: count, connections: options.connections, progress: BenchKit.progress(say, "lookups \(label)", count)) { n in
                        LoadRequest(uri: "/api/v1/devices/phone/lookups/\(prefixes[n % prefixes.count])", headers: headers)
                    }
                }
                guard measured.samples.allSatisfy({ $0.status == 200 }) else { throw BenchError.failed("a lookup failed") }
                let resident = BenchKit.residentBytes()
                let json = JSONClient(base: URL(string: "http://127.0.0.1:\(server.port)")!)
                var found = 0
                for prefix in prefixes.prefix(200) {
                    let answer = try await json.object("GET", "/api/v1/devices/phone/lookups/\(prefix)", token: token)
                    found += (answer["items"] as? [Any])?.count ?? 0
                }

                // A day: the blocklist's version now, a day's new labels, and the delta a phone fetches.
                // The import gave versions 1 to `numbers`, in order: a phone in step has the last,
                // as the page after the one before it says.
                let last = try await json.object("GET", "/api/v1/devices/phone/blocklist?since=\(options.numbers - 1)", token: token)
                guard let since = (last["version"] as? NSNumber)?.int64Value, (last["items"] as? [Any])?.count == 1, since == Int64(options.numbers) else {
                    throw BenchError.failed("the blocklist does not end at the last imported label")
                }
                say("labelling \(options.dailyChanges) more numbers, a day's worth, and fetching the blocklist delta")
                let day = (options.numbers..<(options.numbers + options.dailyChanges)).map { Self.label($0, now: clock.now()) }
                try await store.importLabels(day, now: clock.now())
                var deltaBytes = 0, gzipBytes = 0, entries = 0, version = since, more = true
                while more {
                    let page = try await json.send("GET", "/api/v1/devices/phone/blocklist?since=\(version)", token: token)
                    guard page.status == 200, let object = try JSONSerialization.jsonObject(with: page.body) as? [String: Any] else {
                        throw BenchError.failed("the blocklist failed")
                    }
                    deltaBytes += page.body.count
                    var plain = ByteBuffer(bytes: page.body)
                    gzipBytes += try plain.compress(with: .gzip()).readableBytes
                    entries += (object["items"] as? [Any])?.count ?? 0
                    version = (object["version"] as? NSNumber)?.int64Value ?? version
                    more = object["more"] as? Bool ?? false
                }
                await server.stop()
                try? await client.shutdown()
                let result = Result(
                    options: ["numbers": String(options.numbers), "lookups": String(options.lookups), "connections": String(options.connections),
                              "rounds": String(options.rounds), "dailyChanges": String(options.dailyChanges)],
                    importSeconds: importSeconds, databaseBytesPerNumber: Double(databaseBytes) / Double(options.numbers),
                    indexLoadSeconds: indexLoadSeconds, residentBytes: resident, indexBytesPerNumber: Double(indexBytes) / Double(options.numbers),
                    ceilingPerSecond: measured.ceilingRate,
                    lookupsPerSecond: measured.rate, ratio: measured.rate / measured.ceilingRate,
                    cpuRatio: measured.ceilingCPUPerRequest / max(measured.cpuPerRequest, 0.001),
                    lookups: Latencies(measured.samples.map(\.latency)), ceiling: Latencies(measured.ceiling.map(\.latency)),
                    labelsPerAnswer: Double(found) / 200, deltaBytes: deltaBytes, deltaGzipBytes: gzipBytes, deltaEntries: entries,
                    deltaBytesPerEntry: Double(deltaBytes) / Double(max(entries, 1)))
                try write(result, lookups: measured.samples, ceiling: measured.ceiling)
                return result
            } catch {
                server.cancel()
                try? await client.shutdown()
                throw error
            }
        }
    }

    private func write(_ result: Result, lookups: [Sample], ceiling: [Sample]) throws {
        try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: options.out + "/lookup.json"))
        let chart = LatencyChart(title: "Number lookups by hash prefix against GET /health/live, \(options.numbers) labelled numbers", series: [
            LatencySeries(name: "lookups", samples: lookups.map { (sentAt: $0.sentAt, latency: $0.latency) }, sliceSeconds: 0.5),
            LatencySeries(name: "GET /health/live", samples: ceiling.map { (sentAt: $0.sentAt, latency: $0.latency) }, sliceSeconds: 0.5),
        ])
        try chart.svg().write(toFile: options.out + "/lookup.svg", atomically: true, encoding: .utf8)
        say("wrote \(options.out)/lookup.json and lookup.svg")
    }
}
