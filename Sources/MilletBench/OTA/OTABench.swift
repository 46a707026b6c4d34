import Crypto
import Foundation
import Hummingbird
import Logging
import MilletCore
import MilletHTTP
import MilletStorage
import NIOCore
import NIOHTTP1

/// `millet bench ota`: device check-ins against a real server over loopback.
///
/// It starts Millet in this process on a fresh embedded database, imports N registered devices
/// with their tokens, loads them into the device index as a starting node does, starts a rollout
/// at its first stage (so some check-ins get a signed offer),
/// and fires check-ins from many keep-alive connections, each from a different device, spread
/// over the whole fleet. In the same run, in alternating rounds with the check-ins, it measures the
/// trivial endpoint (`/health/live`) and prints the ratio, the latencies, and the resident memory
/// per registered device.
public struct OTABench: Sendable {
    public struct Options: Sendable {
        public var devices: Int
        public var checkIns: Int
        public var connections: Int
        /// Turns in which the ceiling and the check-ins take each other's place, so that a change
        /// in the machine's speed during the run falls on both alike.
        public var rounds: Int
        public var out: String

        public init(devices: Int, checkIns: Int, connections: Int, rounds: Int = 10, out: String) {
            self.devices = devices
            self.checkIns = checkIns
            self.connections = connections
            self.rounds = max(1, rounds)
            self.out = out
        }
    }

    public struct Result: Codable, Sendable {
        public var options: [String: String]
        public var ceilingRequestsPerSecond: Double
        public var checkInsPerSecond: Double
        public var checkInsToCeiling: Double
        /// CPU time of the whole process per request, in microseconds: what the machine's speed
        /// moves least, for comparing code.
        public var ceilingCPUMicros: Double
        public var checkInCPUMicros: Double
        public var offers: Int
        public var checkIns: Latencies
        public var ceiling: Latencies
        public var outcomes: [String: Int]
        public var residentBytesBefore: Int
        public var residentBytesAfter: Int
        /// Resident memory grown from before the import to after the check-ins, per device: the
        /// index, SQLite's page caches, the bench's own tokens and the allocator's slack.
        public var bytesPerDevice: Double
        /// What a node's device index holds, by its own count of its pages and slots, per device.
        /// (Resident memory measured around a load says little: the allocator hands the index
        /// memory the finished phases freed.)
        public var indexBytesPerDevice: Double
        public var checkInsWritten: Int
        public var indexLoadSeconds: Double
    }

    let options: Options
    let say: @Sendable (String) -> Void

    public init(options: Options, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.say = say
    }

    public func run() async throws -> Result {
        try await BenchKit.withDemoServer(label: "bench-ota") { store, services, server, client, clock in
            try await measure(store: store, services: services, server: server, client: client, clock: clock)
        }
    }

