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
            let ids = try await fans(store, 2)
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
                _ = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "made-0", language: nil)
            }
            await #expect(throws: DomainError.invalid(field: "options.engraving", "the word \"sample\" cannot be engraved")) {
                _ = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "made-0", language: nil,
                                            options: ["back-cover": "walnut", "engraving": "Sample Unit"])
            }
            #expect(try await desk.batch(id: batch.id).reserved == 0)
            let made = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[0], address: address, idempotencyKey: "made-1", language: "es",
                                               options: ["back-cover": "walnut", "engraving": "  Ada 1815 "])
            #expect(made.preorder.options.map(\.value) == ["walnut", "Ada 1815"] && made.preorder.options.map(\.label) == ["Nogal", "“Ada 1815”"])
            #expect(made.preorder.unitPrice(in: batch) == batch.price + 1_700 && made.preorder.balance(in: batch) == batch.price + 1_700 - 5_000)
            clock.advance(by: 1)
            let plain = try await desk.preorder(skuId: skuId, marketCode: "GB", by: ids[1], address: address, idempotencyKey: "made-2", language: nil,
                                                options: ["back-cover": "glass"])
            // The deposit is the batch's; the deposit order names the options.
            let deposit = try #require(try await store.order(id: made.preorder.depositOrderId))
            #expect(deposit.totals.total == 5_000 && deposit.lines[0].productName.contains("Nogal") && deposit.lines[0].productName.contains("“Ada 1815”"))
            #expect(try await store.preorder(id: made.preorder.id)?.options == made.preorder.options)
            for placed in [made, plain] { _ = try await pay(store, try #require(try await store.order(id: placed.preorder.depositOrderId))) }

            // The build list: each unit with its options in pre-order sequence, and the parts tally.
            let list = try await desk.buildList(batchId: batch.id)
            #expect(list.units.map(\.id) == [made.preorder.id, plain.preorder.id])
            #expect(list.parts.map { "\($0.value)×\($0.units)" } == ["glass×1", "walnut×1", "Ada 1815×1"])

            // Packing charges what the options add with the balance, and names them.
            let warehouse = try #require(try await store.warehouses(marketCode: "GB").first?.id)
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let balances = try await desk.pack(batchId: batch.id, warehouseId: warehouse, by: staff).balanceOrders
            let balance = try #require(balances.first { $0.accountId == ids[0] })
            #expect(balance.lines.map(\.unitPrice) == [batch.price + 1_700 - 5_000] && balance.lines[0].productName.contains("Nogal"))
            #expect(balances.first { $0.accountId == ids[1] }?.lines.map(\.unitPrice) == [batch.price - 5_000])
            #expect(try await desk.buildList(batchId: batch.id).units.count == 2)

            // Shipped: the unit's warranty record says what it was built with.
            _ = try await pay(store, balance)
            _ = try await store.desk(clock).ship(orderId: balance.id, serials: ["MN3-MADE-0001"], actor: "staff:x", note: "shipped")
            let record = try #require(try await store.serialRecord(serial: "MN3-MADE-0001"))
            #expect(record.options == made.preorder.options && record.skuId == skuId)
            let fan = try #require(try await store.account(id: ids[0]))
            #expect(try await serviceDesk(store).warranty(serial: "MN3-MADE-0001", viewer: fan).record.options.map(\.value) == ["walnut", "Ada 1815"])
        }
    }
}
