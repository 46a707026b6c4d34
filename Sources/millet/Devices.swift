import ArgumentParser
import Foundation
import MilletBench

/// `millet devices simulate`: a simulated fleet against a running server.
struct Devices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Work with devices in the field.", subcommands: [Simulate.self])

    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drive a simulated fleet through a staged rollout: register, check in, download (resuming), report.")

        @Option(help: "The running server.") var url = "http://127.0.0.1:8080"
        @Option(help: "Devices in the fleet.") var devices = 200
        @Option(help: "Share of installs that fail, 0 to 1.") var failureRate = 0.0
        @Option(help: "Check-in rounds; staff advance the rollout after each.") var rounds = 4
        @Option(help: "Devices working at once.") var concurrency = 16
        @Option(help: "Rollout stages in percent, comma separated.") var stages = "10,50,100"
        @Option(help: "Halt when failures reach this share of results, in basis points (200 = 2%).") var thresholdBasisPoints = 200
        @Option(help: "Results needed before the halt rule applies.") var minReports = 20
        @Option(help: "Staff log-in used to set up the rollout.") var staffEmail = "staff@millet.test"
        @Option(help: "Staff password.") var staffPassword = "millet-staff"
        @Option(help: "Folder for fleet.json and fleet.svg.") var out = "build/fleet"
        @Option(help: "Exit with failure unless the rollout ends in this state (halted, completed ...).") var expect: String?

        func validate() throws {
            guard devices > 0, (0...1).contains(failureRate), rounds > 0, concurrency > 0 else {
                throw ValidationError("devices, rounds and concurrency must be positive and the failure rate from 0 to 1")
            }
            guard URL(string: url)?.host != nil else { throw ValidationError("--url must be an http URL") }
        }

        func run() async throws {
            let simulator = FleetSimulator(
                options: .init(url: URL(string: url)!, devices: devices, failureRate: failureRate, rounds: rounds, concurrency: concurrency,
                               stages: stages.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                               thresholdBasisPoints: thresholdBasisPoints, minReports: minReports, staffEmail: staffEmail,
                               staffPassword: staffPassword, out: out),
                say: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) })
            let result = try await simulator.run()
            let installed = result.rounds.reduce(0) { $0 + $1.installed }, failed = result.rounds.reduce(0) { $0 + $1.failed }
            let bad = result.rounds.reduce(0) { $0 + $1.badSignatures + $1.badDownloads }
            print(String(format: "fleet of %d: %d installed, %d failed, %d bad offers or downloads; rollout %@ in %.1f s; chart %@/fleet.svg",
                         result.registered, installed, failed, bad, result.finalState, result.seconds, out))
            if let reason = result.haltReason { print("halted: \(reason)") }
            if bad > 0 { throw ExitCode.failure }
            if let expect, expect != result.finalState {
                print("expected the rollout to end \(expect)")
                throw ExitCode.failure
            }
        }
    }
}
