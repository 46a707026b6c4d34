import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// Over-the-air updates through the API: staff upload and roll out, devices register, check in,
/// download in ranges and report; failures halt the rollout and a rollback brings the old build.
struct FirmwareHTTPTests: HTTPHarness {
    func device(_ token: String) -> HTTPFields { bearer(token) }

    @Test func aRolloutReachesItsStageHaltsOnFailuresAndRollsBack() async throws {
        try await withApp { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await newFan(client, "Asha")
            let modelBody = ["id": "note-3", "name": "Millet Note 3", "kind": "phone", "productLine": "phones"]
            try await client.execute(uri: "/api/v1/staff/device-models", method: .post, headers: bearer(fan), body: json(modelBody)) {
                #expect($0.status == .forbidden)
            }
            let factoryKey = try await client.execute(uri: "/api/v1/staff/device-models", method: .post, headers: bearer(staff), body: json(modelBody)) { response in
                #expect(response.status == .created)
                return try decode(response)["factoryKey"] as! String
            }
            let model = DeviceModel(id: "note-3", name: "Millet Note 3", kind: .phone, productLine: "phones", factoryKey: factoryKey, createdAt: Date())

            // Two builds, streamed up as raw bytes.
            var generator = SystemRandomNumberGenerator()
            let image = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let octets: HTTPFields = bearer(staff, [.contentType: "application/octet-stream"])
            func upload(_ version: String, _ bytes: [UInt8]) async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/staff/firmware-builds?model=note-3&version=\(version)", method: .post, headers: octets,
                                         body: ByteBuffer(bytes: bytes)) { response in
                    #expect(response.status == .created)
                    return try decode(response)
                }
            }
            let old = try await upload("14.0.6", Array(image.prefix(1000)))
            let new = try await upload("14.0.7", image)
            #expect(new["sha256"] as? String == Secrets.hex(SHA256.hash(data: image)) && new["size"] as? Int == image.count)
            for uri in ["?model=note-3&version=x", "?model=nope&version=1.0", "?model=note-3&version=14.0.8&minSourceVersion=zz"] {
                try await client.execute(uri: "/api/v1/staff/firmware-builds" + uri, method: .post, headers: octets, body: ByteBuffer(bytes: [1])) {
                    #expect($0.status == .unprocessableContent, "\(uri)")
                }
            }
            try await client.execute(uri: "/api/v1/staff/firmware-builds?model=note-3&version=14.0.7", method: .post, headers: octets,
                                     body: ByteBuffer(bytes: [1])) { #expect($0.status == .conflict) }
            // A version the model already has is refused before its image is stored.
            #expect(!FileManager.default.fileExists(atPath: services.firmwareFiles.path(sha256: Secrets.hex(SHA256.hash(data: [UInt8(1)])))))
            #expect(FileManager.default.fileExists(atPath: services.firmwareFiles.path(sha256: new["sha256"] as! String)))

            let rolloutId = try await client.execute(uri: "/api/v1/staff/rollouts", method: .post, headers: bearer(staff), body: json([
                "buildId": new["id"]!, "channel": "stable", "stages": [50, 100], "failureThresholdBasisPoints": 2000, "minReports": 5,
            ])) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as! String
            }

