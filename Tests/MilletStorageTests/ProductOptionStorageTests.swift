import Foundation
@testable import MilletCore
@testable import MilletStorage
import Testing

/// Products made to the buyer's choice on every backend: staff set options under the margin cap;
/// a configured pre-order pays its options with the balance, which names them; the batch's build
/// list and the shipped unit's warranty record carry them.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aConfiguredUnitIsPricedBuiltAndWarrantiedWithItsOptions(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let catalog = CatalogDesk(catalog: store, markets: store, pricing: PricingPolicy())
            let desk = preorderDesk(store)
            let ids = try await fans(store, 3)
            let note = try #require(try await store.product(slug: "millet-note-3"))
            let skuId = note.skus[0].id
            // The demo Note 3 is made to choice; staff replace its options, and one priced above
            // the margin cap is refused with nothing changed.
            let zero = CostBasis(billOfMaterials: 0, logistics: 0, duty: 0)
            let cover = ProductOption(code: "back-cover", kind: .choice, names: ["en": "Back cover"], required: true, choices: [
                OptionChoice(code: "glass", names: ["en": "Glass"], swatch: "#111111", prices: [OptionPrice(marketCode: "GB", price: 0, cost: zero)]),
                OptionChoice(code: "walnut", names: ["en": "Walnut", "es": "Nogal"], swatch: "#7c4a21",
                             prices: [OptionPrice(marketCode: "GB", price: 1_200, cost: CostBasis(billOfMaterials: 900, logistics: 80, duty: 0))]),
            ])
            let engraving = ProductOption(code: "engraving", kind: .text, names: ["en": "Engraving"], required: false,
                                          text: TextRule(maxLength: 12, blockedWords: ["sample"]),
                                          prices: [OptionPrice(marketCode: "GB", price: 500, cost: CostBasis(billOfMaterials: 400, logistics: 0, duty: 0))])
            let greedy = ProductOption(code: "bundle", kind: .choice, names: ["en": "Bundle"], required: false, choices: [
                OptionChoice(code: "gold", names: ["en": "Gold charger"], prices: [OptionPrice(marketCode: "GB", price: 9_000, cost: CostBasis(billOfMaterials: 1_000, logistics: 0, duty: 0))]),
            ])
            await #expect(throws: DomainError.self) { _ = try await catalog.setOptions(productId: note.id, [cover, engraving, greedy]) }
            #expect(try await store.options(productId: note.id).options.map(\.code) == ["back-cover", "engraving", "bundle"])
            _ = try await catalog.setOptions(productId: note.id, [cover, engraving])
            #expect(try await store.options(productId: note.id).options == [cover, engraving])

            let now = clock.now(), day: TimeInterval = 86_400
            let batch = try await desk.open(BatchPlan(skuId: skuId, marketCode: "GB", units: 10, shipFrom: now.addingTimeInterval(10 * day),
                                                      shipTo: now.addingTimeInterval(17 * day), deposit: 5_000))
            let address = try ShippingAddress(name: "Ada Fan", line1: "1 High Street", city: "Leeds", postcode: "LS1 1AA", phone: "+44 113 496 0000")
            // The cover is required; an engraving outside its rules is refused; neither takes a place.
            await #expect(throws: DomainError.invalid(field: "options.back-cover", "is required")) {
                _ = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "made-0")
            }
            await #expect(throws: DomainError.invalid(field: "options.engraving", "the word \"sample\" cannot be engraved")) {
                _ = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "made-0",
                                            options: ["back-cover": "walnut", "engraving": "Sample Unit"])
            }
            #expect(try await desk.batch(id: batch.id).reserved == 0)
            let made = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "made-1",
                                               options: ["back-cover": "walnut", "engraving": "  Ada 1815 "])
            // Named in the market's language, as the batch's orders are.
            #expect(made.preorder.options.map(\.value) == ["walnut", "Ada 1815"] && made.preorder.options.map(\.label) == ["Walnut", "“Ada 1815”"])
            #expect(made.preorder.unitPrice(in: batch) == batch.price + 1_700 && made.preorder.balance(in: batch) == batch.price + 1_700 - 5_000)
            clock.advance(by: 1)
            let plain = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[1], address: address, idempotencyKey: "made-2",
                                                options: ["back-cover": "glass"])
            clock.advance(by: 1)
            let third = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[2], address: address, idempotencyKey: "made-3",
                                                options: ["back-cover": "walnut"])
            // Staff stop selling walnut: a retry of a pre-order placed with it still answers that
            // pre-order; the same key with other choices is refused.
            _ = try await catalog.setOptions(productId: note.id, [ProductOption(code: "back-cover", kind: .choice, names: ["en": "Back cover"], required: true,
                                                                                  choices: [cover.choices[0]]), engraving])
            let retried = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "made-1",
                                                  options: ["engraving": "Ada 1815", "back-cover": "walnut"])
            #expect(retried.preorder.id == made.preorder.id)
            await #expect(throws: IdempotentRequest.reused) {
                _ = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "made-1", options: ["back-cover": "glass"])
            }
            _ = try await catalog.setOptions(productId: note.id, [cover, engraving])
            // The deposit is the batch's; the deposit order names the options.
            let deposit = try #require(try await store.order(id: made.preorder.depositOrderId))
            #expect(deposit.totals.total == 5_000 && deposit.lines[0].productName.contains("Walnut") && deposit.lines[0].productName.contains("“Ada 1815”"))
            #expect(try await store.preorder(id: made.preorder.id)?.options == made.preorder.options)
            for placed in [made, plain, third] { _ = try await pay(store, try #require(try await store.order(id: placed.preorder.depositOrderId))) }

            // The build list: each unit with its options in pre-order sequence, and the parts tally.
            let list = try await desk.buildList(batchId: batch.id)
            #expect(list.units.map(\.id) == [made.preorder.id, plain.preorder.id, third.preorder.id])
            // Engravings count together: each unit's text is on its own line.
            #expect(list.parts.map { "\($0.option)=\($0.value)×\($0.units)" } == ["back-cover=walnut×2", "back-cover=glass×1", "engraving=×1"])

            // Packing charges what the options add with the balance, and names them.
            let warehouse = try #require(try await store.warehouses(marketCode: "GB").first?.id)
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let before = try #require(try await store.stock(skuId: skuId).first { $0.warehouseId == warehouse })
            let balances = try await desk.pack(batchId: batch.id, warehouseId: warehouse, by: staff).balanceOrders
            let balance = try #require(balances.first { $0.accountId == ids[0] })
            #expect(balance.lines.map(\.unitPrice) == [batch.price + 1_700 - 5_000] && balance.lines[0].productName.contains("Walnut"))
            #expect(balances.first { $0.accountId == ids[1] }?.lines.map(\.unitPrice) == [batch.price - 5_000])
            #expect(try await desk.buildList(batchId: batch.id).units.count == 3)

            // Shipped: the unit's warranty record says what it was built with.
            _ = try await pay(store, balance)
            _ = try await store.desk(clock).ship(orderId: balance.id, serials: ["MN3-MADE-0001"], actor: "staff:x", note: "shipped")
            let record = try #require(try await store.serialRecord(serial: "MN3-MADE-0001"))
            #expect(record.options == made.preorder.options && record.skuId == skuId)
            let fan = try #require(try await store.account(id: ids[0]))
            #expect(try await serviceDesk(store).warranty(serial: "MN3-MADE-0001", viewer: fan).record.options.map(\.value) == ["walnut", "Ada 1815"])
            // The two other balances go unpaid: both units were built to a buyer's choice (the glass
            // cover is a choice here), so both are set aside rather than sold as standard ones.
            clock.advance(by: PreorderDesk.balanceWindow + 60)
            _ = try await store.desk(clock).expireOverdue()
            let after = try #require(try await store.stock(skuId: skuId).first { $0.warehouseId == warehouse })
            #expect(after.received == before.received + 1, "\(before) → \(after)")
            #expect(after.held == before.held && after.sold == before.sold + 1, "\(before) → \(after)")
            #expect(try await store.preorder(id: third.preorder.id)?.status == .lapsed)
        }
    }

    @Test(arguments: Backends.all) func aConfiguredUnitPaidInFullPaysItsOptionsAndShippingAtOnce(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = preorderDesk(store)
            let ids = try await fans(store, 1)
            let note = try #require(try await store.product(slug: "millet-note-3"))
            let options = try await store.options(productId: note.id)
            let now = clock.now()
            let batch = try await desk.open(BatchPlan(skuId: note.skus[0].id, marketCode: "GB", units: 3, shipFrom: now.addingTimeInterval(86_400),
                                                      shipTo: now.addingTimeInterval(7 * 86_400), deposit: nil))
            let address = try ShippingAddress(name: "Bo Fan", line1: "2 Low Road", city: "York", postcode: "YO1 1AA", phone: "+44 1904 000000")
            let chosen = ["back-cover": "sunset", "bundle": "case-charger"]
            let added = try options.configure(chosen, marketCode: "GB", language: "en").price
            let placed = try await desk.preorder(skuId: note.skus[0].id, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "full-made-1",
                                                 options: chosen)
            let deposit = try #require(try await store.order(id: placed.preorder.depositOrderId))
            // The whole unit with its options, and shipping priced on that.
            let quote = try await DeliveryOptions(methods: store, clock: clock).choose(nil, market: try #require(try await store.market(code: "GB")),
                                                                                      subtotal: batch.price + added, weightGrams: note.skus[0].weightGrams)
            #expect(added > 0 && deposit.totals.subtotal == batch.price + added && deposit.totals.shipping == quote.price)
            _ = try await pay(store, deposit)
            let warehouse = try #require(try await store.warehouses(marketCode: "GB").first?.id)
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let balance = try #require(try await desk.pack(batchId: batch.id, warehouseId: warehouse, by: staff).balanceOrders.first)
            #expect(balance.totals.total == 0 && balance.status == .paid && balance.lines[0].productName.contains("Sunset orange"))
        }
    }
}
