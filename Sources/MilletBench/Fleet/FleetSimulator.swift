import Crypto
import Foundation
import MilletCore

/// Drives a simulated fleet against a running server: staff create a model, upload a base and a
/// new build and start a staged rollout; N devices register with their factory secrets, check
/// in, verify the signed offer, download in two ranges (checking the SHA-256), and report
/// `installed`, or `failed` with probability `failureRate`. Between rounds staff advance the
/// rollout; the run stops when it completes, halts by itself, or the rounds run out.
public struct FleetSimulator: Sendable {
    public struct Options: Sendable {
        public var url: URL
        public var devices: Int
        public var failureRate: Double
        public var rounds: Int
        public var concurrency: Int
        public var stages: [Int]
        public var thresholdBasisPoints: Int
        public var minReports: Int
        public var staffEmail: String
        public var staffPassword: String
        public var out: String

        public init(url: URL, devices: Int, failureRate: Double, rounds: Int, concurrency: Int, stages: [Int], thresholdBasisPoints: Int,
                    minReports: Int, staffEmail: String, staffPassword: String, out: String) {
            self.url = url
            self.devices = devices
            self.failureRate = failureRate
            self.rounds = rounds
            self.concurrency = concurrency
            self.stages = stages
            self.thresholdBasisPoints = thresholdBasisPoints
            self.minReports = minReports
            self.staffEmail = staffEmail
            self.staffPassword = staffPassword
            self.out = out
        }
    }

    /// One round's figures.
    public struct Round: Sendable, Codable {
        public var round: Int
        public var percent: Int
        public var checkedIn = 0
        public var offered = 0
        public var installed = 0
        public var failed = 0
        public var badSignatures = 0
        public var badDownloads = 0
        public var state = ""
    }

    public struct Result: Sendable, Codable {
        public let rolloutId: String
        public let finalState: String
        public let haltReason: String?
        public let rounds: [Round]
        public let registered: Int
        public let seconds: Double
    }

    let options: Options
    let say: @Sendable (String) -> Void

    public init(options: Options, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.say = say
    }

    struct SimDevice: Sendable {
        let serial: String
        let token: String
        var version: String
    }

