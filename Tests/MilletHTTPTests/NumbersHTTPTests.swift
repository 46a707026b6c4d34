import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// Crowd-tagged calls over HTTP: devices report and read labels without sending the numbers they
/// ask about, an owner disputes a label with the code texted to the number, staff decide.
struct NumbersHTTPTests: HTTPHarness {
    /// Registers devices of a new phone model in `market`; answers their tokens.
    func phones(_ client: any TestClientProtocol, staff: String, market: String, serials: [String]) async throws -> [String] {
        let factoryKey = try await client.execute(uri: "/api/v1/staff/device-models", method: .post, headers: bearer(staff),
                                                  body: json(["id": "phone-\(market.lowercased())", "name": "Phone", "kind": "phone", "productLine": "phones"])) {
            try decode($0)["factoryKey"] as! String
        }
        let model = DeviceModel(id: "phone-\(market.lowercased())", name: "Phone", kind: .phone, productLine: "phones", factoryKey: factoryKey, createdAt: Date())
        var tokens: [String] = []
        for serial in serials {
            tokens.append(try await client.execute(uri: "/api/v1/devices/registrations", method: .post, body: json([
                "serial": serial, "model": model.id, "secret": model.factorySecret(serial: serial), "market": market, "channel": "stable", "version": "1.0.0",
            ])) { try decode($0)["token"] as! String })
        }
        return tokens
    }

