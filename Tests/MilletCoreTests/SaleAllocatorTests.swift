import Foundation
import MilletCore
import Testing

@Suite struct SaleAllocatorTests {
    let clock = TestClock()

    func sale(units: Int64 = 10, limit: Int = 1, reservedOnly: Bool = false) -> FlashSale {
        let now = clock.now()
        return FlashSale(
            id: Identifier.make(), title: "Launch", skuId: Identifier.make(), marketCode: "IN", warehouseId: Identifier.make(),
            price: 999_900, currency: "INR", startsAt: now.addingTimeInterval(60), endsAt: now.addingTimeInterval(660), units: units,
            perAccountLimit: limit, paymentWindowSeconds: 1800, reservedOnly: reservedOnly, createdAt: now)
    }

    @Test func theSaleOpensAndClosesOnTheClock() {
        var allocator = SaleAllocator(sale: sale())
        #expect(allocator.decide(accountId: "a", now: clock.now()) == .refuse(.notStarted))
        clock.advance(by: 60)
        #expect(allocator.decide(accountId: "a", now: clock.now()) == .needLease)
        clock.advance(by: 600)
        #expect(allocator.decide(accountId: "a", now: clock.now()) == .refuse(.ended))
    }

    @Test func theNextBlockIsWantedWhenAQuarterOfTheLastIsLeft() {
        var allocator = SaleAllocator(sale: sale(units: 100))
        clock.advance(by: 61)
        #expect(!allocator.wantsLease)
        allocator.granted(8)
        for fan in 0..<6 {
            #expect(!allocator.wantsLease)
            #expect(allocator.decide(accountId: "fan-\(fan)", now: clock.now()) == .take)
        }
        #expect(allocator.wantsLease && allocator.leased == 2)
        // The early lease came: nothing more is wanted until a quarter of it is left.
        allocator.granted(4)
        #expect(!allocator.wantsLease)
        for fan in 6..<11 { _ = allocator.decide(accountId: "fan-\(fan)", now: clock.now()) }
        #expect(allocator.wantsLease && allocator.leased == 1)
        // An empty pool is not asked again early.
        allocator.granted(0)
        #expect(!allocator.wantsLease)
    }

    @Test func unitsComeFromTheLeaseAndTheLimitHoldsPerAccount() {
        var allocator = SaleAllocator(sale: sale(limit: 2))
        clock.advance(by: 61)
        allocator.granted(3)
        #expect(allocator.decide(accountId: "a", now: clock.now()) == .take)
        #expect(allocator.decide(accountId: "a", now: clock.now()) == .take)
        #expect(allocator.decide(accountId: "a", now: clock.now()) == .refuse(.limitReached))
        #expect(allocator.decide(accountId: "b", now: clock.now()) == .take)
        #expect(allocator.leased == 0)
        #expect(allocator.decide(accountId: "c", now: clock.now()) == .needLease)
        // The database had nothing: sold out without asking again.
        allocator.granted(0)
        #expect(allocator.decide(accountId: "c", now: clock.now()) == .refuse(.soldOut))
        #expect(allocator.decide(accountId: "d", now: clock.now()) == .refuse(.soldOut))
        // An unpaid order of b expired: b may buy again and the pool is worth asking.
        allocator.release(accountId: "b")
        allocator.poolIs(1)
        #expect(allocator.decide(accountId: "b", now: clock.now()) == .needLease)
    }

    @Test func aUnitTheDatabaseRefusedComesBack() {
        var allocator = SaleAllocator(sale: sale())
        clock.advance(by: 61)
        allocator.granted(1)
        #expect(allocator.decide(accountId: "a", now: clock.now()) == .take)
        allocator.giveBack(accountId: "a")
        #expect(allocator.leased == 1)
        #expect(allocator.perAccount["a"] == nil)
        let surrendered = allocator.surrender()
        #expect(surrendered == 1)
        #expect(allocator.leased == 0)
    }

    @Test func aReservedOnlySaleSellsOnlyToThoseWhoReserved() {
        var allocator = SaleAllocator(sale: sale(reservedOnly: true), reserved: ["fan"])
        clock.advance(by: 61)
        allocator.granted(5)
        #expect(allocator.decide(accountId: "stranger", now: clock.now()) == .refuse(.notReserved))
        #expect(allocator.decide(accountId: "fan", now: clock.now()) == .take)
    }

    @Test func blocksShrinkAsThePoolEmpties() {
        #expect(SaleAllocator.blockSize(pool: 20_000, nodes: 1) == 512)
        #expect(SaleAllocator.blockSize(pool: 400, nodes: 1) == 100)
        #expect(SaleAllocator.blockSize(pool: 400, nodes: 3) == 33)
        #expect(SaleAllocator.blockSize(pool: 3, nodes: 3) == 1)
        #expect(SaleAllocator.blockSize(pool: 0, nodes: 3) == 0)
    }

    @Test func tokenBucketsRefillOverTime() {
        var admission = Admission(perAccount: (2, 1), perIP: (3, 10))
        let now = clock.now()
        let answers = [("a", 0.0), ("a", 0), ("a", 0), ("b", 0), ("c", 0), ("a", 1)].map { account, later in
            admission.admit(accountId: account, ip: "1", now: now.addingTimeInterval(later))
        }
        // a twice, then a's bucket is empty; b takes the address's third token; c finds it empty;
        // a second later both buckets have refilled.
        #expect(answers == [true, true, false, true, false, true])
    }

    @Test func fCodesAreReadableAndRecognised() {
        let code = FCode.make()
        #expect(FCode.isWellFormed(code))
        #expect(!FCode.isWellFormed("F000-0000-0000"))
        #expect(Set((0..<100).map { _ in FCode.make() }).count == 100)
    }

    @Test func staffRequestsAreChecked() {
        let now = clock.now()
        #expect(throws: DomainError.self) {
            try FlashSale.validate(title: "", startsAt: now, endsAt: now.addingTimeInterval(-1), units: 0, perAccountLimit: 0,
                                   paymentWindowSeconds: 5, price: 0, now: now)
        }
        do {
            try FlashSale.validate(title: "", startsAt: now, endsAt: now.addingTimeInterval(-1), units: 0, perAccountLimit: 0,
                                   paymentWindowSeconds: 5, price: 0, now: now)
        } catch DomainError.invalidInput(_, let fields) {
            #expect(Set(fields.keys) == ["title", "endsAt", "units", "perAccountLimit", "paymentWindowSeconds", "price"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
