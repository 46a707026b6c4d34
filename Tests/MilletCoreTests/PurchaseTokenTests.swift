import Crypto
import Foundation
import MilletCore
import Testing

/// Purchase tokens: only the sale's own key, the right account and an unexpired token pass, and a
/// proof of work holds only for the bits asked.
struct PurchaseTokenTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func sale(bits: Int = 0, key: String = PurchaseToken.makeKey()) -> FlashSale {
        FlashSale(
            id: Identifier.make(), title: "Launch", skuId: Identifier.make(), marketCode: "IN", warehouseId: Identifier.make(), price: 999_900,
            currency: "INR", startsAt: now, endsAt: now.addingTimeInterval(3600), units: 10, perAccountLimit: 1, paymentWindowSeconds: 1800,
            reservedOnly: false, createdAt: now, proofOfWorkBits: bits, tokenKey: key)
    }

    @Test func aTokenPassesForItsAccountUntilItExpires() throws {
        let sale = sale()
        let issued = PurchaseToken.issue(sale: sale, accountId: "fan-1", now: now)
        #expect(issued.expiresAt == now.addingTimeInterval(PurchaseToken.lifetime))
        let pass = try PurchaseToken.verify(issued.token, sale: sale, accountId: "fan-1", now: now.addingTimeInterval(899))
        #expect(pass.saleId == sale.id && pass.accountId == "fan-1")
        #expect(throws: PurchaseRefusal.invalidToken) { _ = try PurchaseToken.verify(issued.token, sale: sale, accountId: "fan-1", now: issued.expiresAt) }
        #expect(throws: PurchaseRefusal.invalidToken) { _ = try PurchaseToken.verify(issued.token, sale: sale, accountId: "fan-2", now: now) }
    }

    @Test func aTokenNeverOutlivesItsSale() {
        let sale = sale()
        #expect(PurchaseToken.issue(sale: sale, accountId: "fan-1", now: sale.endsAt.addingTimeInterval(-60)).expiresAt == sale.endsAt)
    }

    @Test func forgedTamperedAndForeignTokensAreRefused() throws {
        let sale = sale()
        let token = PurchaseToken.issue(sale: sale, accountId: "fan-1", now: now).token
        let other = self.sale()
        #expect(throws: PurchaseRefusal.invalidToken) { _ = try PurchaseToken.verify(token, sale: other, accountId: "fan-1", now: now) }
        var parts = token.split(separator: ".").map(String.init)
        parts[2] = String(Int64(parts[2])! + 3_600_000)
        #expect(throws: PurchaseRefusal.invalidToken) { _ = try PurchaseToken.verify(parts.joined(separator: "."), sale: sale, accountId: "fan-1", now: now) }
        // Non-ASCII, a combining mark on a dot, an extra part and an empty one are all refused, never a crash.
        let mac = token[token.index(after: token.lastIndex(of: ".")!)...]
        for garbage in ["", "a.b.c.d.e", String(repeating: "x", count: 300), token + "x", "é.ü.1.ñ." + mac, token.replacingOccurrences(of: ".", with: ".\u{301}"),
                        parts.joined(separator: ".") + ".extra", "...." ] {
            #expect(throws: PurchaseRefusal.invalidToken) { _ = try PurchaseToken.verify(garbage, sale: sale, accountId: "fan-1", now: now) }
        }
    }

    /// The expected figures were computed independently with Python's hashlib.
    @Test func aProofHoldsForTheBitsAskedAndNotForMore() {
        #expect(PurchaseToken.proofHolds(token: "fixed-token", proof: "anything", bits: 0))
        #expect(PurchaseToken.solve(token: "fixed-token", bits: 8) == "884")
        #expect(PurchaseToken.proofHolds(token: "fixed-token", proof: "884", bits: 9))
        #expect(!PurchaseToken.proofHolds(token: "fixed-token", proof: "884", bits: 10))
        #expect(PurchaseToken.solve(token: "fixed-token", bits: 12) == "3686")
        #expect(!PurchaseToken.proofHolds(token: "fixed-token", proof: "3686", bits: 13))
        #expect(!PurchaseToken.proofHolds(token: "fixed-token", proof: String(repeating: "9", count: 65), bits: 1))
    }

    /// A token whose hash with an empty proof happens to start with zero bits still needs a proof.
    @Test func aMissingProofNeverHolds() {
        let lucky = (0...).lazy.map { "token-\($0)" }.first { Array(SHA256.hash(data: Data("\($0):".utf8)))[0] == 0 }!
        #expect(!PurchaseToken.proofHolds(token: lucky, proof: "", bits: 8))
        #expect(PurchaseToken.proofHolds(token: lucky, proof: PurchaseToken.solve(token: lucky, bits: 8), bits: 8))
    }
}

/// Order identifiers sort by when they were made and stay unique and well formed.
struct SequentialIdentifierTests {
    @Test func identifiersSortByTimeAndNeverRepeat() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let ids = (0..<1000).map { Identifier.makeSequential(at: start.addingTimeInterval(Double($0 / 10) / 1000)) }
        #expect(ids.allSatisfy(Identifier.isWellFormed))
        #expect(Set(ids).count == ids.count)
        // Ids of different milliseconds are in time order; within one millisecond the order is random.
        let millis = ids.map { $0.prefix(12) }
        #expect(millis == millis.sorted())
        #expect(millis.first.map(String.init) == String(UInt64(1_800_000_000_000), radix: 16).padded(to: 12))
    }
}

extension String {
    fileprivate func padded(to length: Int) -> String { String(repeating: "0", count: length - count) + self }
}