            // Devices register with their factory secrets; a wrong secret is refused.
            try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                "serial": "SN-9999", "model": "note-3", "secret": model.factorySecret(serial: "SN-0000"), "market": "IN", "channel": "stable", "version": "14.0.6",
            ])) { #expect($0.status == .unauthorized) }
            var tokens: [String: String] = [:]
            for index in 0..<40 {
                let serial = String(format: "SN-%04d", index)
                tokens[serial] = try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                    "serial": serial, "model": "note-3", "secret": model.factorySecret(serial: serial), "market": "IN", "channel": "stable", "version": "14.0.6",
                ])) { response in
                    #expect(response.status == .created)
                    return try decode(response)["token"] as! String
                }
            }
            let anyDevice = tokens["SN-0000"]!
            // A device token opens nothing else; a person's token opens no device endpoint.
            for uri in ["/api/v1/me", "/api/v1/staff/rollouts", "/api/v1/cart?market=IN"] {
                try await client.execute(uri: uri, method: .get, headers: device(anyDevice)) { #expect($0.status == .unauthorized, "\(uri)") }
            }
            try await client.execute(uri: "/api/v1/devices/check-in", method: .post, headers: bearer(fan), body: json(["version": "14.0.6"])) {
                #expect($0.status == .unauthorized)
            }
            // The plain body every device sends is read without a JSON decoder; any other body gets the
            // decoder's answers, the same as before.
            let bodies: [(String, HTTPResponse.Status)] = [
                (#"{ "version" : "14.0.6" }"#, .ok), (#"{"version":"14\u002e0.6"}"#, .ok), (#"{"version":"14.0.6","extra":1}"#, .ok),
                (#"{"version":"14.0.6"#, .badRequest), (#"{"version":1}"#, .unprocessableContent), (#"{"version":"fourteen"}"#, .unprocessableContent),
                (#"{"version":"14.0.6\"}"#, .badRequest), ("", .badRequest),
            ]
            for (body, status) in bodies {
                try await client.execute(uri: "/api/v1/devices/check-in", method: .post, headers: device(anyDevice), body: ByteBuffer(string: body)) {
                    #expect($0.status == status, "\(body)")
                }
            }
            // A check-in labelled as text is refused like any other JSON body.
            try await client.execute(
                uri: "/api/v1/devices/check-in", method: .post, headers: bearer(anyDevice, [.contentType: "text/plain"]), body: json(["version": "14.0.6"])
            ) { #expect($0.status == .unsupportedMediaType) }

            // Check-ins: the devices in the 50% stage get a signed offer for 14.0.7.
            let keys = try await client.execute(uri: "/api/v1/devices/keys", method: .get) { response in
                Dictionary(uniqueKeysWithValues: (try decode(response)["items"] as! [[String: Any]]).map { ($0["id"] as! String, $0["publicKey"] as! String) })
            }
            var offered: [String] = []
            for (serial, token) in tokens.sorted(by: { $0.key < $1.key }) {
                try await client.execute(uri: "/api/v1/devices/check-in", method: .post, headers: device(token), body: json(["version": "14.0.6"])) { response in
                    let body = try decode(response)
                    #expect((body["nextCheckInSeconds"] as? Int ?? 0) >= 60)
                    guard body["action"] as? String == "update" else { return }
                    let offer = try JSONDecoder().decode(SignedOffer.self, from: JSONSerialization.data(withJSONObject: body["offer"]!))
                    #expect(ManifestSigner.verify(offer, trusting: keys))
                    let manifest = try JSONSerialization.jsonObject(with: Data(offer.manifest.utf8)) as! [String: Any]
                    #expect(manifest["version"] as? String == "14.0.7" && manifest["model"] as? String == "note-3" && manifest["sha256"] as? String == new["sha256"] as? String)
                    offered.append(serial)
                }
            }
            let expected = tokens.keys.filter { Rollout.bucket(serial: $0, rolloutId: rolloutId) < 5_000 }.sorted()
            #expect(offered == expected && !offered.isEmpty && offered.count < 40)

            // A download broken after 100 000 bytes resumes with a range and ends with the same SHA-256.
            let url = "/api/v1/devices/firmware/\(new["sha256"] as! String)"
            let first = try await client.execute(uri: url, method: .get, headers: device(anyDevice, range: "bytes=0-99999")) { response in
                #expect(response.status == .partialContent && response.headers[.contentRange] == "bytes 0-99999/300000")
                return Array(buffer: response.body)
            }
            let rest = try await client.execute(uri: url, method: .get, headers: device(anyDevice, range: "bytes=100000-")) { response in
                #expect(response.status == .partialContent)
                return Array(buffer: response.body)
            }
            #expect(Secrets.hex(SHA256.hash(data: first + rest)) == new["sha256"] as? String)
            try await client.execute(uri: url, method: .get, headers: device(anyDevice)) { #expect($0.status == .ok && $0.body.readableBytes == 300_000) }
            try await client.execute(uri: url, method: .get, headers: device(anyDevice, range: "bytes=400000-")) { #expect($0.status == .rangeNotSatisfiable) }
            try await client.execute(uri: url, method: .get, headers: bearer(staff)) { #expect($0.status == .unauthorized) }

            // Four install, the fifth fails: 20% after 5 results halts the rollout by itself.
            func report(_ serial: String, _ state: String, version: String = "14.0.7") async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/devices/reports", method: .post, headers: device(tokens[serial]!),
                                         body: json(["rolloutId": rolloutId, "version": version, "state": state, "code": "E42"])) { response in
                    #expect(response.status == .ok)
                    return try decode(response)
                }
            }
            // A unit of the model outside the stage was never offered the build: its reports are
            // refused, however many, and the rollout does not move.
            let outside = try #require(tokens.keys.sorted().first { !offered.contains($0) })
            for _ in 0..<10 {
                try await client.execute(uri: "/api/v1/devices/reports", method: .post, headers: device(tokens[outside]!),
                                         body: json(["rolloutId": rolloutId, "version": "14.0.6", "state": "failed", "code": "E42"])) { response in
                    let code = try errorCode(response)
                    #expect(response.status == .conflict && code == "not_offered")
                }
            }
            for serial in offered.prefix(4) { #expect(try await report(serial, "installed")["rolloutHalted"] as? Bool == false) }
            #expect(try await report(offered[4], "failed", version: "14.0.6")["rolloutHalted"] as? Bool == true)
            try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)", method: .get, headers: bearer(staff)) { response in
                let body = try decode(response)
                #expect(body["state"] as? String == "halted" && body["installed"] as? Int == 4 && body["failed"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)/timeline", method: .get, headers: bearer(staff)) { response in
                let minutes = try decode(response)["items"] as! [[String: Any]]
                #expect(minutes.count == 1 && minutes[0]["installed"] as? Int == 4 && minutes[0]["failed"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/staff/device-models/note-3/adoption", method: .get, headers: bearer(staff)) { response in
                let counts = Dictionary(uniqueKeysWithValues: (try decode(response)["items"] as! [[String: Any]]).map { ($0["version"] as! String, $0["devices"] as! Int) })
                #expect(counts == ["14.0.6": 36, "14.0.7": 4])
            }
            try await client.execute(uri: "/api/v1/staff/device-models/nope/adoption", method: .get, headers: bearer(staff)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/devices/check-in", method: .post, headers: device(tokens[offered[5]]!), body: json(["version": "14.0.6"])) { response in
                let action = try decode(response)["action"] as? String
                #expect(action == "none")
            }
            try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)/commands", method: .post, headers: bearer(staff),
                                     body: json(["command": "advance"])) { #expect($0.status == .conflict) }

            // Rollback: the devices that took 14.0.7 are offered 14.0.6 again.
            try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)/commands", method: .post, headers: bearer(staff),
                                     body: json(["command": "rollback", "buildId": old["id"]!])) { response in
                let state = try decode(response)["state"] as? String
                #expect(state == "rolled_back")
            }
            try await client.execute(uri: "/api/v1/devices/check-in", method: .post, headers: device(tokens[offered[0]]!), body: json(["version": "14.0.7"])) { response in
                let body = try decode(response)
                let manifest = try JSONSerialization.jsonObject(with: Data(((body["offer"] as! [String: Any])["manifest"] as! String).utf8)) as! [String: Any]
                #expect(body["action"] as? String == "update" && manifest["version"] as? String == "14.0.6")
            }
        }
    }
}

