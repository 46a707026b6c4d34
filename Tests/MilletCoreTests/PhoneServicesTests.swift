import Foundation
import MilletCore
import Testing

/// Numbers as people write them in each market, the crowd's verdict on a number, and a
/// dispute's steps.
struct PhoneServicesTests {
    @Test(arguments: [
        ("CN", "138 1234 5678", "+8613812345678"), ("CN", "010-6552 9988", "+861065529988"), ("CN", "0755 8888 1234", "+8675588881234"),
        ("CN", "+86 138-1234-5678", "+8613812345678"), ("IN", "98765 43210", "+919876543210"), ("IN", "098765 43210", "+919876543210"),
        ("IN", "011 2345 6789", "+911123456789"), ("ES", "612 34 56 78", "+34612345678"), ("ES", "0034 912 345 678", "+34912345678"),
        ("GB", "07700 900123", "+447700900123"), ("GB", "(020) 7946 0018", "+442079460018"), ("GB", "+44 7700 900123", "+447700900123"),
        ("ID", "0812-3456-7890", "+6281234567890"), ("ID", "(021) 555 1234", "+62215551234"), ("ES", "+1 415 555 0100", "+14155550100"),
        ("GB", "+44 (0)20 7946 0018", "+442079460018"), ("ID", "001 44 7700 900123", "+447700900123"), ("ID", "+62 (0)812 3456 7890", "+6281234567890"),
    ])
    func aNumberIsReadAsItsMarketWritesIt(market: String, written: String, e164: String) throws {
        #expect(try PhoneNumber(written, market: market).e164 == e164)
    }

    @Test(arguments: [
        ("CN", "12345"), ("CN", "0138 1234 5678 99"), ("IN", "12345 67890 1"), ("IN", "0012"), ("ES", "512 34 56 78"), ("ES", "61234567"),
        ("GB", "7700 900123"), ("GB", "09 1234"), ("ID", "0912 3456 7890"), ("ES", "612 34 56 7x"), ("XX", "612345678"), ("ES", "+0 12345678"),
        ("GB", "+44 0 7700 900123"),
    ])
    func whatIsNoNumberThereIsRefused(market: String, written: String) {
        #expect(throws: DomainError.self) { try PhoneNumber(written, market: market) }
    }

    @Test func aNumberKnowsItsMarketAndIsMaskedForPages() throws {
        let number = try PhoneNumber("612 34 56 78", market: "ES")
        #expect(number.market == "ES" && number.masked == "+34 ••• ••• 678" && number.hash.count == 64)
        #expect(PhoneNumber(e164: "+14155550100")?.market == nil && PhoneNumber(e164: "0034612") == nil)
    }

    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let number = PhoneNumber(e164: "+447700900123")!

    func report(_ device: String, account: String? = nil, network: String? = nil, _ category: CallCategory = .fraud, daysAgo: Double = 0) -> NumberReport {
        NumberReport(number: number, category: category, deviceId: device, accountId: account, network: network ?? "net-\(device)",
                     at: now.addingTimeInterval(-daysAgo * 86_400))
    }

    @Test func threeIndependentReportersLabelANumberAndOnePersonCountsOnce() {
        let two = CrowdVerdict([report("d1"), report("d2")], now: now)
        #expect(two.category == nil && two.reporters == 2)
        let three = CrowdVerdict([report("d1"), report("d2"), report("d3")], now: now)
        #expect(three.category == .fraud && three.reporters == 3 && (4380...4390).contains(three.confidenceBasisPoints))
        // One person's two phones, and two phones behind one network, are one voice each.
        let samePerson = CrowdVerdict([report("d1", account: "a1"), report("d2", account: "a1"), report("d3")], now: now)
        #expect(samePerson.category == nil && samePerson.reporters == 2)
        let sameNetwork = CrowdVerdict([report("d1", network: "office"), report("d2", network: "office"), report("d3")], now: now)
        #expect(sameNetwork.category == nil && sameNetwork.reporters == 2)
        // Chained: d1 and d2 share an account, d2 and d3 a network: one voice.
        let chained = CrowdVerdict([report("d1", account: "a1"), report("d2", account: "a1", network: "home"), report("d3", network: "home"),
                                    report("d4"), report("d5")], now: now)
        #expect(chained.reporters == 3 && chained.category == .fraud)
    }

    @Test func warningsAgreeAcrossCategoriesAndDisagreementKeepsANumberUnlabelled() {
        let warned = CrowdVerdict([report("d1", .fraud), report("d2", .harassment), report("d3", .harassment), report("d4", .sales)], now: now)
        #expect(warned.category == .harassment)
        let split = CrowdVerdict([report("d1", .fraud), report("d2", .fraud), report("d3", .delivery), report("d4", .legitimate)], now: now)
        #expect(split.category == nil && split.reporters == 4)
        let courier = CrowdVerdict([report("d1", .delivery), report("d2", .delivery), report("d3", .delivery)], now: now)
        #expect(courier.category == .delivery && !CallCategory.delivery.warns)
    }