    public func run() async throws -> Result {
        let started = Date()
        let client = JSONClient(base: options.url)
        let staff = try await client.object("POST", "/api/v1/sessions", json: ["email": options.staffEmail, "password": options.staffPassword])["token"] as! String
        let tag = Secrets.hex(bytes: 3)
        let modelId = "sim-\(tag)"
        let model = try await client.object("POST", "/api/v1/staff/device-models", token: staff,
                                            json: ["id": modelId, "name": "Simulated phone \(tag)", "kind": "phone", "productLine": "phones"])
        let factoryKey = model["factoryKey"] as! String
        say("model \(modelId) created")
        var generator = SystemRandomNumberGenerator()
        let image = Data((0..<262_144).map { _ in UInt8.random(in: 0...255, using: &generator) })
        _ = try await client.object("POST", "/api/v1/staff/firmware-builds?model=\(modelId)&version=1.0.0", token: staff, body: Data("base".utf8))
        let build = try await client.object("POST", "/api/v1/staff/firmware-builds?model=\(modelId)&version=1.1.0", token: staff, body: image)
        let rollout = try await client.object("POST", "/api/v1/staff/rollouts", token: staff, json: [
            "buildId": build["id"]!, "channel": "stable", "stages": options.stages, "failureThresholdBasisPoints": options.thresholdBasisPoints,
            "minReports": options.minReports,
        ])
        let rolloutId = rollout["id"] as! String
        say("build 1.1.0 uploaded (\(image.count) bytes), rollout \(rolloutId) at \(options.stages.map { "\($0)%" }.joined(separator: " → "))")

        // Register the fleet.
        let fleet = try await inParallel(Array(0..<options.devices)) { index -> SimDevice in
            let serial = String(format: "SIM-%@-%06d", tag.uppercased(), index)
            let secret = DeviceModel.factorySecret(serial: serial, factoryKey: factoryKey)
            let registered = try await client.object("POST", "/api/v1/devices/registrations", json: [
                "serial": serial, "model": modelId, "secret": secret, "market": ["IN", "ES", "ID", "GB", "CN"][index % 5], "channel": "stable",
                "version": "1.0.0",
            ])
            return SimDevice(serial: serial, token: registered["token"] as! String, version: "1.0.0")
        } progress: { done in say("registered \(done)/\(options.devices)") }
        let keys = try await client.object("GET", "/api/v1/devices/keys")["items"] as! [[String: Any]]
        let trusted = Dictionary(uniqueKeysWithValues: keys.map { ($0["id"] as! String, $0["publicKey"] as! String) })

        var devices = fleet
        let buildSHA = build["sha256"] as! String
        var rounds: [Round] = []
        var state = "active", haltReason: String?
        for number in 1...max(1, options.rounds) {
            let before = try await client.object("GET", "/api/v1/staff/rollouts/\(rolloutId)", token: staff)
            var round = Round(round: number, percent: before["percent"] as? Int ?? 0)
            let current = devices
            let outcomes = try await inParallel(current) { device in
                try await self.cycle(device, client: client, trusted: trusted, expectedSHA: buildSHA)
            } progress: { done in say("round \(number): \(done)/\(current.count) devices checked in") }
            for (index, outcome) in outcomes.enumerated() {
                round.checkedIn += 1
                if outcome.offered { round.offered += 1 }
                if outcome.installed { round.installed += 1; devices[index].version = "1.1.0" }
                if outcome.failed { round.failed += 1 }
                if outcome.badSignature { round.badSignatures += 1 }
                if outcome.badDownload { round.badDownloads += 1 }
            }
            let after = try await client.object("GET", "/api/v1/staff/rollouts/\(rolloutId)", token: staff)
            state = after["state"] as? String ?? "?"
            haltReason = after["haltReason"] as? String
            round.state = state
            rounds.append(round)
            say("round \(number) at \(round.percent)%: \(round.offered) offered, \(round.installed) installed, \(round.failed) failed; rollout \(state)"
                + (haltReason.map { " (\($0))" } ?? ""))
            guard state == "active" else { break }
            _ = try await client.object("POST", "/api/v1/staff/rollouts/\(rolloutId)/commands", token: staff, json: ["command": "advance"])
            let next = try await client.object("GET", "/api/v1/staff/rollouts/\(rolloutId)", token: staff)
            state = next["state"] as? String ?? state
            if state == "completed" && devices.allSatisfy({ $0.version == "1.1.0" }) { break }
        }
        let result = Result(rolloutId: rolloutId, finalState: state, haltReason: haltReason, rounds: rounds, registered: fleet.count,
                            seconds: Date().timeIntervalSince(started))
        try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: options.out + "/fleet.json"))
        try FleetChart.svg(result, devices: options.devices).write(toFile: options.out + "/fleet.svg", atomically: true, encoding: .utf8)
        return result
    }

    struct Outcome: Sendable {
        var offered = false, installed = false, failed = false, badSignature = false, badDownload = false
    }

    /// One device's check-in, and if offered, verify, download in two ranges, install or fail, report.
    func cycle(_ device: SimDevice, client: JSONClient, trusted: [String: String], expectedSHA: String) async throws -> Outcome {
        var outcome = Outcome()
        let answer = try await client.object("POST", "/api/v1/devices/check-in", token: device.token, json: ["version": device.version])
        guard answer["action"] as? String == "update", let offerObject = answer["offer"], let rolloutId = answer["rolloutId"] as? String else { return outcome }
        outcome.offered = true
        let offer = try JSONDecoder().decode(SignedOffer.self, from: JSONSerialization.data(withJSONObject: offerObject))
        guard ManifestSigner.verify(offer, trusting: trusted) else {
            outcome.badSignature = true
            return outcome
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(offer.manifest.utf8)) as! [String: Any]
        let url = manifest["url"] as! String, size = manifest["size"] as! Int, version = manifest["version"] as! String
        _ = try await client.object("POST", "/api/v1/devices/reports", token: device.token,
                                    json: ["rolloutId": rolloutId, "version": version, "state": "downloading"])
        // The connection "breaks" half way; the download resumes from where it stopped.
        let half = size / 2
        let first = try await client.send("GET", url, token: device.token, headers: ["Range": "bytes=0-\(half - 1)"])
        let rest = try await client.send("GET", url, token: device.token, headers: ["Range": "bytes=\(half)-"])
        let digest = Secrets.hex(SHA256.hash(data: first.body + rest.body))
        guard first.status == 206, rest.status == 206, digest == manifest["sha256"] as? String, digest == expectedSHA else {
            outcome.badDownload = true
            return outcome
        }
        let fails = Double.random(in: 0..<1) < options.failureRate
        _ = try await client.object("POST", "/api/v1/devices/reports", token: device.token, json: [
            "rolloutId": rolloutId, "version": fails ? device.version : version, "state": fails ? "failed" : "installed", "code": fails ? "SIM-BOOTLOOP" : "OK",
        ])
        if fails { outcome.failed = true } else { outcome.installed = true }
        return outcome
    }

    /// Runs `body` for every item with at most `concurrency` at once, in order of the items.
    func inParallel<T: Sendable, R: Sendable>(_ items: [T], _ body: @escaping @Sendable (T) async throws -> R,
                                               progress: @escaping @Sendable (Int) -> Void) async throws -> [R] {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results = [R?](repeating: nil, count: items.count)
            var next = 0, done = 0
            let step = max(1, items.count / 10)
            while next < min(options.concurrency, items.count) {
                let index = next, item = items[index]
                group.addTask { (index, try await body(item)) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                done += 1
                if done % step == 0 || done == items.count { progress(done) }
                if next < items.count {
                    let index = next, item = items[index]
                    group.addTask { (index, try await body(item)) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}

/// The fleet's adoption round by round: devices on the new build, failures, and the stage, as SVG.
enum FleetChart {
    static func svg(_ result: FleetSimulator.Result, devices: Int) -> String {
        let width = 640.0, height = 280.0, left = 50.0, top = 30.0, plotWidth = 540.0, plotHeight = 200.0
        let step = plotWidth / Double(max(1, result.rounds.count))
        var installed = 0, failed = 0
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif">
            <text x="\(left)" y="18" font-size="13">Rollout \(result.rolloutId): \(devices) devices, ended \(result.finalState)</text>
            <line x1="\(left)" y1="\(top + plotHeight)" x2="\(left + plotWidth)" y2="\(top + plotHeight)" stroke="#999"/>
            """
        for (index, round) in result.rounds.enumerated() {
            installed += round.installed
            failed += round.failed
            let x = left + Double(index) * step
            let stageHeight = plotHeight * Double(round.percent) / 100
            let installedHeight = plotHeight * Double(installed) / Double(max(1, devices))
            let failedHeight = plotHeight * Double(failed) / Double(max(1, devices))
            svg += "<rect x=\"\(x + step * 0.1)\" y=\"\(top + plotHeight - stageHeight)\" width=\"\(step * 0.8)\" height=\"\(stageHeight)\" fill=\"#eef\"/>"
            svg += "<rect x=\"\(x + step * 0.25)\" y=\"\(top + plotHeight - installedHeight)\" width=\"\(step * 0.25)\" height=\"\(installedHeight)\" fill=\"#4a4\"/>"
            svg += "<rect x=\"\(x + step * 0.5)\" y=\"\(top + plotHeight - failedHeight)\" width=\"\(step * 0.25)\" height=\"\(failedHeight)\" fill=\"#c33\"/>"
            svg += "<text x=\"\(x + step / 2)\" y=\"\(top + plotHeight + 16)\" font-size=\"11\" text-anchor=\"middle\">round \(round.round) · \(round.percent)% · \(round.state)</text>"
        }
        svg += "<text x=\"\(left)\" y=\"\(height - 8)\" font-size=\"11\">blue: stage · green: devices on the new build · red: failed installs (cumulative, share of the fleet)</text>"
        return svg + "</svg>"
    }
}