extension FirmwareHTTPTests {
    @Test func unitsShippedWithSerialsRegisterToTheirBuyerWithTheirWarranty() async throws {
        try await withApp { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let factoryKey = try await client.execute(uri: "/api/v1/staff/device-models", method: .post, headers: bearer(staff),
                                                      body: json(["id": "band-2", "name": "Millet Band 2", "kind": "band", "productLine": "wearables"])) {
                try decode($0)["factoryKey"] as! String
            }
            let model = DeviceModel(id: "band-2", name: "Millet Band 2", kind: .band, productLine: "wearables", factoryKey: factoryKey, createdAt: Date())
            let sku = try #require(try await services.catalog.product(slug: "millet-band-2")).skus[0].id
            func paidOrder(_ key: String, quantity: Int) async throws -> String {
                let id = try await client.execute(uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: key]),
                                                  body: json(["market": "GB", "shippingAddress": address, "items": [["skuId": sku, "quantity": quantity]]])) {
                    try decode($0)["id"] as! String
                }
                let payment = try await services.payments.createPayment(orderId: id, provider: "sandbox", now: services.clock.now())
                _ = try await services.orderDesk.receive(
                    PaymentNotice(eventId: "evt_\(key)", kind: .succeeded, paymentId: payment.id, amount: payment.amount, currency: payment.currency),
                    provider: "sandbox")
                return id
            }
            let orderId = try await paidOrder("band-order-1", quantity: 2)
            let ship = { (serials: [String], order: String) in
                try await client.execute(uri: "/api/v1/staff/orders/\(order)/events", method: .post, headers: bearer(staff),
                                         body: json(["event": "ship", "serials": serials])) { $0.status }
            }
            #expect(try await ship(["BAND-0001", "BAND-0002", "BAND-0003"], orderId) == .unprocessableContent)
            #expect(try await ship(["BAND-0001", "BAND-0001"], orderId) == .unprocessableContent)
            // A unit registered before its sale is linked when it ships; one registered after, at registration.
            let register = { (serial: String) in
                try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                    "serial": serial, "model": "band-2", "secret": model.factorySecret(serial: serial), "market": "GB", "channel": "stable", "version": "2.1.0",
                ])) { response in
                    #expect(response.status == .created)
                    return try decode(response)["token"] as? String ?? ""
                }
            }
            let firstToken = try await register("BAND-0001")
            #expect(try await ship(["band-0001", "BAND-0002"], orderId) == .ok)
            _ = try await register("BAND-0002")
            _ = try await register("BAND-0099")
            // The token was issued before the sale; what the unit does now is the buyer's.
            try await client.execute(uri: "/api/v1/devices/wifi/hotspots", method: .post, headers: bearer(firstToken), body: json([
                "ssid": "Band Home", "bssid": "3c:22:fb:0a:0b:0c", "latitude": 51.5072, "longitude": -0.1276, "password": "band-home-secret",
            ])) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/me/hotspots", method: .get, headers: bearer(fan)) { #expect(String(buffer: $0.body).contains("Band Home")) }
            try await client.execute(uri: "/api/v1/me/devices", method: .get, headers: bearer(fan)) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.map { $0["serial"] as! String } == ["BAND-0001", "BAND-0002"])
                #expect(items.allSatisfy { $0["orderId"] as? String == orderId && $0["warrantyEndsAt"] is String && $0["modelName"] as? String == "Millet Band 2" })
            }
            // A serial that already went out cannot go out again in another order.
            let second = try await paidOrder("band-order-2", quantity: 1)
            try await client.execute(uri: "/api/v1/staff/orders/\(second)/events", method: .post, headers: bearer(staff),
                                     body: json(["event": "ship", "serials": ["BAND-0002"]])) { response in
                let code = try errorCode(response)
                #expect(response.status == .conflict && code == "serial_sold")
            }
            let status = try await services.orders.order(id: second)?.status
            #expect(status == .paid)
        }
    }
}