    private func measure(store: SQLStore, services: MilletServices, server: BenchServer, client: LoadClient, clock: BenchClock) async throws -> Result {

        let model = try DeviceModel.create(id: "bench-phone", name: "Bench phone", kind: .phone, productLine: "phones", now: clock.now())
        try await store.createModel(model)
        let image = Data(repeating: 7, count: 1 << 20)
        let sha = Secrets.hex(SHA256.hash(data: image))
        let path = services.firmwareFiles.path(sha256: sha)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try image.write(to: URL(fileURLWithPath: path))
        let build = FirmwareBuild(id: Identifier.make(), modelId: model.id, version: "2.0.0", sha256: sha, size: Int64(image.count),
                                  minSourceVersion: nil, releaseId: nil, notes: nil, createdAt: clock.now())
        try await store.addBuild(build)
        try await store.createRollout(try Rollout.plan(buildId: build.id, modelId: model.id, channel: .stable, markets: [], sourceVersions: [],
                                                       stages: [10, 100], now: clock.now()))

        let before = BenchKit.residentBytes()
        say("importing \(options.devices) registered devices")
        let tokens = try await seed(store: store, model: model, clock: clock)
        // Every device into the in-memory index (the server's own sync, every second, may have
        // read most of them during the import).
        try await services.updates.syncDevices()
        say("device index: \(services.updates.indexedDevices) devices")

        let c = options.connections, m = options.checkIns, rounds = options.rounds
        say("\(rounds) rounds, each \(m / rounds) GET /health/live (the HTTP ceiling) and then \(m / rounds) POST /api/v1/devices/check-in, from \(c) connections across \(options.devices) devices")
        let body = ByteBuffer(string: #"{"version":"1.0.0"}"#)
        // A stride coprime with the fleet size visits devices all over the fleet, each once per pass.
        let stride = Self.coprimeStride(options.devices)
        let measured = try await BenchKit.inRounds(client, rounds: rounds, total: m, connections: c, say: say) { first, count, round in
            let slice = try await client.run(total: count, connections: c, capture: "action", progress: BenchKit.progress(say, "check-in \(round)", count)) { i in
                let device = ((first + i) &* stride) % tokens.count
                return LoadRequest(method: .POST, uri: "/api/v1/devices/check-in",
                                   headers: ["Authorization": "Bearer \(tokens[device])", "Content-Type": "application/json"], body: body)
            }
            // The check-ins' deferred writes count as check-in time, not as the next round's ceiling.
            try await services.updates.flushCheckIns()
            return slice
        }
        let samples = measured.samples
        let after = BenchKit.residentBytes()
        await server.stop()
        let (indexed, indexBytes, loadSeconds) = try await loadSecondNode(store: store, clock: clock)
        var outcomes: [String: Int] = [:]
        for sample in samples { outcomes[String(sample.status), default: 0] += 1 }
        let result = Result(
            options: ["devices": String(options.devices), "checkIns": String(m), "connections": String(c), "rounds": String(rounds),
                      "database": store.backend.rawValue],
            ceilingRequestsPerSecond: measured.ceilingRate, checkInsPerSecond: measured.rate, checkInsToCeiling: measured.rate / measured.ceilingRate,
            ceilingCPUMicros: measured.ceilingCPUPerRequest, checkInCPUMicros: measured.cpuPerRequest,
            offers: samples.filter { $0.captured == "update" }.count, checkIns: Latencies(samples.map(\.latency)),
            ceiling: Latencies(measured.ceiling.map(\.latency)),
            outcomes: outcomes, residentBytesBefore: before, residentBytesAfter: after,
            bytesPerDevice: Double(after - before) / Double(max(1, options.devices)),
            indexBytesPerDevice: Double(indexBytes) / Double(indexed),
            checkInsWritten: services.updates.checkInsWritten, indexLoadSeconds: loadSeconds)
        try write(result, samples: samples)
        return result
    }

    /// What a node starting now holds for the fleet: a second node's device index, loaded from
    /// the database. Answers the devices, the bytes the index counts and the seconds it took.
    private func loadSecondNode(store: SQLStore, clock: BenchClock) async throws -> (devices: Int, bytes: Int, seconds: Double) {
        let node = FirmwareUpdates(devices: store, firmware: store, clock: clock)
        say("a second node loads the device index")
        let start = DispatchTime.now().uptimeNanoseconds
        try await node.syncDevices()
        let seconds = BenchKit.seconds(since: start), devices = max(1, node.indexedDevices)
        say(String(format: "  %d devices in %.1f s, %.1f bytes a device", devices, seconds, Double(node.deviceIndexBytes) / Double(devices)))
        return (devices, node.deviceIndexBytes, seconds)
    }

    /// Imports the fleet in chunks; answers each device's token.
    private func seed(store: SQLStore, model: DeviceModel, clock: BenchClock) async throws -> [String] {
        var tokens: [String] = []
        tokens.reserveCapacity(options.devices)
        let markets = ["IN", "CN", "ES", "GB", "ID"]
        let chunk = 100_000
        for start in Swift.stride(from: 0, to: options.devices, by: chunk) {
            let end = min(start + chunk, options.devices)
            var registrations: [DeviceRegistration] = [], hashes: [String] = []
            for index in start..<end {
                let serial = String(format: "BENCH-%08d", index)
                registrations.append(try DeviceRegistration(
                    serial: serial, modelId: model.id, secret: model.factorySecret(serial: serial), marketCode: markets[index % 5], channel: "stable",
                    version: "1.0.0"))
                let token = DeviceToken.make()
                tokens.append(token)
                hashes.append(Secrets.digest(token))
            }
            try await store.importDevices(registrations, tokenHashes: hashes, now: clock.now())
            say("  devices \(end)/\(options.devices)")
        }
        return tokens
    }

    static func coprimeStride(_ n: Int) -> Int {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        var stride = 7_919
        while gcd(stride, n) != 1 { stride += 2 }
        return stride
    }

    private func write(_ result: Result, samples: [Sample]) throws {
        try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: options.out + "/ota.json"))
        let chart = LatencyChart(title: "OTA: latency of device check-ins over time", series: [
            LatencySeries(name: "offers", samples: samples.filter { $0.captured == "update" }.map { ($0.sentAt, $0.latency) }),
            LatencySeries(name: "nothing to do", samples: samples.filter { $0.captured != "update" }.map { ($0.sentAt, $0.latency) }),
        ])
        try chart.svg().write(toFile: options.out + "/ota.svg", atomically: true, encoding: .utf8)
        say("wrote \(options.out)/ota.json and \(options.out)/ota.svg")
    }
}