    @Test func devicesReportAndReadLabelsAndAnOwnerDisputesOne() async throws {
        try await withApp { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let tokens = try await phones(client, staff: staff, market: "GB", serials: ["GB-PHONE-1", "GB-PHONE-2", "GB-PHONE-3", "GB-PHONE-4"])
            let scam = PhoneNumber(e164: "+447700900123")!, scamKey = String(scam.hash.prefix(16))
            // Lookups come from this node's index once it is loaded (the server loads it at start).
            try await services.numbers.syncIndex()
            func report(_ device: Int, _ number: String, _ category: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/devices/phone/reports", method: .post, headers: bearer(tokens[device]),
                                         body: json(["number": number, "category": category])) { ($0.status, (try? decode($0)) ?? [:]) }
            }
            func lookup(_ prefix: String, device: Int = 3) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/api/v1/devices/phone/lookups/\(prefix)", method: .get, headers: bearer(tokens[device])) { ($0.status, String(buffer: $0.body)) }
            }
            func blocklist(since: String, device: Int = 3) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/devices/phone/blocklist?since=\(since)", method: .get, headers: bearer(tokens[device])) {
                    ($0.status, (try? decode($0)) ?? [:])
                }
            }
            // One report is the reporter's alone; two more, from other people on other networks, label it.
            let first = try await report(0, "07700 900123", "fraud")
            #expect(first.0 == .created && first.1["number"] as? String == "+447700900123")
            let firstLabel = try #require(first.1["label"] as? [String: Any])
            #expect(firstLabel["category"] == nil && firstLabel["confidence"] as? Int == 0 && firstLabel["hash"] as? String == scamKey)
            for (device, ip) in [(1, "10.0.2.9"), (2, "10.0.3.9")] {
                let phone = try #require(try await services.devices.device(serial: "GB-PHONE-\(device + 1)"))
                _ = try await services.numbers.report(phone, number: "+44 7700 900123", category: "harassment", clientIP: ip)
            }
            let prefix = String(scam.hash.prefix(5))
            let found = try await lookup(prefix)
            #expect(found.0 == .ok && found.1.contains(scamKey) && found.1.contains("harassment") && !found.1.contains("7700900123"))
            let delta = try await blocklist(since: "0")
            let items = try #require(delta.1["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["hash"] as? String == String(scam.hash.prefix(16)) && items[0]["category"] as? String == "harassment")
            let labelled = try #require(delta.1["version"] as? Int)
            #expect((try await blocklist(since: "\(labelled)").1["items"] as? [[String: Any]])?.isEmpty == true)
            // Bad input changes nothing.
            #expect(try await report(0, "07700 900123", "spam").0 == .unprocessableContent)
            #expect(try await report(0, "12", "fraud").0 == .unprocessableContent)
            #expect(try await lookup("xyz1").0 == .unprocessableContent)
            #expect(try await lookup("ab").0 == .unprocessableContent)
            #expect(try await blocklist(since: "-1").0 == .unprocessableContent)
            #expect(try await blocklist(since: "soon").0 == .unprocessableContent)
            try await client.execute(uri: "/api/v1/devices/phone/lookups/\(prefix)", method: .get, headers: bearer(fan)) { #expect($0.status == .unauthorized) }
            #expect(try await blocklist(since: "0").1["version"] as? Int == labelled)

            // The owner disputes it: a code is texted to the number, never emailed.
            func dispute(_ body: [String: Any], as token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/phone/disputes", method: .post, headers: bearer(token), body: json(body)) {
                    ($0.status, (try? decode($0)) ?? [:])
                }
            }
            let opened = try await dispute(["number": "07700 900123", "market": "GB", "reason": "This is my own mobile, not a scam."], as: fan)
            #expect(opened.0 == .created && opened.1["state"] as? String == "awaiting_code" && opened.1["number"] as? String == "+44 ••• ••• 123")
            let id = try #require(opened.1["id"] as? String)
            #expect(try await dispute(["number": "07700 900999", "market": "GB", "reason": "Nobody ever labelled this one."], as: fan).0 == .conflict)
            #expect(try await dispute(["number": "07700 900123", "market": "GB", "reason": "short"], as: fan).0 == .unprocessableContent)
            #expect(try await dispute(["number": "07700 900123", "market": "GB", "reason": "Mine, truly \u{0} mine, not a scam"], as: fan).0
                    == .unprocessableContent)
            _ = try await services.courier.sendDue()
            let texts = try await services.sandboxMessages.sandboxMessages(channel: .sms, limit: 10)
            let text = try #require(texts.first { $0.recipient == "+447700900123" })
            let code = try #require(text.text.split(separator: " ").first { $0.count == 6 && $0.allSatisfy(\.isNumber) }.map(String.init))
            #expect(try await services.sandboxMessages.sandboxMessages(channel: .email, limit: 50).allSatisfy { !$0.text.contains(code) })
            let fanId = try #require(try await services.accounts.account(email: "fan@millet.test")).id
            let coded = try await services.notices.notices(accountId: fanId, limit: 10).first { $0.notice.kind == .numberCode }
            #expect(coded?.email == .skipped && coded?.sms == .sent && coded?.notice.params["code"] == nil)
            // Another fan may not open a second dispute of the number while this one is open.
            let other = try await logIn(client, "moderator@millet.test", "millet-moderator")
            #expect(try await dispute(["number": "07700 900123", "market": "GB", "reason": "That number is mine, not hers."], as: other).0 == .conflict)
            func confirm(_ code: String, as token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/phone/disputes/\(id)/code", method: .post, headers: bearer(token), body: json(["code": code])) {
                    ($0.status, (try? decode($0)) ?? [:])
                }
            }
            #expect(try await confirm(code, as: other).0 == .notFound)
            #expect(try await confirm(code == "000000" ? "111111" : "000000", as: fan).0 == .unprocessableContent)
            let proven = try await confirm(code, as: fan)
            #expect(proven.0 == .ok && proven.1["state"] as? String == "under_review")
            // Suspended at once: lookups show nothing, and the blocklist tells devices to drop it.
            #expect(try await lookup(prefix).1.contains(scamKey) == false)
            let dropped = try #require(try await blocklist(since: "\(labelled)").1["items"] as? [[String: Any]])
            #expect(dropped.count == 1 && dropped[0]["category"] == nil && dropped[0]["businessName"] == nil)

            // Staff see it with its number and uphold it; a fan may not.
            try await client.execute(uri: "/api/v1/staff/phone/disputes?state=under_review", method: .get, headers: bearer(fan)) { #expect($0.status == .forbidden) }
            let queue = try await client.execute(uri: "/api/v1/staff/phone/disputes?state=under_review", method: .get, headers: bearer(staff)) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(queue.count == 1 && queue[0]["number"] as? String == "+447700900123" && (queue[0]["label"] as? [String: Any])?["suspended"] as? Bool == true)
            try await client.execute(uri: "/api/v1/staff/phone/disputes?state=pending", method: .get, headers: bearer(staff)) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/staff/phone/disputes/\(id)/decision", method: .post, headers: bearer(staff),
                                     body: json(["uphold": true, "note": "two\nlines"])) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/staff/phone/disputes/\(id)/decision", method: .post, headers: bearer(staff),
                                     body: json(["uphold": true, "note": String(repeating: "n", count: 501)])) { #expect($0.status == .unprocessableContent) }
            let decided = try await client.execute(uri: "/api/v1/staff/phone/disputes/\(id)/decision", method: .post, headers: bearer(staff),
                                                   body: json(["uphold": true, "note": "the owner's own line"])) { try decode($0) }
            #expect(decided["state"] as? String == "upheld" && (decided["label"] as? [String: Any])?["category"] == nil)
            try await client.execute(uri: "/api/v1/staff/phone/disputes/\(id)/decision", method: .post, headers: bearer(staff), body: json(["uphold": false])) {
                #expect($0.status == .conflict)
            }
            let mine = try await client.execute(uri: "/api/v1/phone/disputes/\(id)", method: .get, headers: bearer(fan)) { ($0.status, try decode($0)) }
            #expect(mine.0 == .ok && mine.1["state"] as? String == "upheld" && mine.1["note"] as? String == "the owner's own line")

            // A verified business shows its name to the devices of its market.
            let spain = try await phones(client, staff: staff, market: "ES", serials: ["ES-PHONE-1"])
            let business = try await client.execute(uri: "/api/v1/staff/phone/businesses", method: .put, headers: bearer(staff),
                                                    body: json(["number": "612 34 56 78", "market": "ES", "name": "Tienda Ejemplo"])) { try decode($0) }
            #expect(business["number"] as? String == "+34612345678" && business["businessName"] as? String == "Tienda Ejemplo")
            try await client.execute(uri: "/api/v1/staff/phone/businesses", method: .put, headers: bearer(staff),
                                     body: json(["number": "612 34 56 78", "market": "ES", "name": "X"])) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/staff/phone/businesses", method: .put, headers: bearer(staff),
                                     body: json(["number": "612 34 56 78", "market": "ES", "name": "Bank\u{202E}knaB"])) { #expect($0.status == .unprocessableContent) }
            let spanish = try await client.execute(uri: "/api/v1/devices/phone/blocklist?since=0", method: .get, headers: bearer(spain[0])) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(spanish.count == 1 && spanish[0]["businessName"] as? String == "Tienda Ejemplo")
            // A lookup's hand-written JSON carries a name as JSONEncoder would.
            let named = #"Café "Sol" \ 太阳"#
            try await client.execute(uri: "/api/v1/staff/phone/businesses", method: .put, headers: bearer(staff),
                                     body: json(["number": "612 34 56 78", "market": "ES", "name": named])) { #expect($0.status == .ok) }
            let shop = PhoneNumber(e164: "+34612345678")!
            let shown = try await client.execute(uri: "/api/v1/devices/phone/lookups/\(shop.hash.prefix(8))", method: .get, headers: bearer(spain[0])) {
                try decode($0)["items"] as? [[String: Any]] ?? []
            }
            #expect(shown.count == 1 && shown[0]["businessName"] as? String == named && shown[0]["hash"] as? String == String(shop.hash.prefix(16))
                    && shown[0]["category"] == nil && shown[0]["confidence"] as? Int == 0)
        }
    }

    /// A hotspot shared from a device reaches devices nearby with its password, never a person;
    /// its owner revokes it from the account and devices drop it; one nobody connects to for 30
    /// days is hidden, one with connections stays.
    @Test func aSharedHotspotReachesDevicesNearbyAndIsDroppedWhenRevokedOrIdle() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let tokens = try await phones(client, staff: staff, market: "ES", serials: ["ES-WIFI-1", "ES-WIFI-2", "ES-WIFI-3"])
            let here = "latitude=40.4170&longitude=-3.7040&radius=2000"
            func share(_ device: Int, _ ssid: String, password: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/api/v1/devices/wifi/hotspots", method: .post, headers: bearer(tokens[device]), body: json([
                    "ssid": ssid, "bssid": "3c:22:fb:01:02:0\(device)", "latitude": 40.4168, "longitude": -3.7038, "password": password,
                ])) { ($0.status, String(buffer: $0.body)) }
            }
            func get(_ path: String, device: Int = 1) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/devices/wifi/\(path)", method: .get, headers: bearer(tokens[device])) { ($0.status, (try? decode($0)) ?? [:]) }
            }
            let shared = try await share(0, "Cafe Sol", password: "cafe-secret-1")
            #expect(shared.0 == .created && !shared.1.contains("cafe-secret-1"))
            #expect(try await share(0, "Cafe Sol", password: "short").0 == .unprocessableContent)
            // The owner's account shares one too (its device linked to the fan).
            let fanId = try #require(try await services.accounts.account(email: "fan@millet.test")).id
            let registered = try #require(try await services.devices.device(serial: "ES-WIFI-3"))
            let linked = Device(id: registered.id, number: registered.number, serial: registered.serial, modelId: registered.modelId, marketCode: "ES",
                                channel: .stable, version: registered.version, registeredAt: registered.registeredAt, lastSeenAt: nil, ownerAccountId: fanId,
                                orderId: nil, warrantyStartsAt: nil)
            let library = try await services.hotspots.share(linked, ssid: "Biblioteca", bssid: "3c:22:fb:01:02:09", latitude: 40.4172, longitude: -3.7045,
                                                            password: "library-secret")
            let nearby = try await get("hotspots?\(here)")
            let found = try #require(nearby.1["items"] as? [[String: Any]])
            #expect(Set(found.compactMap { $0["password"] as? String }) == ["cafe-secret-1", "library-secret"])
            let first = try await get("changes?\(here)&since=0")
            let version = try #require(first.1["version"] as? Int)
            #expect((first.1["items"] as? [[String: Any]])?.count == 2 && (first.1["dropped"] as? [String])?.isEmpty == true)
            // Bad input changes nothing.
            #expect(try await get("hotspots?latitude=40.4").0 == .unprocessableContent)
            #expect(try await get("hotspots?latitude=40.4&longitude=-3.7&radius=50000").0 == .unprocessableContent)
            #expect(try await get("changes?\(here)&since=-1").0 == .unprocessableContent)
            #expect(try await get("changes?\(here)&since=1e19").0 == .unprocessableContent)
            #expect(try await get("changes?\(here)&since=1.5").0 == .unprocessableContent)
            #expect(try await get("hotspots?latitude=north&longitude=-3.7").0 == .unprocessableContent)

            // People never see a password: the owner's list, and the revocation's answer.
            let mine = try await client.execute(uri: "/api/v1/me/hotspots", method: .get, headers: bearer(fan)) { String(buffer: $0.body) }
            #expect(mine.contains("Biblioteca") && !mine.contains("library-secret") && !mine.contains("sealed"))
            try await client.execute(uri: "/api/v1/devices/wifi/hotspots/\(library.id)", method: .delete, headers: bearer(tokens[1])) { #expect($0.status == .forbidden) }
            let cafeId = try #require(found.first { $0["ssid"] as? String == "Cafe Sol" }?["id"] as? String)
            try await client.execute(uri: "/api/v1/me/hotspots/\(cafeId)", method: .delete, headers: bearer(fan)) { #expect($0.status == .notFound) }
            let revoked = try await client.execute(uri: "/api/v1/me/hotspots/\(library.id)", method: .delete, headers: bearer(fan)) { String(buffer: $0.body) }
            #expect(revoked.contains("\"revoked\":true") && !revoked.contains("library-secret"))
            let afterRevoke = try await get("changes?\(here)&since=\(version)")
            #expect(afterRevoke.1["dropped"] as? [String] == [library.id])
            #expect((try await get("hotspots?\(here)").1["items"] as? [[String: Any]])?.count == 1)

            // 20 days on, someone connects to the cafe; 31 days after sharing, a second one nobody used is hidden, the cafe stays.
            let quiet = try await share(2, "Quiet", password: "")
            #expect(quiet.0 == .created)
            let quietId = try #require((try JSONSerialization.jsonObject(with: Data(quiet.1.utf8)) as? [String: Any])?["id"] as? String)
            clock.advance(by: 20 * 86_400)
            try await client.execute(uri: "/api/v1/devices/wifi/hotspots/\(cafeId)/connections", method: .post, headers: bearer(tokens[1]),
                                     body: json(["success": true])) { #expect($0.status == .noContent) }
            clock.advance(by: 11 * 86_400)
            #expect(try await services.hotspots.hideIdle() == 1)
            let idle = try await get("changes?\(here)&since=\(try #require(afterRevoke.1["version"] as? Int))")
            #expect(idle.1["dropped"] as? [String] == [quietId])
            #expect((try await get("hotspots?\(here)").1["items"] as? [[String: Any]])?.compactMap { $0["ssid"] as? String } == ["Cafe Sol"])
            try await client.execute(uri: "/api/v1/devices/wifi/hotspots/\(quietId)/connections", method: .post, headers: bearer(tokens[1]),
                                     body: json(["success": true])) { #expect($0.status == .notFound) }
        }
    }
}
