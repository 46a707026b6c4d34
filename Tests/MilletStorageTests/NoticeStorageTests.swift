import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// The notice outbox on every backend: each notice is written in the transaction of the change
/// it tells about, once; a reserved sale about to open reminds its fans once; notices are leased
/// to one sender at a time; an account link works once.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func noticesAreWrittenWithTheirChangeAndOnlyOnce(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let kinds = { try await store.notices(accountId: fan.id, limit: 50).map(\.notice.kind).sorted { $0.rawValue < $1.rawValue } }
            let placed = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "notice-1").order
            _ = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "notice-1")
            #expect(try await kinds() == [.orderPlaced])
            _ = try await pay(store, placed)
            _ = try await store.desk(clock).cancel(orderId: placed.id, actor: "account:\(fan.id)", note: "changed my mind")
            #expect(try await kinds() == [.orderCancelled, .orderPaid, .orderPlaced])
            // A placement that rolls back (out of stock) leaves no notice.
            await #expect(throws: DomainError.self) { try await place(store, fan: fan, sku: sku, quantity: 10_000, market: market, key: "notice-2") }
            #expect(try await kinds().count == 3)

            // A sale opening within ten minutes reminds each fan who reserved it, once.
            let sale = try await scheduleSale(store, units: 5)
            _ = try await store.reserve(saleId: sale.id, accountId: fan.id, now: clock.now())
            #expect(try await store.noticeSalesOpening(now: clock.now(), before: clock.now().addingTimeInterval(30)) == 0)
            #expect(try await store.noticeSalesOpening(now: clock.now(), before: clock.now().addingTimeInterval(600)) == 1)
            #expect(try await store.noticeSalesOpening(now: clock.now(), before: clock.now().addingTimeInterval(600)) == 0)
            // A flash-sale win is confirmed like any order.
            _ = try await store.commitOne(purchase(sale, fan.id))
            #expect(try await kinds() == [.orderCancelled, .orderPaid, .orderPlaced, .orderPlaced, .saleOpening])

            // Two senders leasing at once never get the same notice.
            async let first = store.leaseDueNotices(now: clock.now(), until: clock.now().addingTimeInterval(60), limit: 3)
            async let second = store.leaseDueNotices(now: clock.now(), until: clock.now().addingTimeInterval(60), limit: 3)
            let leased = try await first.map(\.notice.id) + second.map(\.notice.id)
            #expect(leased.count == 5 && Set(leased).count == 5)
            #expect(try await store.leaseDueNotices(now: clock.now(), until: clock.now().addingTimeInterval(60), limit: 10).isEmpty)
        }
    }

    @Test(arguments: Backends.all) func anAccountLinkWorksOnceAndOnlyBeforeItExpires(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, _, _) = try await fixture(store)
            let now = clock.now()
            try await store.transaction { tx in
                try await tx.insertAccountToken(hash: "digest-1", accountId: fan.id, purpose: .resetPassword, expiresAt: now.addingTimeInterval(3600), now: now)
                try await tx.insertAccountToken(hash: "digest-2", accountId: fan.id, purpose: .resetPassword, expiresAt: now.addingTimeInterval(3600), now: now)
            }
            let use = { @Sendable (hash: String, purpose: AccountTokenPurpose, at: Date) in
                try await store.transaction { tx in try await tx.consumeAccountToken(hash: hash, purpose: purpose, now: at) }
            }
            #expect(try await use("digest-1", .verifyEmail, now) == nil)
            async let a = use("digest-1", .resetPassword, now)
            async let b = use("digest-1", .resetPassword, now)
            #expect([try await a, try await b].compactMap { $0 } == [fan.id])
            #expect(try await use("digest-2", .resetPassword, now.addingTimeInterval(3601)) == nil)
            // A new password ends the account's other reset links.
            try await store.transaction { tx in
                try await tx.insertAccountToken(hash: "digest-3", accountId: fan.id, purpose: .resetPassword, expiresAt: now.addingTimeInterval(3600), now: now)
                try await tx.setPassword(accountId: fan.id, hash: "new-hash", now: now)
            }
            #expect(try await use("digest-3", .resetPassword, now) == nil)
            #expect(try await store.account(id: fan.id)?.passwordHash == "new-hash")
        }
    }
}
