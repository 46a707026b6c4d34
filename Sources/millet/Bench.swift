import ArgumentParser
import Foundation
import Logging
import MilletBench
import MilletHTTP

/// `millet bench flash-sale | ota | live | logins | lookup`: measured figures for BENCHMARKS.md.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Millet against a real server over loopback.", subcommands: [FlashSale.self, OTA.self, Live.self, Logins.self, Lookup.self, Auction.self])

    /// Progress lines, written straight to the descriptor so they show as they happen even in a pipe.
    static let say: @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }

    /// The server in the bench logs as `millet serve` does, to standard error.
    static func bootstrapLogging() {
        LoggingSystem.bootstrap { MilletLogHandler(.standardError(label: $0), level: .info) }
    }

    struct FlashSale: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "flash-sale",
            abstract: "A launch: N fans reserve, fetch tokens and fire purchase attempts; compared with /health/live and the row-lock path.")

        @Option(help: "A postgres:// URL of an empty database; the default is a fresh embedded SQLite file.")
        var database: String?
        @Option(help: "Fans (accounts with sessions).") var accounts = 200_000
        @Option(help: "Units on sale.") var units: Int64 = 20_000
        @Option(help: "Purchase attempts (and as many /health/live requests for the ceiling).") var attempts = 1_000_000
        @Option(help: "Keep-alive connections.") var connections = 64
        @Option(help: "Rounds of ceiling and attempts in turn, so the machine's changing speed falls on both.") var rounds = 10
        @Option(help: "Folder for flash-sale.json and flash-sale.svg.") var out = "build/bench"

        func run() async throws {
            Bench.bootstrapLogging()
            let bench = FlashSaleBench(
                options: .init(database: database, accounts: accounts, units: units, attempts: attempts, connections: connections, rounds: rounds, out: out),
                say: Bench.say)
            let r = try await bench.run()
            print("")
            print(String(format: "HTTP ceiling (GET /health/live):   %10.0f requests/s   %@", r.ceilingRequestsPerSecond, r.ceiling.line))
            print(String(format: "purchase attempts:            %10.0f attempts/s   ratio to ceiling %.2f (target >= 0.85)", r.attemptsPerSecond, r.attemptsToCeiling))
            print(String(format: "CPU per request:              %10.1f us ceiling, %.1f us attempt (ratio %.2f)",
                         r.ceilingCPUMicros, r.attemptCPUMicros, r.ceilingCPUMicros / r.attemptCPUMicros))
            print(String(format: "durable orders:               %10.0f orders/s     %d orders in %d journal transactions", r.ordersPerSecond, r.orders, r.journalTransactions))
            print(String(format: "row-lock path:                %10.0f orders/s     ratio %.1f (target >= 10 on PostgreSQL)", r.rowLockOrdersPerSecond, r.ordersToRowLock))
            print(String(format: "wins:       %@   p99 %.2f x the ceiling's (target <= 2)", r.wins.line, r.wins.p99 / r.ceiling.p99))
            print(String(format: "rejections: %@   p99 %.2f x the ceiling's (target <= 1.2)", r.rejections.line, r.rejections.p99 / r.ceiling.p99))
            print("outcomes by status: \(r.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
            print(String(format: "fans open the sale:           %10.0f requests/s (each a fan's first request: its session is read)", r.opensPerSecond))
            print(String(format: "reservations before the sale: %10.0f reservations/s, ratio to ceiling %.2f (target >= 0.5); CPU %.1f us each (ratio %.2f)",
                         r.reservationsPerSecond, r.reservationsPerSecond / r.ceilingRequestsPerSecond, r.reservationCPUMicros,
                         r.ceilingCPUMicros / r.reservationCPUMicros))
            print(String(format: "purchase tokens at the open:  %10.0f tokens/s", r.tokensPerSecond))
            guard r.invariants.values.allSatisfy({ $0 }) else { throw ExitCode.failure }
        }
    }

    struct OTA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ota", abstract: "Device check-ins across a registered fleet, compared with /health/live; memory per device.")

        @Option(help: "Registered devices.") var devices = 1_000_000
        @Option(help: "Check-ins (and as many /health/live requests for the ceiling).") var checkIns = 1_000_000
        @Option(help: "Keep-alive connections.") var connections = 64
        @Option(help: "Rounds of ceiling and check-ins in turn, so the machine's changing speed falls on both.") var rounds = 10
        @Option(help: "Folder for ota.json and ota.svg.") var out = "build/bench"

        func run() async throws {
            Bench.bootstrapLogging()
            let bench = OTABench(
                options: .init(devices: devices, checkIns: checkIns, connections: connections, rounds: rounds, out: out),
                say: Bench.say)
            let r = try await bench.run()
            print("")
            print(String(format: "HTTP ceiling (GET /health/live):   %10.0f requests/s   %@", r.ceilingRequestsPerSecond, r.ceiling.line))
            print(String(format: "device check-ins:             %10.0f check-ins/s  ratio to ceiling %.2f (target >= 0.8)", r.checkInsPerSecond, r.checkInsToCeiling))
            print("check-ins:  \(r.checkIns.line)   (\(r.offers) signed offers)")
            print(String(format: "CPU per request:              %10.1f us ceiling, %.1f us check-in (ratio %.2f)",
                         r.ceilingCPUMicros, r.checkInCPUMicros, r.ceilingCPUMicros / r.checkInCPUMicros))
            print(String(format: "device index of a node:       %10.1f bytes a device (target <= 150), loaded in %.1f s; 100 million devices on one node: %.1f GB",
                         r.indexBytesPerDevice, r.indexLoadSeconds, r.indexBytesPerDevice * 1e8 / 1e9))
            print(String(format: "whole process:                %10.0f bytes a device (%.0f MB before the import, %.0f MB after the check-ins: with SQLite's caches and the bench's tokens)",
                         r.bytesPerDevice, Double(r.residentBytesBefore) / 1e6, Double(r.residentBytesAfter) / 1e6))
            print("outcomes by status: \(r.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")); check-ins written: \(r.checkInsWritten)")
            guard r.outcomes.keys.allSatisfy({ $0 == "200" }) else { throw ExitCode.failure }
        }
    }

    struct Auction: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "auction", abstract: "Many fans bidding on one auction in its last minutes, compared with /health/live; the winner and price checked by replaying the stored bids.")

        @Option(help: "A postgres:// URL of an empty database; the default is a fresh embedded SQLite file.")
        var database: String?
        @Option(help: "Fans bidding (accounts with sessions).") var bidders = 20_000
        @Option(help: "Bids (and as many /health/live requests for the ceiling).") var bids = 400_000
        @Option(help: "Keep-alive connections.") var connections = 64
        @Option(help: "Rounds of ceiling and bids in turn, so the machine's changing speed falls on both.") var rounds = 10
        @Option(help: "Folder for auction.json and auction.svg.") var out = "build/bench"

        func run() async throws {
            Bench.bootstrapLogging()
            let bench = AuctionBench(
                options: .init(database: database, bidders: bidders, bids: bids, connections: connections, rounds: rounds, out: out), say: Bench.say)
            let r = try await bench.run()
            print("")
            print(String(format: "HTTP ceiling (GET /health/live):   %10.0f requests/s   %@", r.ceilingRequestsPerSecond, r.ceiling.line))
            print(String(format: "bids:                         %10.0f bids/s       ratio to ceiling %.2f (target >= 0.7)", r.bidsPerSecond, r.bidsToCeiling))
            print(String(format: "CPU per request:              %10.1f us ceiling, %.1f us bid (ratio %.2f)", r.ceilingCPUMicros, r.bidCPUMicros,
                         r.ceilingCPUMicros / r.bidCPUMicros))
            print("accepted:   \(r.acceptedLatency.line)")
            print("refused:    \(r.refusedLatency.line)")
            print("outcomes by status: \(r.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
            print("replay of the stored bids: \(r.replayMatches ? "the same leader and price as stored" : "DIFFERENT from the stored state") (price \(r.finalPrice))")
            guard r.replayMatches, r.outcomes.keys.allSatisfy({ $0 == "201" || $0 == "409" }) else { throw ExitCode.failure }
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lookup",
            abstract: "Private number lookups by hash prefix among millions of labelled numbers, against /health/live; memory per number and a day's blocklist delta.")

        @Option(help: "Labelled numbers in the store.") var numbers = 10_000_000
        @Option(help: "Lookups to send.") var lookups = 400_000
        @Option(help: "Connections.") var connections = 64
        @Option(help: "Rounds, each lookups after as many GET /health/live.") var rounds = 4
        @Option(help: "New labels in a day, in the phone's market, for the delta.") var dailyChanges = 2_000
        @Option(help: "Folder for lookup.json and lookup.svg.") var out = "build/bench"

        func run() async throws {
            Bench.bootstrapLogging()
            let r = try await LookupBench(
                options: .init(numbers: numbers, lookups: lookups, connections: connections, rounds: rounds, dailyChanges: dailyChanges, out: out),
                say: Bench.say
            ).run()
            print("")
            print(String(format: "imported %d labelled numbers in %.0f s; database %.0f bytes a number", numbers, r.importSeconds, r.databaseBytesPerNumber))
            print(String(format: "HTTP ceiling (GET /health/live):  %10.0f requests/s   %@", r.ceilingPerSecond, r.ceiling.line))
            print(String(format: "lookups by 5-hex-digit prefix:    %10.0f requests/s   %@", r.lookupsPerSecond, r.lookups.line))
            print(String(format: "ratio to the ceiling:             %10.2f   (CPU ratio %.2f; %.1f labels an answer)", r.ratio, r.cpuRatio, r.labelsPerAnswer))
            print(String(format: "lookup index:                     %10.1f bytes a number (loaded in %.1f s); process %.0f MB",
                         r.indexBytesPerNumber, r.indexLoadSeconds, Double(r.residentBytes) / 1e6))
            print(String(format: "a day's delta (%d new labels):    %10d bytes, %.1f bytes a label; gzip %d bytes", r.deltaEntries, r.deltaBytes,
                         r.deltaBytesPerEntry, r.deltaGzipBytes))
            guard r.deltaEntries == dailyChanges else { throw ExitCode.failure }
        }
    }

    struct Live: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "live", abstract: "A crowd on a sale's live page: CPU per server-sent event, compared with /health/live.")

        @Option(help: "Open event streams (each takes two file descriptors in this process).") var viewers = 5_000
        @Option(help: "Seconds to measure with every stream open.") var seconds = 20
        @Option(help: "GET /health/live requests for the ceiling, half before the streams and half after.") var ceilingRequests = 200_000
        @Option(help: "Folder for live.json.") var out = "build/bench"

        func run() async throws {
            Bench.bootstrapLogging()
            let bench = LiveBench(
                options: .init(viewers: viewers, seconds: seconds, ceilingRequests: ceilingRequests, out: out),
                say: Bench.say)
            let r = try await bench.run()
            print("")
            print(String(format: "HTTP ceiling (GET /health/live):   %10.0f requests/s   CPU %.1f us a request", r.ceilingRequestsPerSecond, r.ceilingCPUMicros))
            print(String(format: "live page:                    %10.0f events/s     %d streams, %.2f events a second each (the page asks for 4)",
                         r.eventsPerSecond, r.streams, r.eventsPerViewerPerSecond))
            print(String(format: "CPU per event:                %10.1f us           ratio to a ceiling request %.2f", r.cpuMicrosPerEvent, r.eventToCeiling))
            print(String(format: "viewers one core keeps live:  %10.0f", r.viewersPerCore))
            guard r.streams == viewers else { throw ExitCode.failure }
        }
    }

    struct Logins: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logins",
            abstract: "A crowd of log-ins at once: /health/live during it, bcrypt on its pool against bcrypt on the request threads; guesses at one account.")

        @Option(help: "Accounts that log in at once.") var accounts = 200
        @Option(help: "Wrong passwords for one account sent at once.") var guesses = 100
        @Option(help: "bcrypt cost (12 is what millet serve uses).") var cost: UInt8 = 12
        @Option(help: "Folder for logins.json and logins.svg.") var out = "build/bench"

        func run() async throws {
            Bench.bootstrapLogging()
            let r = try await LoginBench(options: .init(accounts: accounts, guesses: guesses, cost: cost, out: out), say: Bench.say).run()
            func statuses(_ counts: [String: Int]) -> String { counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
            print("")
            print("GET /health/live idle:                 \(r.idle.line)")
            for storm in [r.pool, r.inline] {
                print("during \(accounts) log-ins, \(storm.hashing):")
                print("  GET /health/live                     \(storm.probes.line)")
                print(String(format: "  p99 ratio to idle                    %.1f   (log-ins: %@ in %.1f s)", storm.p99Ratio, statuses(storm.statuses), storm.seconds))
            }
            print(String(format: "p99 on the request threads against the pool: %.0f x", r.inline.probes.p99 / max(r.pool.probes.p99, 0.001)))
            print("\(guesses) wrong passwords for one account at once: \(statuses(r.guesses)) (401 were checked, 429 refused before hashing)")
            guard r.guesses["401"] == 5, r.guesses["429"] == guesses - 5 else { throw ExitCode.failure }
        }
    }
}