    @Test func reportsDecaySoALabelLapsesWhenNobodyReportsAgain() throws {
        let reports = [report("d1"), report("d2"), report("d3")]
        let fresh = CrowdVerdict(reports, now: now)
        let lapses = try #require(fresh.expiresAt)
        // Three agreeing reporters keep a label about 104 days (0.87 half-lives of 120 days).
        #expect(abs(lapses.timeIntervalSince(now) / 86_400 - 104) < 1)
        let before = CrowdVerdict(reports, now: lapses.addingTimeInterval(-3600))
        let after = CrowdVerdict(reports, now: lapses.addingTimeInterval(3600))
        #expect(before.category == .fraud && after.category == nil && after.reporters == 3)
        #expect(before.confidenceBasisPoints < fresh.confidenceBasisPoints)
        // A new report brings it back with a later lapse.
        let renewed = CrowdVerdict(reports + [report("d4")], now: lapses.addingTimeInterval(3600))
        #expect(renewed.category == .fraud && renewed.expiresAt! > lapses)
    }

    @Test func aProvenDisputeSuspendsTheLabelAndUpholdingItClearsTheReportsBefore() throws {
        let reports = [report("d1", daysAgo: 2), report("d2", daysAgo: 1), report("d3", daysAgo: 1)]
        let label = NumberLabel(number: number).reassessed(reports, now: now)
        #expect(label.isPublic && label.shown.category == .fraud)
        var (dispute, code) = try NumberDispute.open(number: number, accountId: "owner", reason: "This is my own shop's line.", now: now)
        #expect(try dispute.confirm(code: "000000" == code ? "111111" : "000000", now: now) == .wrong(triesLeft: 4))
        #expect(try dispute.confirm(code: code, now: now) == .proven && dispute.state == .underReview)
        let suspended = label.following(dispute, reports: reports, now: now)
        #expect(!suspended.isPublic && suspended.shown.category == nil)
        var upheld = dispute
        try upheld.decide(uphold: true, by: "account:staff", note: "a shop", now: now)
        let cleared = suspended.following(upheld, reports: reports, now: now)
        #expect(!cleared.isPublic && cleared.category == nil && cleared.clearedAt == now)
        // Reports after the decision count again, from zero.
        let later = reports + [report("d4", daysAgo: -1), report("d5", daysAgo: -1), report("d6", daysAgo: -1)]
        #expect(cleared.reassessed(later, now: now.addingTimeInterval(2 * 86_400)).category == .fraud)
        var rejected = dispute
        try rejected.decide(uphold: false, by: "account:staff", note: nil, now: now)
        #expect(suspended.following(rejected, reports: reports, now: now).isPublic)
        #expect(throws: DomainError.self) { try rejected.decide(uphold: true, by: "account:staff", note: nil, now: now) }
    }

    @Test func aCodeLapsesWhenLateOrWrongTooOften() throws {
        var (late, code) = try NumberDispute.open(number: number, accountId: "owner", reason: "Not a fraud line at all.", now: now)
        #expect(try late.confirm(code: code, now: now.addingTimeInterval(NumberDispute.codeLifetime)) == .lapsed && late.state == .lapsed)
        #expect(throws: DomainError.self) { try late.confirm(code: code, now: now) }
        var (guessed, right) = try NumberDispute.open(number: number, accountId: "owner", reason: "Not a fraud line at all.", now: now)
        let wrong = right == "123456" ? "654321" : "123456"
        for left in (1..<NumberDispute.maxAttempts).reversed() { #expect(try guessed.confirm(code: wrong, now: now) == .wrong(triesLeft: left)) }
        #expect(try guessed.confirm(code: wrong, now: now) == .lapsed)
        #expect(throws: DomainError.self) { try guessed.confirm(code: right, now: now) }
        #expect(throws: DomainError.self) { try NumberDispute.open(number: number, accountId: "owner", reason: "short", now: now) }
    }
}

/// What a shared hotspot accepts, and its sealed password.
struct HotspotTests {
    let device = Device(id: "dev", number: 1, serial: "S-1", modelId: "m", marketCode: "ES", channel: .stable, version: "1.0.0",
                        registeredAt: Date(), lastSeenAt: nil, ownerAccountId: "owner", orderId: nil, warrantyStartsAt: nil)
    let seal = HotspotSeal(key: Array(repeating: 1, count: 32))

    @Test func aPasswordIsSealedForItsOwnHotspotOnly() throws {
        let hotspot = try Hotspot.share(device: device, ssid: "Cafe", bssid: "3C:22:FB:01:02:03", latitude: 40.4, longitude: -3.7,
                                        password: "secret-password", seal: seal, now: Date())
        #expect(hotspot.bssid == "3c:22:fb:01:02:03" && !hotspot.sealedPassword.contains("secret"))
        #expect(seal.open(hotspot.sealedPassword, hotspotId: hotspot.id) == "secret-password")
        #expect(seal.open(hotspot.sealedPassword, hotspotId: "another") == nil)
        #expect(HotspotSeal(key: Array(repeating: 2, count: 32)).open(hotspot.sealedPassword, hotspotId: hotspot.id) == nil)
        let open = try Hotspot.share(device: device, ssid: "Free", bssid: "3c:22:fb:01:02:04", latitude: 0, longitude: 0, password: "", seal: seal, now: Date())
        #expect(open.sealedPassword.isEmpty && seal.open("", hotspotId: open.id) == "")
    }

