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

    /// What a fleet test starts from: a model, its builds (the first is what devices run), a
    /// rollout of the last at 100%, and devices registered on the first.
    struct Fleet {
        let staff, rolloutId: String
        let builds, tokens: [String]
    }

    func fleet(_ client: any TestClientProtocol, model id: String, images: [(version: String, bytes: [UInt8])], serials: [String],
               minReports: Int, threshold: Int) async throws -> Fleet {
        let staff = try await logIn(client, "staff@millet.test", "millet-staff")
        let factoryKey = try await client.execute(uri: "/api/v1/staff/device-models", method: .post, headers: bearer(staff),
                                                  body: json(["id": id, "name": "Eco \(id)", "kind": "phone", "productLine": "eco-chain"])) {
            try decode($0)["factoryKey"] as! String
        }
        let model = DeviceModel(id: id, name: "Eco \(id)", kind: .phone, productLine: "eco-chain", factoryKey: factoryKey, createdAt: Date())
        var builds: [String] = []
        for image in images {
            builds.append(try await client.execute(
                uri: "/api/v1/staff/firmware-builds?model=\(id)&version=\(image.version)", method: .post,
                headers: bearer(staff, [.contentType: "application/octet-stream"]), body: ByteBuffer(bytes: image.bytes)
            ) { try decode($0)["id"] as! String })
        }
        let rolloutId = try await client.execute(uri: "/api/v1/staff/rollouts", method: .post, headers: bearer(staff), body: json([
            "buildId": builds.last!, "channel": "stable", "stages": [100], "minReports": minReports, "failureThresholdBasisPoints": threshold,
        ])) { try decode($0)["id"] as! String }
        var tokens: [String] = []
        for serial in serials {
            tokens.append(try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                "serial": serial, "model": id, "secret": model.factorySecret(serial: serial), "market": "IN", "channel": "stable",
                "version": images[0].version,
            ])) { try decode($0)["token"] as! String })
        }
        return Fleet(staff: staff, rolloutId: rolloutId, builds: builds, tokens: tokens)
    }

    /// A SWUpdate image says its version and hardware to staff, and agents fetch it as `.swu`.
    @Test func aSWUpdateImageShowsWhatItSaysAndIsOfferedAsSWU() async throws {
        try await withApp { client, _ in
            let description = Array(#"{"software":{"version":"3.1.0","hardware-compatibility":["1.0"],"files":[]}}"#.utf8)
            let image = CPIOArchive.newc([("sw-description", description), ("payload.txt", Array("lamp firmware".utf8))])
            let fleet = try await self.fleet(client, model: "bulb-1", images: [("3.0.0", Array("factory".utf8)), ("3.1.0", image)],
                                             serials: ["BULB-1"], minReports: 10, threshold: 5000)
            let builds = try await client.execute(uri: "/api/v1/staff/firmware-builds?model=bulb-1", method: .get, headers: bearer(fleet.staff)) {
                try decode($0)["items"] as! [[String: Any]]
            }
            let images = Dictionary(uniqueKeysWithValues: builds.map { ($0["version"] as! String, $0["image"] as? [String: Any]) })
            #expect(images["3.1.0"]??["format"] as? String == "swupdate" && images["3.1.0"]??["version"] as? String == "3.1.0")
            #expect(images["3.1.0"]??["hardwareCompatibility"] as? [String] == ["1.0"] && images["3.0.0"]??["format"] as? String == "raw")
            let deployment = try await client.execute(uri: "/DEFAULT/controller/v1/BULB-1", method: .get, headers: target(fleet.tokens[0])) {
                try #require(((try decode($0)["_links"] as? [String: Any])?["deploymentBase"] as? [String: Any])?["href"] as? String)
            }
            try await client.execute(uri: path(deployment), method: .get, headers: target(fleet.tokens[0])) { response in
                let chunk = ((try decode(response)["deployment"] as? [String: Any])?["chunks"] as? [[String: Any]])?.first
                #expect((chunk?["artifacts"] as? [[String: Any]])?.first?["filename"] as? String == "bulb-1-3.1.0.swu")
            }
        }
    }

    /// A RAUC bundle says its version and compatible string from its manifest, wherever in the
    /// SquashFS image it is: compressed in a fragment (a verity bundle as `rauc bundle` makes it by
    /// default) or stored whole in a block of its own; agents fetch it as `.raucb`.
    @Test func aRAUCBundleShowsItsManifestAndIsOfferedAsRAUCB() async throws {
        func fixture(_ name: String) throws -> [UInt8] {
            let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "raucb"))
            return Array(try Data(contentsOf: url))
        }
        let images = [("2.0.0", Array("factory".utf8)), ("2.1.1", try fixture("eco-lamp-2.1.1-uncompressed")), ("2.2.0", try fixture("eco-lamp-2.2.0-verity"))]
        try await withApp { client, _ in
            let fleet = try await self.fleet(client, model: "eco-lamp", images: images, serials: ["ECO-LAMP-1"], minReports: 10, threshold: 5000)
            let builds = try await client.execute(uri: "/api/v1/staff/firmware-builds?model=eco-lamp", method: .get, headers: bearer(fleet.staff)) {
                try decode($0)["items"] as! [[String: Any]]
            }
            let said = Dictionary(uniqueKeysWithValues: builds.map { ($0["version"] as! String, $0["image"] as? [String: Any]) })
            for version in ["2.1.1", "2.2.0"] {
                #expect(said[version]??["format"] as? String == "rauc" && said[version]??["version"] as? String == version)
                #expect(said[version]??["hardwareCompatibility"] as? [String] == ["eco-lamp-2"])
            }
            let deployment = try await client.execute(uri: "/DEFAULT/controller/v1/ECO-LAMP-1", method: .get, headers: target(fleet.tokens[0])) {
                try #require(((try decode($0)["_links"] as? [String: Any])?["deploymentBase"] as? [String: Any])?["href"] as? String)
            }
            try await client.execute(uri: path(deployment), method: .get, headers: target(fleet.tokens[0])) { response in
                let chunk = ((try decode(response)["deployment"] as? [String: Any])?["chunks"] as? [[String: Any]])?.first
                #expect((chunk?["artifacts"] as? [[String: Any]])?.first?["filename"] as? String == "eco-lamp-2.2.0.raucb")
            }
            // The console's rollout page says what the image is, and warns when it names another version than the build.
            func page() async throws -> String {
                try await client.execute(uri: "/staff/rollouts/\(fleet.rolloutId)", method: .get, headers: pageHeaders(session: fleet.staff)) {
                    String(buffer: $0.body)
                }
            }
            let shown = try await page()
            #expect(shown.contains(#"<span id="image-format">RAUC bundle</span>"#) && shown.contains(#"<span id="image-version">2.2.0</span>"#))
            #expect(shown.contains("for eco-lamp-2") && !shown.contains("image-mismatch"))
            let mislabelled = try await client.execute(
                uri: "/api/v1/staff/firmware-builds?model=eco-lamp&version=2.3.0", method: .post,
                headers: bearer(fleet.staff, [.contentType: "application/octet-stream"]), body: ByteBuffer(bytes: images[2].1)
            ) { try decode($0)["id"] as! String }
            try await client.execute(uri: "/api/v1/staff/rollouts/\(fleet.rolloutId)/commands", method: .post, headers: bearer(fleet.staff),
                                     body: json(["command": "halt", "reason": "wrong build"])) { #expect($0.status == .ok) }
            let second = try await client.execute(uri: "/api/v1/staff/rollouts", method: .post, headers: bearer(fleet.staff), body: json([
                "buildId": mislabelled, "channel": "stable", "stages": [100],
            ])) { try decode($0)["id"] as! String }
            try await client.execute(uri: "/staff/rollouts/\(second)", method: .get, headers: pageHeaders(session: fleet.staff)) {
                #expect(String(buffer: $0.body).contains(#"id="image-mismatch""#))
            }
        }
    }

    /// Staff halt a rollout while devices are installing: they still see their action and a
    /// confirmation counts. A rollback is an action of its own, with its own number, so the late
    /// confirmation of the halted build is never taken for the rollback's; devices still
    /// installing the build rolled back from are asked to cancel, and an agent that stops is
    /// counted as never started, while one that refuses goes on and is rolled back after.
    @Test func anOpenActionOutlivesAHaltAndARollbackCancelsTheInstallsUnderWay() async throws {
        try await withApp { client, _ in
            let fleet = try await self.fleet(client, model: "lamp-1", images: [("2.0.0", Array("image 2.0.0".utf8)), ("2.1.0", Array("image 2.1.0".utf8))],
                                        serials: ["LAMP-1", "LAMP-2", "LAMP-3", "LAMP-4"], minReports: 10, threshold: 5000)
            let (staff, builds, rolloutId, tokens) = (fleet.staff, fleet.builds, fleet.rolloutId, fleet.tokens)
            func poll(_ device: Int) async throws -> (sleep: String, action: String?, cancel: String?) {
                try await client.execute(uri: "/DEFAULT/controller/v1/LAMP-\(device + 1)", method: .get, headers: target(tokens[device])) { response in
                    let body = try decode(response), links = body["_links"] as? [String: Any]
                    let sleep = ((body["config"] as? [String: Any])?["polling"] as? [String: Any])?["sleep"] as? String ?? ""
                    func number(_ link: String) -> String? {
                        ((links?[link] as? [String: Any])?["href"] as? String).flatMap { URLComponents(string: $0)?.path.split(separator: "/").last.map(String.init) }
                    }
                    return (sleep, number("deploymentBase"), number("cancelAction"))
                }
            }
            func feedback(_ device: Int, _ action: String, _ execution: String, _ finished: String, on resource: String = "deploymentBase") async throws
                -> HTTPResponse.Status
            {
                try await client.execute(
                    uri: "/DEFAULT/controller/v1/LAMP-\(device + 1)/\(resource)/\(action)/feedback", method: .post, headers: target(tokens[device]),
                    body: json(["status": ["execution": execution, "result": ["finished": finished]]])
                ) { $0.status }
            }
            func figures() async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)", method: .get, headers: bearer(staff)) { try decode($0) }
            }
            func command(_ body: [String: Any]) async throws {
                try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)/commands", method: .post, headers: bearer(staff), body: json(body)) {
                    #expect($0.status == .ok)
                }
            }
            // Until the agent says what it is, the poll asks; staff then read it.
            func configLink() async throws -> String? {
                try await client.execute(uri: "/DEFAULT/controller/v1/LAMP-1", method: .get, headers: target(tokens[0])) { response in
                    ((try decode(response)["_links"] as? [String: Any])?["configData"] as? [String: Any])?["href"] as? String
                }
            }
            let config = try #require(try await configLink())
            #expect(config == "https://shop.test/DEFAULT/controller/v1/LAMP-1/configData")
            func configure(_ body: [String: Any]) async throws -> HTTPResponse.Status {
                try await client.execute(uri: path(config), method: .put, headers: target(tokens[0]), body: json(body)) { $0.status }
            }
            func attributes() async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/staff/ddi/devices/lamp-1/attributes", method: .get, headers: bearer(staff)) { try decode($0) }
            }
            #expect(try await attributes()["reported"] as? Bool == false)
            #expect(try await configure(["data": ["hwRevision": "2", "mac": "00:11:22:33:44:55"]]) == .ok)
            #expect(try await configure(["mode": "merge", "data": ["hwRevision": "3"]]) == .ok)
            #expect(try await configure(["mode": "remove", "data": ["mac": ""]]) == .ok)
            #expect(try await configure(["mode": "sideways", "data": [:]]) == .unprocessableContent)
            #expect(try await configure(["data": ["bad": "line\u{0}break"]]) == .unprocessableContent)
            #expect(try await configure(["data": ["n": 1]]) == .unprocessableContent)
            let said = try await attributes()
            #expect(said["reported"] as? Bool == true && said["attributes"] as? [String: String] == ["hwRevision": "3"])
            #expect(try await configLink() == nil)
            // A new action asks the agent back soon; once it is under way, at the usual interval.
            let waiting = try await poll(0)
            let upgrade = try #require(waiting.action)
            #expect(waiting.sleep == "00:00:10")
            for device in [0, 1, 3] { #expect(try await feedback(device, upgrade, "proceeding", "none") == .ok) }
            let started = try await poll(0)
            #expect(started.action == upgrade && started.sleep != "00:00:10")
            // Halted: the devices that started still see their action, and one confirms it; the other is offered nothing.
            try await command(["command": "halt", "reason": "reports from the field"])
            for device in [0, 1] { #expect(try await poll(device).action == upgrade) }
            #expect(try await poll(2).action == nil)
            #expect(try await feedback(0, upgrade, "closed", "success") == .ok)
            #expect(try await poll(0).action == nil)
            // Rolled back: the device on 2.1.0 gets the rollback under another number, for 2.0.0;
            // the two still installing 2.1.0 keep their action until staff ask them to cancel it.
            try await command(["command": "rollback", "buildId": builds[0]])
            let keeps = try await poll(1)
            #expect(keeps.action == upgrade && keeps.cancel == nil)
            let asked = try await client.execute(uri: "/api/v1/staff/ddi/rollouts/\(rolloutId)/cancellations", method: .post, headers: bearer(staff)) {
                try decode($0)["asked"] as? Int
            }
            #expect(asked == 2)
            for device in [1, 3] {
                let asked = try await poll(device)
                #expect(asked.cancel == upgrade && asked.action == nil && asked.sleep == "00:00:10")
            }
            try await client.execute(uri: "/DEFAULT/controller/v1/LAMP-2/cancelAction/\(upgrade)", method: .get, headers: target(tokens[1])) { response in
                let body = try decode(response)
                #expect(body["id"] as? String == upgrade && (body["cancelAction"] as? [String: Any])?["stopId"] as? String == upgrade)
            }
            try await client.execute(uri: "/DEFAULT/controller/v1/LAMP-1/cancelAction/\(upgrade)", method: .get, headers: target(tokens[0])) {
                #expect($0.status == .notFound)
            }
            #expect(try await feedback(0, upgrade, "closed", "success", on: "cancelAction") == .conflict)
            #expect(try await figures()["downloading"] as? Int == 2)
            // One agent stops: counted as never started, offered nothing; saying it again changes nothing.
            #expect(try await feedback(1, upgrade, "proceeding", "none", on: "cancelAction") == .ok)
            #expect(try await poll(1).cancel == upgrade)
            #expect(try await feedback(1, upgrade, "closed", "success", on: "cancelAction") == .ok)
            let stopped = try await poll(1)
            #expect(stopped.action == nil && stopped.cancel == nil)
            #expect(try await feedback(1, upgrade, "closed", "success", on: "cancelAction") == .ok)
            #expect(try await figures()["downloading"] as? Int == 1)
            // A late step on the cancelled action does not start it again.
            #expect(try await feedback(1, upgrade, "proceeding", "none") == .ok)
            #expect(try await figures()["downloading"] as? Int == 1)
            #expect(try await poll(1).action == nil)
            // The other refuses: its action is open again, and once it confirms 2.1.0 it is rolled back too.
            #expect(try await feedback(3, upgrade, "rejected", "none", on: "cancelAction") == .ok)
            let refused = try await poll(3)
            #expect(refused.action == upgrade && refused.cancel == nil)
            #expect(try await feedback(3, upgrade, "closed", "success") == .ok)
            #expect(try await poll(3).action == DDIAction.number(rolloutId: rolloutId, buildId: builds[0]).description)
            let rollback = try #require(try await poll(0).action)
            #expect(rollback != upgrade && Int64(rollback) == DDIAction.number(rolloutId: rolloutId, buildId: builds[0]))
            try await client.execute(uri: "/DEFAULT/controller/v1/LAMP-1/deploymentBase/\(rollback)", method: .get, headers: target(tokens[0])) { response in
                let chunk = ((try decode(response)["deployment"] as? [String: Any])?["chunks"] as? [[String: Any]])?.first
                #expect(chunk?["version"] as? String == "2.0.0")
            }
            // A late step reported on the closed upgrade changes nothing; the rollback, under way, stays
            // the device's action (not a cancellation), then installs.
            #expect(try await feedback(0, upgrade, "proceeding", "none") == .ok)
            #expect(try await feedback(0, rollback, "proceeding", "none") == .ok)
            let rollingBack = try await poll(0)
            #expect(rollingBack.action == rollback && rollingBack.cancel == nil)
            #expect(try await feedback(0, rollback, "closed", "success") == .ok)
            #expect(try await poll(0).action == nil)
            let end = try await figures()
            #expect(end["installed"] as? Int == 2 && end["downloading"] as? Int == 0 && end["state"] as? String == "rolled_back")
        }
    }

    /// The tenant's gateway token admits any of its agents: a known device under its own
    /// serial, a new serial registered under the gateway's model (and offered the rollout's
    /// build), never a device of another model; setting the gateway again ends the old token.
    @Test func aGatewayTokenAdmitsTheTenantsAgentsAndRegistersNewOnes() async throws {
        try await withApp { client, _ in
            let fleet = try await self.fleet(client, model: "router-1", images: [("1.0.0", Array("image 1.0.0".utf8)), ("1.2.0", Array("image 1.2.0".utf8))],
                                        serials: ["RT-KNOWN"], minReports: 10, threshold: 5000)
            func setGateway(_ body: [String: Any]) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/staff/ddi/gateway", method: .put, headers: bearer(fleet.staff), body: json(body)) {
                    ($0.status, try decode($0))
                }
            }
            #expect(try await setGateway(["model": "nope", "market": "IN", "channel": "stable", "serialPrefix": "RT-"]).0 == .unprocessableContent)
            #expect(try await setGateway(["model": "router-1", "market": "IN", "channel": "sideways", "serialPrefix": "RT-"]).0 == .unprocessableContent)
            try await client.execute(uri: "/api/v1/staff/ddi/gateway", method: .get, headers: bearer(fleet.staff)) { #expect($0.status == .notFound) }
            #expect(try await setGateway(["model": "router-1", "market": "IN", "channel": "stable", "serialPrefix": "RT_"]).0 == .unprocessableContent)
            let (status, set) = try await setGateway(["model": "router-1", "market": "in", "channel": "stable", "serialPrefix": "rt-"])
            let token = try #require(set["gatewayToken"] as? String)
            #expect(status == .ok && token.hasPrefix("gw_") && set["market"] as? String == "IN")
            try await client.execute(uri: "/api/v1/staff/ddi/gateway", method: .get, headers: bearer(fleet.staff)) { response in
                let shown = try decode(response)
                #expect(shown["model"] as? String == "router-1" && shown["serialPrefix"] as? String == "RT-" && shown["gatewayToken"] as? String == nil)
            }
            let gateway: HTTPFields = [.authorization: "GatewayToken \(token)"]
            func action(_ serial: String, _ headers: HTTPFields) async throws -> (HTTPResponse.Status, String?) {
                try await client.execute(uri: "/DEFAULT/controller/v1/\(serial)", method: .get, headers: headers) { response in
                    let links = response.status == .ok ? try decode(response)["_links"] as? [String: Any] : nil
                    return (response.status, (links?["deploymentBase"] as? [String: Any])?["href"] as? String)
                }
            }
            // A known device, and a serial never seen: registered under the gateway's model and offered the build.
            #expect(try await action("RT-KNOWN", gateway).1 != nil)
            let (seen, offered) = try await action("rt-new-1", gateway)
            #expect(seen == .ok && offered?.contains("/controller/v1/rt-new-1/deploymentBase/") == true)
            #expect(try await action("RT-NEW-1", gateway).1 == offered?.replacingOccurrences(of: "rt-new-1", with: "RT-NEW-1"))
            // Its feedback counts like any device's.
            let number = try #require(offered.flatMap { URLComponents(string: $0)?.path.split(separator: "/").last.map(String.init) })
            try await client.execute(uri: "/DEFAULT/controller/v1/RT-NEW-1/deploymentBase/\(number)/feedback", method: .post, headers: gateway,
                                     body: json(["status": ["execution": "closed", "result": ["finished": "success"]]])) { #expect($0.status == .ok) }
            let figures = try await client.execute(uri: "/api/v1/staff/rollouts/\(fleet.rolloutId)", method: .get, headers: bearer(fleet.staff)) { try decode($0) }
            #expect(figures["installed"] as? Int == 1)
            // Only serials of the gateway's series are registered, and only valid ones.
            #expect(try await action("XX-0001", gateway).0 == .forbidden)
            #expect(try await action("RT-A_B", gateway).0 == .unprocessableContent)
            // A device of another model is not the gateway's; a wrong token admits nothing.
            _ = try await self.fleet(client, model: "scale-1", images: [("1.0.0", [1])], serials: ["SC-0001"], minReports: 1, threshold: 100)
            #expect(try await action("SC-0001", gateway).0 == .forbidden)
            #expect(try await action("RT-KNOWN", [.authorization: "GatewayToken gw_wrong"]).0 == .unauthorized)
            // Set again: the old token stops working.
            _ = try await setGateway(["model": "router-1", "market": "IN", "channel": "stable", "serialPrefix": "RT-"])
            #expect(try await action("RT-KNOWN", gateway).0 == .unauthorized)
        }
    }

    @Test func anAgentPollsDownloadsAndReportsAndTheRolloutCountsAndHalts() async throws {
        try await withApp { client, _ in
            var generator = SystemRandomNumberGenerator()
            let image = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let fleet = try await self.fleet(client, model: "cam-1", images: [("1.0.0", [UInt8](repeating: 7, count: 10)), ("1.1.0", image)],
                                        serials: ["CAM-0001", "CAM-0002", "CAM-0003"], minReports: 3, threshold: 3000)
            let (staff, builds, rolloutId, tokens) = (fleet.staff, fleet.builds, fleet.rolloutId, fleet.tokens)
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
            #expect(artifact["filename"] as? String == "cam-1-1.1.0.bin" && artifact["size"] as? Int == image.count)
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
                #expect(String(buffer: response.body) == "\(hashes["md5"]!)  cam-1-1.1.0.bin\n")
            }
            try await client.execute(uri: path(download).replacingOccurrences(of: "1.1.0.bin", with: "1.1.0.swu"), method: .get, headers: target(tokens[0])) {
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
