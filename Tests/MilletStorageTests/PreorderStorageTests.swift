import Foundation
@testable import MilletCore
@testable import MilletStorage
import Testing

/// Build to order on every backend: pre-orders fill batches in order, a slip tells every buyer,
/// a cancel refunds the deposit, packing charges the balance on a unit received into stock.
extension StorageConformanceTests {
    func preorderDesk(_ store: SQLStore) -> PreorderDesk {
        PreorderDesk(store: store, preorders: store, catalog: store, markets: store, delivery: DeliveryOptions(methods: store, clock: clock), clock: clock)
    }

    @Test(arguments: Backends.all) func preordersFillBatchesInOrderASlipTellsBuyersAndPackingChargesTheBalance(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = preorderDesk(store)
            let ids = try await fans(store, 3)
            let skuId = try #require(try await store.product(slug: "millet-note-3")?.skus.first?.id)
            let day: TimeInterval = 86_400, now = clock.now()
            let address = try ShippingAddress(name: "Ada Fan", line1: "1 High Street", city: "Leeds", postcode: "LS1 1AA", phone: "+44 113 496 0000")
            let first = try await desk.open(BatchPlan(skuId: skuId, marketCode: "gb", units: 2, shipFrom: now.addingTimeInterval(10 * day),
                                                      shipTo: now.addingTimeInterval(17 * day), deposit: 5_000))
            let second = try await desk.open(BatchPlan(skuId: skuId, marketCode: "GB", units: 5, shipFrom: now.addingTimeInterval(30 * day),
                                                       shipTo: now.addingTimeInterval(37 * day), deposit: 5_000))
            #expect(first.number == 1 && second.number == 2 && first.marketCode == "GB" && !first.isFullPayment)
            await #expect(throws: DomainError.self) {
                _ = try await desk.open(BatchPlan(skuId: skuId, marketCode: "GB", units: 0, shipFrom: now, shipTo: now, deposit: 999_999_999))
            }
            // Three fans: the first two fill batch 1, the third goes to batch 2.
            var placed: [(preorder: Preorder, batch: ProductionBatch)] = []
            for (index, id) in ids.enumerated() {
                placed.append(try await desk.preorder(skuId: skuId, marketCode: "GB", by: id, address: address, idempotencyKey: "preorder-key-\(index)"))
            }
            #expect(placed.map(\.batch.number) == [1, 1, 2] && placed.allSatisfy { $0.preorder.status == .awaitingDeposit })
            let again = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "preorder-key-0")
            // The same key with another request is refused, and takes no place.
            await #expect(throws: IdempotentRequest.reused) {
                _ = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: try ShippingAddress(name: "Someone Else", line1: "9 Road",
                                            city: "Hull", postcode: "", phone: "+44 1482 000000"), idempotencyKey: "preorder-key-0")
            }
            let firstNow = try await desk.batch(id: first.id)
            #expect(again.preorder.id == placed[0].preorder.id && firstNow.reserved == 2)
            let deposit = try #require(try await store.order(id: placed[0].preorder.depositOrderId))
            #expect(deposit.totals.total == 5_000 && deposit.lines.allSatisfy(\.isService))
            // Deposits: two paid; the third is left to its deadline, which frees its place.
            for index in 0..<2 { _ = try await pay(store, try #require(try await store.order(id: placed[index].preorder.depositOrderId))) }
            #expect(try await store.preorder(id: placed[0].preorder.id)?.status == .reserved)
            clock.advance(by: 24 * 3600)
            _ = try await store.desk(clock).expireOverdue()
            let lapsed = try await store.preorder(id: placed[2].preorder.id), secondNow = try await desk.batch(id: second.id)
            #expect(lapsed?.status == .cancelled && secondNow.reserved == 0)
            // Nothing is late yet.
            #expect(try await desk.tellLateBatches().isEmpty)
            // Batch 1 slips: both buyers are told, in the slip's transaction.
            let slipped = try await desk.slip(batchId: first.id, shipFrom: now.addingTimeInterval(20 * day), shipTo: now.addingTimeInterval(27 * day))
            #expect(slipped.slips == 1 && slipped.shipTo == now.addingTimeInterval(27 * day))
            for index in 0..<2 { #expect(try await store.notices(accountId: ids[index], limit: 20).contains { $0.notice.kind == .preorderSlipped }) }
            await #expect(throws: DomainError.self) { _ = try await desk.slip(batchId: first.id, shipFrom: now, shipTo: now.addingTimeInterval(day)) }
            // The second buyer cancels in one click: the deposit comes back in full, the place goes back.
            let buyer = try #require(try await store.account(id: ids[1]))
            let stranger = try #require(try await store.account(id: ids[2]))
            await #expect(throws: DomainError.notFound(what: "pre-order")) { _ = try await desk.cancel(preorderId: placed[1].preorder.id, by: stranger) }
            #expect(try await desk.cancel(preorderId: placed[1].preorder.id, by: buyer).status == .cancelled)
            let refunded = try #require(try await store.order(id: placed[1].preorder.depositOrderId))
            #expect(refunded.status == .cancelled && refunded.refunds.map(\.amount) == [5_000])
            #expect(try await desk.batch(id: first.id).reserved == 1)
            // The new window passes with no word from staff: the buyer still holding a place is
            // told it is late, once.
            clock.advance(by: 30 * day)
            #expect(try await desk.tellLateBatches().map(\.id) == [first.id])
            #expect(try await desk.tellLateBatches().isEmpty)
            #expect(try await store.notices(accountId: ids[0], limit: 20).contains { $0.notice.kind == .preorderLate })
            // Packed: one unit received, the first buyer's balance order holds it.
            let warehouse = try #require(try await store.warehouses(marketCode: "GB").first?.id)
            let before = try await store.stock(skuId: skuId).first { $0.warehouseId == warehouse }
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let (packed, balances) = try await desk.pack(batchId: first.id, warehouseId: warehouse, by: staff)
            #expect(packed.status == .packed && balances.count == 1)
            let balance = try #require(balances.first)
            #expect(balance.lines.map(\.unitPrice) == [first.price - 5_000] && balance.lines.map(\.skuId) == [skuId] && balance.status == .pendingPayment)
            let after = try await store.stock(skuId: skuId).first { $0.warehouseId == warehouse }
            // Received into the packing warehouse, and held there.
            #expect(after?.received == (before?.received ?? 0) + 1 && after?.held == (before?.held ?? 0) + 1)
            #expect(balance.lines.map(\.warehouseId) == [warehouse])
            #expect(try await store.preorder(id: placed[0].preorder.id)?.status == .balanceDue)
            _ = try await pay(store, balance)
            #expect(try await store.preorder(id: placed[0].preorder.id)?.status == .complete)
            // Returned and refunded by staff: the deposit comes back too, and the pre-order closes.
            _ = try await store.desk(clock).apply(staffEvent: "refund", orderId: balance.id, serials: [], note: "returned", staffId: staff.id)
            #expect(try await store.preorder(id: placed[0].preorder.id)?.status == .cancelled)
            #expect(try await store.order(id: placed[0].preorder.depositOrderId)?.refunds.map(\.amount) == [5_000])
            await #expect(throws: DomainError.conflict(code: "batch_packed", message: "the batch is packed already")) {
                _ = try await desk.pack(batchId: first.id, warehouseId: warehouse, by: staff)
            }
        }
    }

    @Test(arguments: Backends.all) func aFullPaymentPreorderNeedsNothingMoreAtPackingAndFullBatchesRefuse(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = preorderDesk(store)
            let ids = try await fans(store, 2)
            let skuId = try #require(try await store.product(slug: "millet-note-3")?.skus.first?.id)
            let now = clock.now()
            let address = try ShippingAddress(name: "Bo Fan", line1: "2 Low Road", city: "York", postcode: "YO1 1AA", phone: "+44 1904 000000")
            let batch = try await desk.open(BatchPlan(skuId: skuId, marketCode: "GB", units: 1, shipFrom: now.addingTimeInterval(86_400),
                                                      shipTo: now.addingTimeInterval(7 * 86_400), deposit: nil))
            #expect(batch.isFullPayment)
            let placed = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "full-payment-1")
            await #expect(throws: DomainError.conflict(code: "no_batch_place", message: "no open batch of this model has a place: the next one opens when staff size it")) {
                _ = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[1], address: address, idempotencyKey: "full-payment-2")
            }
            let deposit = try #require(try await store.order(id: placed.preorder.depositOrderId))
            // Full payment takes the shipping now: packing has nothing left to charge.
            #expect(deposit.totals.total == batch.price + deposit.totals.shipping)
            _ = try await pay(store, deposit)
            let warehouse = try #require(try await store.warehouses(marketCode: "GB").first?.id)
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let balance = try #require(try await desk.pack(batchId: batch.id, warehouseId: warehouse, by: staff).balanceOrders.first)
            let complete = try await store.preorder(id: placed.preorder.id)
            #expect(balance.lines.map(\.unitPrice) == [0] && balance.totals.total == 0 && balance.status == .paid && complete?.status == .complete)
            #expect(try await desk.demand(since: now.addingTimeInterval(-86_400)).map(\.preorders) == [1])
            // Delivered, then sent back within the withdrawal window: all she paid, in the deposit's order, comes back.
            _ = try await store.desk(clock).ship(orderId: balance.id, serials: ["MN3-GB-BUILT-1"], actor: "staff:x", note: "")
            _ = try await store.desk(clock).apply(.deliver, orderId: balance.id, serials: [], actor: "staff:x", note: "")
            let buyer = try #require(try await store.account(id: ids[0]))
            let opened = try await serviceDesk(store).openReturn(orderId: balance.id, viewer: buyer, lines: [CaseLine(skuId: skuId, quantity: 1)],
                                                                 ground: .anyReason, description: "")
            #expect(opened.refundAmount == deposit.totals.total)
            _ = try await serviceDesk(store).apply(.init(event: .dropOff, note: ""), caseId: opened.id, staff: staff)
            let received = try await serviceDesk(store).apply(.init(event: .receive, note: ""), caseId: opened.id, staff: staff)
            #expect(received.refundId != nil)
            #expect(try await store.order(id: deposit.id)?.refunds.map(\.amount) == [deposit.totals.total])
        }
    }

    @Test(arguments: Backends.all) func aDepositRefundedByStaffFreesItsPlaceAndAnUnpaidBalanceRefundsTheDeposit(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = preorderDesk(store)
            let ids = try await fans(store, 2)
            let skuId = try #require(try await store.product(slug: "millet-note-3")?.skus.first?.id)
            let now = clock.now()
            let address = try ShippingAddress(name: "Cy Fan", line1: "3 Side Street", city: "Leeds", postcode: "LS2 2AA", phone: "+44 113 000 0000")
            let batch = try await desk.open(BatchPlan(skuId: skuId, marketCode: "GB", units: 2, shipFrom: now.addingTimeInterval(86_400),
                                                      shipTo: now.addingTimeInterval(7 * 86_400), deposit: 2_000))
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            var placed: [Preorder] = []
            for (index, id) in ids.enumerated() {
                let preorder = try await desk.preorder(skuId: skuId, marketCode: "GB", by: id, address: address, idempotencyKey: "refund-key-\(index)").preorder
                _ = try await pay(store, try #require(try await store.order(id: preorder.depositOrderId)))
                placed.append(preorder)
            }
            // Staff refund the first deposit from the orders console: the pre-order closes, its place is free.
            await #expect(throws: DomainError.conflict(code: "preorder_order", message: "a paid pre-order deposit is cancelled through the pre-order")) {
                _ = try await store.desk(clock).apply(staffEvent: "cancel", orderId: placed[0].depositOrderId, serials: [], note: nil, staffId: staff.id)
            }
            _ = try await store.desk(clock).apply(staffEvent: "refund", orderId: placed[0].depositOrderId, serials: [], note: "goodwill", staffId: staff.id)
            let closed = try await store.preorder(id: placed[0].id), freed = try await desk.batch(id: batch.id)
            #expect(closed?.status == .cancelled && freed.reserved == 1)
            // The second is packed and its balance left unpaid: it lapses and the deposit comes back.
            let warehouse = try #require(try await store.warehouses(marketCode: "GB").first?.id)
            let balance = try #require(try await desk.pack(batchId: batch.id, warehouseId: warehouse, by: staff).balanceOrders.first)
            clock.advance(by: PreorderDesk.balanceWindow + 1)
            #expect(try await store.desk(clock).expireOverdue() == [balance.id])
            #expect(try await store.preorder(id: placed[1].id)?.status == .lapsed)
            #expect(try await store.order(id: placed[1].depositOrderId)?.refunds.map(\.amount) == [2_000])
        }
    }

    @Test(arguments: Backends.all) func aCampaignBelowItsGoalRefundsEveryBackerAndOneAtItGoesOnToPacking(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = preorderDesk(store)
            let ids = try await fans(store, 3)
            let skus = try #require(try await store.product(slug: "millet-note-3")?.skus.prefix(2).map(\.id))
            let now = clock.now(), day: TimeInterval = 86_400
            let address = try ShippingAddress(name: "Di Fan", line1: "4 Hill Road", city: "Leeds", postcode: "LS3 3AA", phone: "+44 113 111 1111")
            await #expect(throws: DomainError.self) {
                _ = try await desk.open(BatchPlan(skuId: skus[0], marketCode: "GB", units: 5, shipFrom: now.addingTimeInterval(20 * day),
                                                  shipTo: now.addingTimeInterval(30 * day), deposit: nil, goal: 6, fundingEnds: now.addingTimeInterval(day)))
            }
            // Two campaigns ending tomorrow, each needing two backers.
            let missed = try await desk.open(BatchPlan(skuId: skus[0], marketCode: "GB", units: 5, shipFrom: now.addingTimeInterval(20 * day),
                                                       shipTo: now.addingTimeInterval(30 * day), deposit: 3_000, goal: 2, fundingEnds: now.addingTimeInterval(day)))
            let met = try await desk.open(BatchPlan(skuId: skus[1], marketCode: "GB", units: 5, shipFrom: now.addingTimeInterval(20 * day),
                                                    shipTo: now.addingTimeInterval(30 * day), deposit: nil, goal: 2, fundingEnds: now.addingTimeInterval(day)))
            #expect(missed.isCampaign && !missed.mayBePacked)
            // One backer pays for the first; two for the second (and a third never pays).
            let lone = try await desk.preorder(skuId: skus[0], marketCode: "GB", by: ids[0], address: address, idempotencyKey: "campaign-a-0")
            _ = try await pay(store, try #require(try await store.order(id: lone.preorder.depositOrderId)))
            var backers: [Preorder] = []
            for index in 0..<3 {
                let placed = try await desk.preorder(skuId: skus[1], marketCode: "GB", by: ids[index], address: address, idempotencyKey: "campaign-b-\(index)")
                if index < 2 { _ = try await pay(store, try #require(try await store.order(id: placed.preorder.depositOrderId))) }
                backers.append(placed.preorder)
            }
            let warehouse = try #require(try await store.warehouses(marketCode: "GB").first?.id)
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            await #expect(throws: DomainError.conflict(code: "campaign_not_funded", message: "a crowdfunded batch is packed once it reached its goal")) {
                _ = try await desk.pack(batchId: met.id, warehouseId: warehouse, by: staff)
            }
            #expect(try await desk.settleCampaigns().decided.isEmpty)
            // The deadline passes: no more pledges; the first campaign fails and refunds, the second is funded.
            clock.advance(by: day)
            await #expect(throws: DomainError.self) {
                _ = try await desk.preorder(skuId: skus[0], marketCode: "GB", by: ids[1], address: address, idempotencyKey: "campaign-a-late")
            }
            let decided = try await desk.settleCampaigns().decided
            let again = try await desk.settleCampaigns().decided
            #expect(Set(decided.map(\.id)) == [missed.id, met.id] && again.isEmpty)
            let failed = try await desk.batch(id: missed.id), funded = try await desk.batch(id: met.id)
            #expect(failed.status == .failed && funded.fundedAt != nil && funded.mayBePacked)
            #expect(try await store.preorder(id: lone.preorder.id)?.status == .cancelled)
            #expect(try await store.order(id: lone.preorder.depositOrderId)?.refunds.map(\.amount) == [3_000])
            // The funded one packs: two balance orders (the third fan's deposit never came).
            let packed = try await desk.pack(batchId: met.id, warehouseId: warehouse, by: staff)
            let unpaid = try await store.preorder(id: backers[2].id)
            #expect(packed.balanceOrders.count == 2 && unpaid?.status == .cancelled)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func fansRefusedAPlaceWaitAreCountedInDemandAndToldOnceWhenABatchOpens(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = preorderDesk(store)
            let ids = try await fans(store, 3)
            let skuId = try #require(try await store.product(slug: "millet-note-3")?.skus[1].id)
            let now = clock.now(), day: TimeInterval = 86_400
            let address = try ShippingAddress(name: "Ada Fan", line1: "1 High Street", city: "Leeds", postcode: "LS1 1AA", phone: "+44 113 496 0000")
            let first = try await desk.open(BatchPlan(skuId: skuId, marketCode: "GB", units: 1, shipFrom: now.addingTimeInterval(10 * day),
                                                      shipTo: now.addingTimeInterval(17 * day), deposit: 5_000))
            // While a batch has a place, there is nothing to wait for.
            await #expect(throws: DomainError.conflict(code: "batch_has_place", message: "a batch of this model has a place: pre-order it now")) {
                _ = try await desk.joinWaitlist(skuId: skuId, marketCode: "GB", by: ids[1])
            }
            _ = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "wait-0")
            // Full: two fans wait (one twice, which keeps one entry); an unknown SKU is refused.
            for id in [ids[1], ids[2], ids[2]] { _ = try await desk.joinWaitlist(skuId: skuId, marketCode: "gb", by: id) }
            await #expect(throws: DomainError.self) { _ = try await desk.joinWaitlist(skuId: Identifier.make(), marketCode: "GB", by: ids[1]) }
            #expect(try await desk.waitlist(of: ids[2]).map(\.marketCode) == ["GB"])
            let demand = try await desk.demand(since: now.addingTimeInterval(-day)).filter { $0.skuId == skuId }
            #expect(demand.map(\.preorders) == [1] && demand.map(\.waiting) == [2])
            // Nobody is told while every batch is full; one leaves.
            #expect(try await desk.tellWaitlist() == 0)
            try await desk.leaveWaitlist(skuId: skuId, marketCode: "GB", by: ids[2])
            await #expect(throws: DomainError.notFound(what: "waiting list entry")) { try await desk.leaveWaitlist(skuId: skuId, marketCode: "GB", by: ids[2]) }
            // The next batch opens: the fan still waiting is told once, by a notice naming it.
            let second = try await desk.open(BatchPlan(skuId: skuId, marketCode: "GB", units: 50, shipFrom: now.addingTimeInterval(30 * day),
                                                       shipTo: now.addingTimeInterval(37 * day), deposit: 5_000))
            #expect(try await desk.tellWaitlist() == 1)
            #expect(try await desk.tellWaitlist() == 0)
            let told = try await store.notices(accountId: ids[1], limit: 20).filter { $0.notice.kind == .batchOpened }
            #expect(told.count == 1 && told.first?.notice.subjectId == skuId && told.first?.notice.params["batch"] == String(second.number))
            #expect(try await desk.waitlist(of: ids[1]).first?.toldAt == clock.now() && first.number == 1)
            #expect(try await store.notices(accountId: ids[2], limit: 20).allSatisfy { $0.notice.kind != .batchOpened })
        }
    }
}
