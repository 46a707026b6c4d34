import Foundation
@testable import MilletCore
import MilletTesting
import Testing

/// Partner keys: their shape, what opens them, and the rate each may call at.
struct PartnerKeyTests {
    @Test func aTokenOpensOnlyItsOwnKeyAndOnlyUntilRevoked() throws {
        let id = Identifier.make()
        let (token, hash) = PartnerKey.issue(id: id)
        let parsed = try #require(PartnerKey.parse(token))
        #expect(parsed.id == id && token.hasPrefix("mpk_") && !token.contains(hash))
        var key = PartnerKey(id: id, organisationId: "o", name: "till", scopes: [.stockRead], secretHash: hash, createdAt: Date(), revokedAt: nil)
        #expect(key.opens(with: parsed.secret) && !key.opens(with: String(parsed.secret.reversed())))
        key.revokedAt = Date()
        #expect(!key.opens(with: parsed.secret))
        for malformed in ["", "mpk_", "mpk_\(id)", "mpk_\(id)_short", "dev_\(id)_\(parsed.secret)", "mpk_XYZ_\(parsed.secret)", token + "_x"] {
            #expect(PartnerKey.parse(malformed) == nil, "\(malformed)")
        }
        #expect(throws: DomainError.self) { try PartnerCaller(keyId: id, organisationId: "o", scopes: [.salesWrite]).require(.stockRead) }
        #expect(Allocation.isWeek("2026-W49") && Allocation.isWeek("2026-W53") && !Allocation.isWeek("2025-W53") && !Allocation.isWeek("2026-W54"))
        #expect(!Allocation.isWeek("26-W01") && !Allocation.isWeek("2026-49") && !Allocation.isWeek("2026-W+9") && !Allocation.isWeek("2026-W00"))
        #expect(Allocation.week(of: Date(timeIntervalSince1970: 1_798_675_200)) == "2026-W53")  // 2026-12-31 is in ISO week 53
    }

    @Test func aKeyMayBurstThenCallsAtItsRate() async {
        let clock = TestClock()
        let limit = KeyRateLimit(perSecond: 2, burst: 3, clock: clock)
        var answers: [Int?] = []
        for _ in 0..<4 { answers.append(await limit.take("a")) }
        #expect(answers == [nil, nil, nil, 1])
        #expect(await limit.take("b") == nil)
        clock.advance(by: 0.5)
        #expect(await limit.take("a") == nil)
        #expect(await limit.take("a") == 1)
    }
}

/// Sell-through uploads as CSV.
struct SellThroughCSVTests {
    @Test func aCSVUploadIsReadLineByLineAndABadLineIsNamed() throws {
        let csv = "\u{FEFF}store_id,sku_id,day,sold,on_hand,returned\r\ns1,k1,2026-12-01,3,10,0\n\n s2 , k1 , 2026-12-01 , 0 , 4 , 1 \n"
        let lines = try PartnerDesk.sellThroughLines(csv: csv)
        #expect(lines.map(\.storeId) == ["s1", "s2"] && lines.map(\.onHand) == [10, 4] && lines.map(\.returned) == [0, 1])
        // Lines are numbered as a spreadsheet shows them, blank ones counted.
        #expect(throws: DomainError.invalid(field: "csv", "line 4 must be six comma-separated values, the last three whole numbers")) {
            try PartnerDesk.sellThroughLines(csv: "store_id,sku_id,day,sold,on_hand,returned\ns1,k1,2026-12-01,3,10,0\n\ns1,k1,2026-12-02,three,10,0")
        }
        #expect(throws: DomainError.self) { try PartnerDesk.sellThroughLines(csv: "s1,k1,2026-12-01,3,10,0") }
        #expect(SellThroughDay.isDay("2026-02-28") && !SellThroughDay.isDay("2026-02-30") && !SellThroughDay.isDay("2026-2-28"))
    }
}
