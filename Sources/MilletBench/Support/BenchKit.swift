import Foundation
import Logging
import MilletCore
import MilletHTTP
import MilletStorage
#if canImport(Glibc)
import Glibc
#endif

/// What every benchmark needs: a free port, waiting for the server, progress lines, timing and
/// the process's resident memory.
enum BenchKit {
    /// Runs `body` on a fresh embedded database (or `database`, an empty PostgreSQL) in a
    /// temporary folder, closing the store and removing the folder afterwards.
    static func withFreshStore<R>(database: String? = nil, label: String, _ body: (SQLStore, String, Logger) async throws -> R) async throws -> R {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("millet-\(label)-\(Identifier.make())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var logger = Logger(label: "millet.bench")
        logger.logLevel = .error
        let store = try await SQLStore.open(database ?? folder + "/bench.sqlite", logger: logger)
        do {
            let result = try await body(store, folder, logger)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    static func waitUntilUp(_ client: LoadClient) async throws {
        for _ in 0..<100 {
            if let answer = try? await client.run(total: 1, connections: 1, make: { _ in LoadRequest(uri: "/health") }), answer.first?.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError.failed("the server did not start")
    }

    static func progress(_ say: @escaping @Sendable (String) -> Void, _ label: String, _ total: Int) -> @Sendable (Int) -> Void {
        { done in say(String(format: "  %@ %d/%d (%.0f%%)", label, done, total, 100 * Double(done) / Double(max(total, 1)))) }
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// What ``inRounds(_:rounds:total:connections:say:workload:)`` measured. The workload's samples
    /// are numbered and timed as if its rounds had run back to back.
    struct Rounds {
        var ceiling: [Sample] = [], ceilingNanos: UInt64 = 0, ceilingCPUNanos: UInt64 = 0
        var samples: [Sample] = [], nanos: UInt64 = 0, cpuNanos: UInt64 = 0
        var ceilingRate: Double { Double(ceiling.count) / (Double(ceilingNanos) / 1e9) }
        var rate: Double { Double(samples.count) / (Double(nanos) / 1e9) }
        /// The process's CPU time (server and client, user and system) per ceiling request.
        var ceilingCPUPerRequest: Double { Double(ceilingCPUNanos) / 1e3 / Double(max(1, ceiling.count)) }
        /// The same per workload request, everything the workload did counted.
        var cpuPerRequest: Double { Double(cpuNanos) / 1e3 / Double(max(1, samples.count)) }
    }

    /// CPU time this process has used (``ProcessFigures/cpuNanos()``).
    static func cpuNanos() -> UInt64 { ProcessFigures.cpuNanos() }

    /// Runs `total` requests of a workload in `rounds`, each after as many `GET /health/live` (the
    /// HTTP ceiling) on the same connections, so that a change in the machine's speed during the
    /// run falls on both alike. `workload(first, count, round)` sends requests `first..<first + count`;
    /// everything it does counts as workload time.
    static func inRounds(
        _ client: LoadClient, rounds: Int, total: Int, connections: Int, say: @escaping @Sendable (String) -> Void,
        workload: (_ first: Int, _ count: Int, _ round: String) async throws -> [Sample]
    ) async throws -> Rounds {
        var measured = Rounds()
        for round in 0..<rounds {
            let first = total * round / rounds, count = total * (round + 1) / rounds - first, label = "\(round + 1)/\(rounds)"
            var start = DispatchTime.now().uptimeNanoseconds, cpu = cpuNanos()
            measured.ceiling += try await client.run(total: count, connections: connections, progress: progress(say, "health \(label)", count)) { _ in
                LoadRequest(uri: "/health/live")
            }
            measured.ceilingNanos += DispatchTime.now().uptimeNanoseconds - start
            measured.ceilingCPUNanos += cpuNanos() - cpu
            start = DispatchTime.now().uptimeNanoseconds
            cpu = cpuNanos()
            let slice = try await workload(first, count, label)
            let offset = measured.nanos
            measured.nanos += DispatchTime.now().uptimeNanoseconds - start
            measured.cpuNanos += cpuNanos() - cpu
            measured.samples += slice.map {
                Sample(index: first + $0.index, sentAt: offset + $0.sentAt, latency: $0.latency, status: $0.status, captured: $0.captured)
            }
        }
        return measured
    }

    /// A fresh store with the demo data, Millet serving it on a free port of 127.0.0.1 and a load
    /// client connected to it; all stopped and removed after `body`.
    static func withDemoServer<R>(
        database: String? = nil, label: String,
        _ body: (SQLStore, MilletServices, BenchServer, LoadClient, BenchClock) async throws -> R
    ) async throws -> R {
        try await withFreshStore(database: database, label: label) { store, folder, logger in
            try await store.migrate()
            let clock = BenchClock()
            try await DemoData().load(markets: store, accounts: store, catalog: store, inventory: store, shipping: store, service: store,
                                      hasher: BcryptHasher(), now: clock.now())
            let services = MilletServices(store: store, clock: clock, sandboxSecret: "bench", firmwareDirectory: folder + "/files")
            let server = try await BenchServer.start(services, logger: logger)
            defer { server.cancel() }
            let client = LoadClient(host: "127.0.0.1", port: server.port, threads: 1)
            defer { Task { try? await client.shutdown() } }
            try await waitUntilUp(client)
            return try await body(store, services, server, client, clock)
        }
    }

    /// `count` fans (customer accounts) with a week-long session each, imported in one go;
    /// answers their bearer tokens.
    static func seedFans(store: SQLStore, clock: BenchClock, count: Int) async throws -> [String] {
        var accounts: [Account] = [], tokens: [String] = [], hashes: [String] = []
        accounts.reserveCapacity(count)
        for i in 0..<count {
            accounts.append(Account(id: Identifier.make(), email: "fan\(i)@bench.test", displayName: "Fan \(i)", role: .customer,
                                    passwordHash: "-", createdAt: clock.now()))
            let token = Identifier.make() + Identifier.make()
            tokens.append(token)
            hashes.append(Authenticator.digest(token))
        }
        try await store.importAccounts(accounts, sessionTokenHashes: hashes, expiresAt: clock.now().addingTimeInterval(7 * 24 * 3600))
        return tokens
    }

    /// Resident memory of this process in bytes (``ProcessFigures/residentBytes()``).
    static func residentBytes() -> Int { ProcessFigures.residentBytes() }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchError.failed("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