extension FirmwareHTTPTests {
    @Test func theConsoleShowsARolloutAndItsButtonsWork() async throws {
        try await withApp { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let factoryKey = try await client.execute(uri: "/api/v1/staff/device-models", method: .post, headers: bearer(staff),
                                                      body: json(["id": "router-ax", "name": "Millet Router AX", "kind": "router", "productLine": "routers"])) {
                try decode($0)["factoryKey"] as! String
            }
            let model = DeviceModel(id: "router-ax", name: "Millet Router AX", kind: .router, productLine: "routers", factoryKey: factoryKey, createdAt: Date())
            var builds: [String] = []
            for version in ["3.0.0", "3.1.0"] {
                builds.append(try await client.execute(uri: "/api/v1/staff/firmware-builds?model=router-ax&version=\(version)", method: .post,
                                                       headers: bearer(staff, [.contentType: "application/octet-stream"]), body: ByteBuffer(string: "image \(version)")) {
                    try decode($0)["id"] as! String
                })
            }
            let rolloutId = try await client.execute(uri: "/api/v1/staff/rollouts", method: .post, headers: bearer(staff),
                                                     body: json(["buildId": builds[1], "channel": "stable", "stages": [100], "minReports": 2, "failureThresholdBasisPoints": 5000])) {
                try decode($0)["id"] as! String
            }
            for (index, state) in ["installed", "installed", "failed"].enumerated() {
                let serial = "RTR-000\(index)"
                let token = try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                    "serial": serial, "model": "router-ax", "secret": model.factorySecret(serial: serial), "market": index == 0 ? "ES" : "IN",
                    "channel": "stable", "version": "3.0.0",
                ])) { try decode($0)["token"] as! String }
                try await client.execute(uri: "/api/v1/devices/reports", method: .post, headers: bearer(token),
                                         body: json(["rolloutId": rolloutId, "version": "3.1.0", "state": state])) { #expect($0.status == .ok) }
            }
            let cookie = pageHeaders(session: staff, cookies: ["millet_lang=es"])
            let fanCookie = pageHeaders(session: fan)
            try await client.execute(uri: "/staff/rollouts/\(rolloutId)", method: .get, headers: fanCookie) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/staff/rollouts", method: .get, headers: cookie) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-rollout=\"\(rolloutId)\"") && html.contains("router-ax 3.1.0") && html.contains("Activo"))
            }
            try await client.execute(uri: "/staff/rollouts/\(rolloutId)", method: .get, headers: cookie) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("<svg") && html.contains("<polyline") && html.contains("33.3%"))
                #expect(html.contains("<th>ES</th>") && html.contains("3.1.0 · 1") && html.contains("id=\"pause\""))
            }
            try await client.execute(uri: "/staff/rollouts/\(rolloutId)/commands", method: .post, headers: fanCookie, body: form(["command": "pause"])) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/staff/rollouts/\(rolloutId)/commands", method: .post, headers: cookie, body: form(["command": "halt"])) {
                #expect($0.status == .unprocessableContent)
            }
            try await client.execute(uri: "/staff/rollouts/\(rolloutId)/commands", method: .post, headers: cookie,
                                     body: form(["command": "halt", "reason": "router reboots"])) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/staff/rollouts/\(rolloutId)", method: .get, headers: cookie) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-state=\"halted\"") && html.contains("router reboots") && html.contains("id=\"resume\"") && !html.contains("id=\"pause\""))
            }
            try await client.execute(uri: "/staff/rollouts/\(rolloutId)/commands", method: .post, headers: cookie,
                                     body: form(["command": "rollback", "buildId": builds[0]])) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/api/v1/staff/rollouts/\(rolloutId)", method: .get, headers: bearer(staff)) { response in
                let state = try decode(response)["state"] as? String
                #expect(state == "rolled_back")
            }
        }
    }
}

extension HTTPHarness {
    func device(_ token: String, range: String) -> HTTPFields {
        bearer(token, [.range: range])
    }
}