    @Test(arguments: [
        ("", "3c:22:fb:01:02:03", 40.0, 3.0, "password1"), (String(repeating: "x", count: 33), "3c:22:fb:01:02:03", 40.0, 3.0, "password1"),
        ("Cafe", "3c:22:fb:01:02", 40.0, 3.0, "password1"), ("Cafe", "zz:22:fb:01:02:03", 40.0, 3.0, "password1"),
        ("Cafe", "3c:22:fb:01:02:03", 91.0, 3.0, "password1"), ("Cafe", "3c:22:fb:01:02:03", 40.0, 181.0, "password1"),
        ("Cafe", "3c:22:fb:01:02:03", 40.0, 3.0, "short"), ("Cafe", "3c:22:fb:01:02:03", Double.nan, 3.0, "password1"),
    ])
    func whatIsNoHotspotIsRefused(ssid: String, bssid: String, latitude: Double, longitude: Double, password: String) {
        #expect(throws: DomainError.self) {
            try Hotspot.share(device: device, ssid: ssid, bssid: bssid, latitude: latitude, longitude: longitude, password: password, seal: seal, now: Date())
        }
    }

    @Test func distancesAreMetresOnTheEarth() throws {
        let sol = try Hotspot.share(device: device, ssid: "Sol", bssid: "3c:22:fb:01:02:03", latitude: 40.4168, longitude: -3.7038, password: "", seal: seal, now: Date())
        // Puerta del Sol to Plaza Mayor, about 335 m; Madrid to Barcelona, about 505 km.
        #expect(abs(sol.distance(toLatitude: 40.4155, longitude: -3.7074) - 335) < 30)
        #expect(abs(sol.distance(toLatitude: 41.3874, longitude: 2.1686) / 1000 - 505) < 5)
    }
}

/// The lookup index: labels by the first 64 bits of their hash, found by any prefix of 4 to 8
/// hex digits, changed and dropped as syncs read them in version order.
struct LabelIndexTests {
    func label(_ e164: String, _ category: CallCategory?, version: Int64, business: String? = nil, suspended: Bool = false) -> NumberLabel {
        NumberLabel(number: PhoneNumber(e164: e164)!, category: category, confidenceBasisPoints: 4385, reporters: 3, businessName: business,
                    suspended: suspended, version: version)
    }

    @Test func labelsAreFoundByPrefixAndFollowTheirVersions() {
        let index = LabelIndex()
        let numbers = (0..<3000).map { String(format: "+3460%07d", $0) }
        // The first load in two pages, one number read twice (changed during the load).
        index.apply(numbers.prefix(2000).enumerated().map { label($1, .fraud, version: Int64($0 + 1)) }, complete: false)
        #expect(!index.isLoaded)
        index.apply(numbers.suffix(1000).enumerated().map { label($1, .sales, version: Int64($0 + 2001)) }
                    + [label(numbers[0], .harassment, version: 3001)], complete: true)
        #expect(index.isLoaded && index.cursor == 3001)
        for (position, e164) in numbers.enumerated() {
            let hash = PhoneNumber(e164: e164)!.hash
            let entry = index.entries(prefix: String(hash.prefix(6))).first { $0.key == UInt64(hash.prefix(16), radix: 16) }
            #expect(entry?.category == (position == 0 ? .harassment : position < 2000 ? .fraud : .sales))
        }
        // A 4-digit prefix finds the same as the 8 digits inside it.
        let hash = PhoneNumber(e164: numbers[7])!.hash
        #expect(index.entries(prefix: String(hash.prefix(4))).contains { $0 == index.entries(prefix: String(hash.prefix(8))).first })
        // Later changes: one dropped (suspended), one named a business; an older page read again changes nothing.
        index.apply([label(numbers[7], .fraud, version: 3002, suspended: true), label(numbers[8], .fraud, version: 3003, business: "Tienda")], complete: true)
        index.apply([label(numbers[7], .fraud, version: 3001)], complete: true)
        #expect(index.entries(prefix: String(hash.prefix(8))).isEmpty)
        let shop = index.entries(prefix: String(PhoneNumber(e164: numbers[8])!.hash.prefix(8)))
        #expect(shop.first?.businessName == "Tienda" && shop.first?.category == nil)
        #expect(index.entries(prefix: "xyz0").isEmpty && index.entries(prefix: "abc").isEmpty)
    }

    @Test func manyChangesAreMergedIntoTheSortedLabels() {
        let index = LabelIndex()
        index.apply([], complete: true)
        let count = LabelIndex.mergeAt + 10
        index.apply((0..<count).map { label(String(format: "+3461%07d", $0), .delivery, version: Int64($0 + 1)) }, complete: true)
        for n in stride(from: 0, to: count, by: 997) {
            let hash = PhoneNumber(e164: String(format: "+3461%07d", n))!.hash
            #expect(index.entries(prefix: String(hash.prefix(8))).first?.category == .delivery)
        }
    }
}
