import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// hawkBit's device API over HTTP, as a standard agent uses it: a device polls with its target
/// token, reads its action's deployment, downloads the image (resuming with `Range`) and sends
/// feedback, which the rollout counts like any install report, halting it at its threshold.
struct DDIHTTPTests: HTTPHarness {
    func target(_ token: String) -> HTTPFields { [.authorization: "TargetToken \(token)"] }

    /// The path of an absolute link on the harness's public URL.
    func path(_ href: String) -> String { String(href.dropFirst("https://shop.test".count)) }

    /// Staff halt a rollout while a device is installing: the device still sees its action and
    /// its confirmation counts. A rollback is an action of its own, with its own number, so the
    /// late confirmation of the halted build is never taken for the rollback's.
    @Test func anOpenActionOutlivesAHaltAndARollbackIsAnActionOfItsOwn() async throws {
        try await withApp { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let factoryKey = try await client.execute(uri: "/api/v1/staff/device-models", method: .post, headers: bearer(staff),
                                                      body: json(["id": "lamp-1", "name": "Eco lamp", "kind": "phone", "productLine": "lamps"])) {
                try decode($0)["factoryKey"] as! String
            }
            let model = DeviceModel(id: "lamp-1", name: "Eco lamp", kind: .phone, productLine: "lamps", factoryKey: factoryKey, createdAt: Date())
            var builds: [String] = []
            for version in ["2.0.0", "2.1.0"] {
                builds.append(try await client.execute(
                    uri: "/api/v1/staff/firmware-builds?model=lamp-1&version=\(version)", method: .post,
                    headers: bearer(staff, [.contentType: "application/octet-stream"]), body: ByteBuffer(string: "image \(version)")
                ) { try decode($0)["id"] as! String })
            }
            let rolloutId = try await client.execute(uri: "/api/v1/staff/rollouts", method: .post, headers: bearer(staff), body: json([
                "buildId": builds[1], "channel": "stable", "stages": [100], "minReports": 10, "failureThresholdBasisPoints": 5000,
            ])) { try decode($0)["id"] as! String }
            var tokens: [String] = []
            for serial in ["LAMP-1", "LAMP-2"] {
                tokens.append(try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                    "serial": serial, "model": "lamp-1", "secret": model.factorySecret(serial: serial), "market": "IN", "channel": "stable", "version": "2.0.0",
                ])) { try decode($0)["token"] as! String })
            }
            func poll(_ device: Int) async throws -> (sleep: String, action: String?) {
                try await client.execute(uri: "/DEFAULT/controller/v1/LAMP-\(device + 1)", method: .get, headers: target(tokens[device])) { response in
                    let body = try decode(response)
                    let sleep = ((body["config"] as? [String: Any])?["polling"] as? [String: Any])?["sleep"] as? String ?? ""
                    let href = ((body["_links"] as? [String: Any])?["deploymentBase"] as? [String: Any])?["href"] as? String
                    return (sleep, href.flatMap { URLComponents(string: $0)?.path.split(separator: "/").last.map(String.init) })
                }
            }
            func feedback(_ device: Int, _ action: String, _ execution: String, _ finished: String) async throws -> HTTPResponse.Status {
                try await client.execute(
                    uri: "/DEFAULT/controller/v1/LAMP-\(device + 1)/deploymentBase/\(action)/feedback", method: .post, headers: target(tokens[device]),
                    body: json(["status": ["execution": execution, "result": ["finished": finished]]])
                ) { $0.status }
            }
            func command(_ body: [String: Any]) async throws {
                try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)/commands", method: .post, headers: bearer(staff), body: json(body)) {
                    #expect($0.status == .ok)
                }
            }
            // A new action asks the agent back soon; once it is under way, at the usual interval.
            let waiting = try await poll(0)
            let upgrade = try #require(waiting.action)
            #expect(waiting.sleep == "00:00:10")
            #expect(try await feedback(0, upgrade, "proceeding", "none") == .ok)
            let started = try await poll(0)
            #expect(started.action == upgrade && started.sleep != "00:00:10")
            // Halted: the device that started still sees its action and confirms it; the other is offered nothing.
            try await command(["command": "halt", "reason": "reports from the field"])
            #expect(try await poll(0).action == upgrade)
            #expect(try await poll(1).action == nil)
            #expect(try await feedback(0, upgrade, "closed", "success") == .ok)
            #expect(try await poll(0).action == nil)
            // Rolled back: the device on 2.1.0 gets the rollback under another number, for 2.0.0.
            try await command(["command": "rollback", "buildId": builds[0]])
            let rollback = try #require(try await poll(0).action)
            #expect(rollback != upgrade && Int64(rollback) == DDIAction.number(rolloutId: rolloutId, buildId: builds[0]))
            try await client.execute(uri: "/DEFAULT/controller/v1/LAMP-1/deploymentBase/\(rollback)", method: .get, headers: target(tokens[0])) { response in
                let chunk = ((try decode(response)["deployment"] as? [String: Any])?["chunks"] as? [[String: Any]])?.first
                #expect(chunk?["version"] as? String == "2.0.0")
            }
            // A late step reported on the closed upgrade changes nothing; the rollback installs.
            #expect(try await feedback(0, upgrade, "proceeding", "none") == .ok)
            #expect(try await feedback(0, rollback, "closed", "success") == .ok)
            #expect(try await poll(0).action == nil)
            let figures = try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)", method: .get, headers: bearer(staff)) { try decode($0) }
            #expect(figures["installed"] as? Int == 1 && figures["downloading"] as? Int == 0 && figures["state"] as? String == "rolled_back")
        }
    }

    @Test func anAgentPollsDownloadsAndReportsAndTheRolloutCountsAndHalts() async throws {
        try await withApp { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let factoryKey = try await client.execute(uri: "/api/v1/staff/device-models", method: .post, headers: bearer(staff),
                                                      body: json(["id": "cam-1", "name": "Eco camera", "kind": "phone", "productLine": "cameras"])) {
                try decode($0)["factoryKey"] as! String
            }
            let model = DeviceModel(id: "cam-1", name: "Eco camera", kind: .phone, productLine: "cameras", factoryKey: factoryKey, createdAt: Date())
            var generator = SystemRandomNumberGenerator()
            let image = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var builds: [String] = []
            for (version, bytes) in [("1.0.0", [UInt8](repeating: 7, count: 10)), ("1.1.0", image)] {
                builds.append(try await client.execute(
                    uri: "/api/v1/staff/firmware-builds?model=cam-1&version=\(version)", method: .post,
                    headers: bearer(staff, [.contentType: "application/octet-stream"]), body: ByteBuffer(bytes: bytes)
                ) { try decode($0)["id"] as! String })
            }
            let rolloutId = try await client.execute(uri: "/api/v1/staff/rollouts", method: .post, headers: bearer(staff), body: json([
                "buildId": builds[1], "channel": "stable", "stages": [100], "minReports": 3, "failureThresholdBasisPoints": 3000,
            ])) { try decode($0)["id"] as! String }
            var tokens: [String] = []
            for serial in ["CAM-0001", "CAM-0002", "CAM-0003"] {
                tokens.append(try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                    "serial": serial, "model": "cam-1", "secret": model.factorySecret(serial: serial), "market": "IN", "channel": "stable", "version": "1.0.0",
                ])) { try decode($0)["token"] as! String })
            }
            let root = "/DEFAULT/controller/v1/CAM-0001"

            // Who may poll: the device's own token, under its serial, in the store's tenant.
            try await client.execute(uri: root, method: .get) { response in
                let code = try errorCode(response)
                #expect(response.status == .unauthorized && code == "unauthenticated" && response.headers[.wwwAuthenticate]?.hasPrefix("TargetToken") == true)
            }
            try await client.execute(uri: root, method: .get, headers: bearer(tokens[0])) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/DEFAULT/controller/v1/CAM-0002", method: .get, headers: target(tokens[0])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/other/controller/v1/CAM-0001", method: .get, headers: target(tokens[0])) { #expect($0.status == .notFound) }

            // The poll: when to come back, and the action waiting.
            let deployment = try await client.execute(uri: "/default/controller/v1/CAM-0001", method: .get, headers: target(tokens[0])) { response in
                #expect(response.status == .ok)
                let body = try decode(response)
                let sleep = try #require((body["config"] as? [String: Any])?["polling"] as? [String: Any])["sleep"] as? String
                #expect(sleep?.range(of: #"^\d\d:\d\d:\d\d$"#, options: .regularExpression) != nil)
                return try #require(((body["_links"] as? [String: Any])?["deploymentBase"] as? [String: Any])?["href"] as? String)
            }
            #expect(deployment.hasPrefix("https://shop.test/default/controller/v1/CAM-0001/deploymentBase/"))
            let action = try #require(URLComponents(string: deployment)?.path.split(separator: "/").last.map(String.init))
            #expect(Int64(action) == DDIAction.number(rolloutId: rolloutId, buildId: builds[1]))

            // The deployment: the build, its size and digests, and where to fetch it.
            let artifact = try await client.execute(uri: path(deployment), method: .get, headers: target(tokens[0])) { response in
                #expect(response.status == .ok)
                let body = try decode(response)
                #expect(body["id"] as? String == action)
                let deployment = try #require(body["deployment"] as? [String: Any])
                #expect(deployment["update"] as? String == "forced" && deployment["download"] as? String == "forced")
                let chunk = try #require((deployment["chunks"] as? [[String: Any]])?.first)
                #expect(chunk["version"] as? String == "1.1.0" && chunk["part"] as? String == "os")
                return try #require((chunk["artifacts"] as? [[String: Any]])?.first)
            }
            #expect(artifact["filename"] as? String == "cam-1-1.1.0.swu" && artifact["size"] as? Int == image.count)
            let hashes = try #require(artifact["hashes"] as? [String: String])
            #expect(hashes["sha1"] == Secrets.hex(Insecure.SHA1.hash(data: image)) && hashes["md5"] == Secrets.hex(Insecure.MD5.hash(data: image))
                    && hashes["sha256"] == Secrets.hex(SHA256.hash(data: image)))
            let links = try #require(artifact["_links"] as? [String: [String: String]])
            let download = try #require(links["download-http"]?["href"])
            #expect(links["download"]?["href"] == download)
            try await client.execute(uri: path(download), method: .get, headers: target(tokens[0])) { response in
                #expect(response.status == .ok && Array(buffer: response.body) == image)
            }
            var resume = target(tokens[0])
            resume[.range] = "bytes=49000-"
            try await client.execute(uri: path(download), method: .get, headers: resume) { response in
                #expect(response.status == .partialContent && Array(buffer: response.body) == Array(image[49_000...]))
            }
            try await client.execute(uri: path(try #require(links["md5sum-http"]?["href"])), method: .get, headers: target(tokens[0])) { response in
                #expect(String(buffer: response.body) == "\(hashes["md5"]!)  cam-1-1.1.0.swu\n")
            }
            try await client.execute(uri: path(download).replacingOccurrences(of: "1.1.0.swu", with: "1.0.9.swu"), method: .get, headers: target(tokens[0])) {
                #expect($0.status == .notFound)
            }

            // Feedback as SWUpdate sends it; what it cannot read is refused and counts nothing.
            func feedback(_ device: Int, _ execution: String, _ finished: String, details: [String] = []) async throws -> HTTPResponse.Status {
                let serial = String(format: "CAM-%04d", device + 1)
                return try await client.execute(
                    uri: "/DEFAULT/controller/v1/\(serial)/deploymentBase/\(action)/feedback", method: .post, headers: target(tokens[device]),
                    body: json(["id": Int(action)!, "time": "20261204T120000", "status": [
                        "execution": execution, "result": ["finished": finished, "progress": ["cnt": 1, "of": 1]], "details": details,
                    ]])
                ) { $0.status }
            }
            #expect(try await feedback(0, "proceeding", "none", details: ["Installing Update Chunk Artifacts."]) == .ok)
            #expect(try await feedback(0, "sideways", "none") == .unprocessableContent)
            try await client.execute(uri: "\(root)/deploymentBase/\(action)/feedback", method: .post, headers: target(tokens[0]),
                                     body: ByteBuffer(string: "{\"status\":")) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "\(root)/deploymentBase/12345/feedback", method: .post, headers: target(tokens[0]),
                                     body: json(["status": ["execution": "closed", "result": ["finished": "success"]]])) { #expect($0.status == .notFound) }
            func rollout() async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)", method: .get, headers: bearer(staff)) { try decode($0) }
            }
            #expect(try await rollout()["downloading"] as? Int == 1)
            #expect(try await feedback(0, "closed", "success", details: ["Update Installed."]) == .ok)
            let installed = try await rollout()
            #expect(installed["installed"] as? Int == 1 && installed["state"] as? String == "active")
            // Installed: the device runs the build now, and nothing waits for it.
            try await client.execute(uri: root, method: .get, headers: target(tokens[0])) { response in
                let links = try decode(response)["_links"] as? [String: Any]
                #expect(links?["deploymentBase"] == nil)
            }

            // A device on Millet's own API is offered the same rollout, and its install counts beside the agent's.
            try await client.execute(uri: "/api/v1/devices/check-in", method: .post, headers: bearer(tokens[2]), body: json(["version": "1.0.0"])) {
                let offered = try decode($0)["rolloutId"] as? String
                #expect(offered == rolloutId)
            }
            try await client.execute(uri: "/api/v1/devices/reports", method: .post, headers: bearer(tokens[2]),
                                     body: json(["rolloutId": rolloutId, "version": "1.1.0", "state": "installed"])) { #expect($0.status == .ok) }
            #expect(try await rollout()["installed"] as? Int == 2)
            // The second device fails: one of three reports at the 30% threshold halts the rollout.
            #expect(try await feedback(1, "closed", "failure", details: ["ERROR : disk full"]) == .ok)
            let halted = try await rollout()
            #expect(halted["failed"] as? Int == 1 && halted["installed"] as? Int == 2 && halted["state"] as? String == "halted")
            for device in [1, 2] {
                try await client.execute(uri: String(format: "/DEFAULT/controller/v1/CAM-%04d", device + 1), method: .get, headers: target(tokens[device])) {
                    let links = try decode($0)["_links"] as? [String: Any]
                    #expect(links?["deploymentBase"] == nil)
                }
            }
        }
    }
}
