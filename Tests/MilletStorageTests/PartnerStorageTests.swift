import Foundation
@testable import MilletCore
@testable import MilletStorage
import MilletTesting
import Testing

/// Partners on every backend: keys kept as hashes and revoked at once; allocations that move
/// units out of a warehouse, never more than it has, whatever races them.
extension StorageConformanceTests {
    func partnerDesk(_ store: SQLStore) -> PartnerDesk {
        PartnerDesk(store: store, partners: store, catalog: store, inventory: store, markets: store, accounts: store, hasher: PlainHasher(), clock: clock)
    }

    @Test(arguments: Backends.all) func partnerKeysOpenOnlyTheirOrganisationUntilRevoked(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let shop = try await desk.createOrganisation(name: "Mi Home Madrid", kind: .ownStore)
            let other = try await desk.createOrganisation(name: "Phone Planet", kind: .retailer)
            let (key, token) = try await desk.issueKey(organisationId: shop.id, name: "till 1", scopes: [.stockRead, .salesWrite])
            // Only the hash is kept; the token opens the organisation with its scopes.
            #expect(try await store.key(id: key.id)?.secretHash == key.secretHash && !token.contains(key.secretHash))
            #expect(try await desk.caller(token: token) == PartnerCaller(keyId: key.id, organisationId: shop.id, scopes: [.stockRead, .salesWrite]))
            let altered = token.dropLast() + (token.last == "0" ? "1" : "0")
            #expect(try await desk.caller(token: String(altered)) == nil)
            // Another organisation cannot revoke it; its own staff can, at once.
            await #expect(throws: DomainError.notFound(what: "key")) { try await desk.revokeKey(organisationId: other.id, keyId: key.id) }
            try await desk.revokeKey(organisationId: shop.id, keyId: key.id)
            #expect(try await desk.caller(token: token) == nil)
            await #expect(throws: DomainError.self) { _ = try await desk.issueKey(organisationId: shop.id, name: "none", scopes: []) }
            let madrid = try await desk.addStore(organisationId: shop.id, name: "Gran Vía", address: "Gran Vía 1", city: "Madrid", phone: "+34 910 000 000", marketCode: "es")
            let othersStores = try await desk.stores(organisationId: other.id)
            #expect(madrid.marketCode == "ES" && othersStores.isEmpty)
        }
    }

    @Test(arguments: Backends.all) func allocationsNeverTakeMoreThanTheWarehouseHasWhileOrdersRaceThem(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let (fan, sku, market) = try await fixture(store)
            let warehouse = try #require(try await store.warehouses(marketCode: "IN").first)
            let retailer = try await desk.createOrganisation(name: "Croma", kind: .retailer)
            let stores = [try await desk.addStore(organisationId: retailer.id, name: "Andheri", address: "1 Link Road", city: "Mumbai", phone: "+34 910 000 000", marketCode: "IN"),
                          try await desk.addStore(organisationId: retailer.id, name: "Indiranagar", address: "100 Feet Road", city: "Bengaluru", phone: "+34 910 000 000", marketCode: "IN")]
            let week = Allocation.week(of: clock.now())
            // A warehouse of another market is refused.
            let spain = try #require(try await store.warehouses(marketCode: "ES").first)
            await #expect(throws: DomainError.self) {
                _ = try await desk.allocate(storeId: stores[0].id, skuId: sku.id, week: week, warehouseId: spain.id, units: 1, by: staff)
            }
            let onHand = try #require(try await store.stock(skuId: sku.id).first { $0.warehouseId == warehouse.id }).available
            // 30 allocations of 7 and 30 orders of 1 race for the warehouse's units.
            enum Outcome: Sendable { case allocated(Int64), ordered, refused }
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        do {
                            _ = try await desk.allocate(storeId: stores[index % 2].id, skuId: sku.id, week: week, warehouseId: warehouse.id, units: 7, by: staff)
                            return .allocated(7)
                        } catch { return .refused }
                    }
                    group.addTask {
                        do {
                            _ = try await self.place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "race-\(index)")
                            return .ordered
                        } catch { return .refused }
                    }
                }
                var all: [Outcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let allocated = outcomes.reduce(Int64(0)) { if case .allocated(let units) = $1 { $0 + units } else { $0 } }
            let ordered = Int64(outcomes.filter { if case .ordered = $0 { true } else { false } }.count)
            let level = try #require(try await store.stock(skuId: sku.id).first { $0.warehouseId == warehouse.id })
            let allocations = try await desk.allocations(organisationId: retailer.id)
            // Online stock and every allocation together are what was on hand, no more.
            #expect(allocated + ordered <= onHand && allocated > 0 && ordered > 0)
            #expect(allocations.reduce(0) { $0 + $1.units } == allocated && level.available + level.held + allocated == onHand)
            #expect(allocations.count == 2 && Set(allocations.map(\.storeId)) == Set(stores.map(\.id)))
            // Each allocation's ledger adds up to it.
            for allocation in allocations {
                let (_, moves) = try await desk.allocation(id: allocation.id)
                #expect(moves.allSatisfy { $0.kind == .allocated } && moves.reduce(0) { $0 + $1.units } == allocation.units)
            }
            // Units sent back go to the warehouse's stock again; not more than the store has.
            let back = try await desk.returnUnits(allocationId: allocations[0].id, units: 7, by: staff)
            #expect(back.returned == 7 && back.remaining == allocations[0].units - 7)
            let after = try #require(try await store.stock(skuId: sku.id).first { $0.warehouseId == warehouse.id })
            #expect(after.available == level.available + 7)
            await #expect(throws: DomainError.conflict(code: "not_enough_allocated", message: "the store has fewer than 100000 units of this allocation left")) {
                _ = try await desk.returnUnits(allocationId: allocations[0].id, units: 100_000, by: staff)
            }
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aStoreSaleDrawsOnTheAllocationAndItsSerialHasAWarranty(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let sku = try #require(try await store.product(slug: "millet-note-3")).skus[0]
            let warehouse = try #require(try await store.warehouses(marketCode: "ES").first)
            let shop = try await desk.createOrganisation(name: "Mi Store Madrid", kind: .ownStore)
            let madrid = try await desk.addStore(organisationId: shop.id, name: "Gran Vía", address: "Gran Vía 1", city: "Madrid", phone: "+34 910 000 000", marketCode: "ES")
            let (key, _) = try await desk.issueKey(organisationId: shop.id, name: "till", scopes: [.salesWrite])
            let caller = PartnerCaller(keyId: key.id, organisationId: shop.id, scopes: key.scopes)
            // Two weeks allocated: the sale takes the older week's units first.
            _ = try await desk.allocate(storeId: madrid.id, skuId: sku.id, week: "2026-W50", warehouseId: warehouse.id, units: 2, by: staff)
            _ = try await desk.allocate(storeId: madrid.id, skuId: sku.id, week: "2026-W49", warehouseId: warehouse.id, units: 1, by: staff)
            let price = try #require(try await store.price(skuId: sku.id, marketCode: "ES")).shelfPrice
            let request = StoreSaleRequest(storeId: madrid.id, skuId: sku.id, serials: ["mn3-es-0001", "MN3-ES-0002"], unitPrice: price,
                                           customerEmail: " Lucia@Example.test ", customerName: "Lucía")
            let sale = try await desk.sell(request, idempotencyKey: "till-0001", for: caller)
            #expect(sale.serials == ["MN3-ES-0001", "MN3-ES-0002"] && sale.currency == "EUR")
            // The same key answers the same sale; another request with it is refused.
            #expect(try await desk.sell(request, idempotencyKey: "till-0001", for: caller).id == sale.id)
            await #expect(throws: IdempotentRequest.reused) {
                _ = try await desk.sell(StoreSaleRequest(storeId: madrid.id, skuId: sku.id, serials: ["MN3-ES-0009"], unitPrice: price,
                                                         customerEmail: "lucia@example.test", customerName: "Lucía"), idempotencyKey: "till-0001", for: caller)
            }
            let weeks = try await desk.allocations(organisationId: shop.id).sorted { $0.week < $1.week }
            #expect(weeks.map(\.week) == ["2026-W49", "2026-W50"] && weeks.map(\.sold) == [1, 1])
            // The buyer, new to the store, has an account, an order like an online one, and the warranty from today.
            let buyer = try #require(try await store.account(email: "lucia@example.test"))
            let order = try #require(try await store.order(id: sale.orderId))
            #expect(order.accountId == buyer.id && order.status == .completed && order.totals.total == 2 * price && order.marketCode == "ES")
            let warranty = try await serviceDesk(store).warranty(serial: "MN3-ES-0002", viewer: buyer)
            #expect(warranty.start == clock.now() && warranty.record.skuId == sku.id && !warranty.covers.isEmpty && warranty.marketCode == "ES")
            // Its money was taken at the till: a return goes back to the store, not through the brand's refunds.
            await #expect(throws: DomainError.self) {
                _ = try await serviceDesk(store).openReturn(orderId: sale.orderId, viewer: buyer, lines: [CaseLine(skuId: sku.id, quantity: 1)],
                                                            ground: .anyReason, description: "")
            }
            do {
                _ = try await serviceDesk(store).openReturn(orderId: sale.orderId, viewer: buyer, lines: [CaseLine(skuId: sku.id, quantity: 1)],
                                                            ground: .anyReason, description: "")
            } catch DomainError.conflict(let code, _) {
                #expect(code == "return_to_store")
            }
            // One unit is left: a sale of two is refused and changes nothing; a sold serial cannot be sold again.
            await #expect(throws: DomainError.conflict(code: "not_enough_allocated", message: "the store has 1 of the 2 units allocated to sell")) {
                _ = try await desk.sell(StoreSaleRequest(storeId: madrid.id, skuId: sku.id, serials: ["MN3-ES-0003", "MN3-ES-0004"], unitPrice: price,
                                                         customerEmail: "lucia@example.test", customerName: "Lucía"), idempotencyKey: "till-0002", for: caller)
            }
            await #expect(throws: DomainError.conflict(code: "serial_sold", message: "serial MN3-ES-0001 was sold before")) {
                _ = try await desk.sell(StoreSaleRequest(storeId: madrid.id, skuId: sku.id, serials: ["MN3-ES-0001"], unitPrice: price,
                                                         customerEmail: "other@example.test", customerName: "Other"), idempotencyKey: "till-0003", for: caller)
            }
            #expect(try await desk.allocations(organisationId: shop.id).reduce(0) { $0 + $1.sold } == 2)
            #expect(try await store.account(email: "other@example.test") == nil)
            // Another partner's key cannot sell at this store, nor take back its sale.
            let other = try await desk.createOrganisation(name: "Phone Planet", kind: .retailer)
            let stranger = PartnerCaller(keyId: "k", organisationId: other.id, scopes: [.salesWrite])
            await #expect(throws: DomainError.notFound(what: "store")) {
                _ = try await desk.sell(request, idempotencyKey: "till-0004", for: stranger)
            }
            await #expect(throws: DomainError.notFound(what: "sale")) {
                _ = try await desk.returnSale(id: sale.id, serials: ["MN3-ES-0001"], reason: "changed her mind", for: stranger)
            }
            // Lucía brings one unit back to the store: it is the store's to sell again, and no longer hers.
            await #expect(throws: DomainError.self) {
                _ = try await desk.returnSale(id: sale.id, serials: ["MN3-ES-0009"], reason: "changed her mind", for: caller)
            }
            let back = try await desk.returnSale(id: sale.id, serials: ["mn3-es-0002"], reason: "changed her mind", for: caller)
            let reread = try await desk.storeSale(id: sale.id, for: caller)
            #expect(back.returnedSerials == ["MN3-ES-0002"] && reread.returnedSerials == ["MN3-ES-0002"])
            await #expect(throws: DomainError.conflict(code: "already_returned", message: "unit MN3-ES-0002 came back before")) {
                _ = try await desk.returnSale(id: sale.id, serials: ["MN3-ES-0002"], reason: "again", for: caller)
            }
            // It goes back to the latest week the sale drew on.
            #expect(try await desk.allocations(organisationId: shop.id).sorted { $0.week < $1.week }.map(\.sold) == [1, 0])
            await #expect(throws: DomainError.self) { _ = try await serviceDesk(store).warranty(serial: "MN3-ES-0002", viewer: buyer) }
            #expect(try await store.serialRecords(accountId: buyer.id).map(\.serial) == ["MN3-ES-0001"])
            #expect(try await store.order(id: sale.orderId)?.status == .completed)
            let resold = try await desk.sell(StoreSaleRequest(storeId: madrid.id, skuId: sku.id, serials: ["MN3-ES-0002"], unitPrice: price,
                                                              customerEmail: "other@example.test", customerName: "Other"), idempotencyKey: "till-0005", for: caller)
            #expect(try await store.serialRecord(serial: "MN3-ES-0002")?.orderId == resold.orderId)
            // The other unit has a case open: it stays hers until that is settled; then the whole order is refunded.
            let repair = try await serviceDesk(store).openService(serial: "MN3-ES-0001", kind: .repair, part: .mainUnit, viewer: buyer, description: "It will not charge")
            await #expect(throws: DomainError.conflict(code: "service_open", message: "unit MN3-ES-0001 has an open service case or plan; settle it first")) {
                _ = try await desk.returnSale(id: sale.id, serials: ["MN3-ES-0001"], reason: "changed her mind", for: caller)
            }
            _ = try await serviceDesk(store).cancel(caseId: repair.id, viewer: buyer)
            _ = try await desk.returnSale(id: sale.id, serials: ["MN3-ES-0001"], reason: "faulty charger port", for: caller)
            let refunded = try #require(try await store.order(id: sale.orderId))
            #expect(refunded.status == .refunded && refunded.timeline.last?.note.contains("faulty charger port") == true)
            #expect(refunded.timeline.last?.note.contains(Money(minorUnits: price, currency: "EUR").plain) == true)
            #expect(try await store.serialRecords(accountId: buyer.id).isEmpty)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aPartnerPriceBelowTheMinimumIsRefusedAndKeptForStaff(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let sku = try #require(try await store.product(slug: "millet-band-2")).skus[0]
            let warehouse = try #require(try await store.warehouses(marketCode: "GB").first)
            let retailer = try await desk.createOrganisation(name: "Carphone", kind: .retailer)
            let shop = try await desk.addStore(organisationId: retailer.id, name: "Leeds", address: "1 Briggate", city: "Leeds", phone: "+44 113 496 0000",
                                               marketCode: "GB")
            let (key, _) = try await desk.issueKey(organisationId: retailer.id, name: "till", scopes: [.salesWrite])
            let caller = PartnerCaller(keyId: key.id, organisationId: retailer.id, scopes: key.scopes)
            _ = try await desk.allocate(storeId: shop.id, skuId: sku.id, week: "2026-W49", warehouseId: warehouse.id, units: 3, by: staff)
            let now = clock.now(), day: TimeInterval = 86_400
            // A standing minimum, and a higher one for a launch week: the higher applies while both do.
            _ = try await desk.setMinimumPrice(skuId: sku.id, marketCode: "gb", price: 2_000, startsAt: now.addingTimeInterval(-day), endsAt: nil)
            _ = try await desk.setMinimumPrice(skuId: sku.id, marketCode: "GB", price: 2_500, startsAt: now.addingTimeInterval(-day), endsAt: now.addingTimeInterval(7 * day))
            await #expect(throws: DomainError.self) {
                _ = try await desk.setMinimumPrice(skuId: sku.id, marketCode: "GB", price: 1, startsAt: now, endsAt: now.addingTimeInterval(-day))
            }
            let below = DomainError.rejected(code: "below_minimum_price", message: "2400 is below the minimum advertised price 2500 in GB")
            await #expect(throws: below) { _ = try await desk.advertise(storeId: shop.id, skuId: sku.id, price: 2_400, for: caller) }
            await #expect(throws: below) {
                _ = try await desk.sell(StoreSaleRequest(storeId: shop.id, skuId: sku.id, serials: ["MB2-GB-0001"], unitPrice: 2_400,
                                                         customerEmail: "fan@millet.test", customerName: "Fan"), idempotencyKey: "till-map-1", for: caller)
            }
            // Both refusals are kept; nothing was sold or advertised.
            let refusals = try await desk.priceRefusals(organisationId: retailer.id)
            #expect(Set(refusals.map(\.context)) == [.sale, .advertised] && refusals.allSatisfy { $0.price == 2_400 && $0.minimum == 2_500 && $0.storeId == shop.id })
            let unsold = try await desk.allocations(organisationId: retailer.id).first?.sold, advertised = try await desk.advertisedPrices(for: caller)
            #expect(unsold == 0 && advertised.isEmpty)
            #expect(try await desk.advertise(storeId: shop.id, skuId: sku.id, price: 2_500, for: caller).price == 2_500)
            // A minimum set by mistake is ended at once; one ended before is a 404.
            let mistake = try await desk.setMinimumPrice(skuId: sku.id, marketCode: "GB", price: 99_000, startsAt: now, endsAt: nil)
            await #expect(throws: DomainError.self) { _ = try await desk.advertise(storeId: shop.id, skuId: sku.id, price: 2_500, for: caller) }
            #expect(try await desk.endMinimumPrice(id: mistake.id).endsAt == clock.now())
            await #expect(throws: DomainError.notFound(what: "minimum price")) { _ = try await desk.endMinimumPrice(id: mistake.id) }
            #expect(try await desk.advertise(storeId: shop.id, skuId: sku.id, price: 2_500, for: caller).price == 2_500)
            // After the launch week the standing minimum applies.
            clock.advance(by: 8 * day)
            #expect(try await desk.advertise(storeId: shop.id, skuId: sku.id, price: 2_100, for: caller).price == 2_100)
            #expect(try await desk.advertisedPrices(for: caller).map(\.price) == [2_100])
            _ = try await desk.sell(StoreSaleRequest(storeId: shop.id, skuId: sku.id, serials: ["MB2-GB-0002"], unitPrice: 2_000,
                                                     customerEmail: "fan@millet.test", customerName: "Fan"), idempotencyKey: "till-map-2", for: caller)
            #expect(try await desk.priceRefusals(organisationId: nil).count == 3)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func storesReportSellThroughAndOneRunningOutIsFlagged(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let sku = try #require(try await store.product(slug: "millet-router-ax")).skus[0]
            let chain = try await desk.createOrganisation(name: "Erafone", kind: .retailer)
            let (busy, quiet) = (try await desk.addStore(organisationId: chain.id, name: "Kota Kasablanka", address: "Jl. Casablanca 88", city: "Jakarta",
                                                         phone: "+62 21 2946 0000", marketCode: "ID"),
                                 try await desk.addStore(organisationId: chain.id, name: "Surabaya", address: "Jl. Basuki Rahmat 8", city: "Surabaya",
                                                         phone: "+62 31 531 0000", marketCode: "ID"))
            let (key, _) = try await desk.issueKey(organisationId: chain.id, name: "back office", scopes: [.sellthroughWrite])
            let caller = PartnerCaller(keyId: key.id, organisationId: chain.id, scopes: key.scopes)
            let today = clock.now(), day: TimeInterval = 86_400
            func date(_ back: Int) -> String { MessageCourier.day(today.addingTimeInterval(-Double(back) * day)) }
            // Four weeks: the busy store sells 2 a day and has 20 left (1.4 weeks); the quiet one sells 1 a week with 30 left.
            var lines: [(storeId: String, skuId: String, day: String, sold: Int64, onHand: Int64, returned: Int64)] = []
            for back in 0..<28 {
                lines.append((busy.id, sku.id, date(back), 2, 20 + Int64(back) * 2, back == 3 ? 1 : 0))
                if back % 7 == 0 { lines.append((quiet.id, sku.id, date(back), 1, 30, 0)) }
            }
            // Sent twice, the last line of a day counts.
            lines.append((busy.id, sku.id, date(0), 2, 20, 0))
            #expect(try await desk.reportSellThrough(lines, for: caller).count == 32)
            let (report, daily) = try await desk.sellThrough(organisationId: chain.id, days: 28)
            let running = try #require(report.first)
            #expect(running.storeId == busy.id && running.sold == 56 && running.onHand == 20 && running.returned == 1 && running.lowCover)
            #expect(abs((running.weeksOfCover ?? 0) - 20.0 / 14.0) < 0.001 && abs(running.weeklyRate - 14) < 0.001)
            #expect(report.count == 2 && report[1].storeId == quiet.id && !report[1].lowCover && report[1].onHand == 30)
            #expect(daily.count == 28 && daily.last?.sold == 3)
            // Reporting again replaces a day; a future day, another partner's store or a bad figure changes nothing.
            try await desk.reportSellThrough([(busy.id, sku.id, date(0), 2, 200, 0)], for: caller)
            #expect(try await desk.sellThrough(organisationId: chain.id, days: 28).lines.first { $0.storeId == busy.id }?.lowCover == false)
            let other = try await desk.createOrganisation(name: "iBox", kind: .retailer)
            await #expect(throws: DomainError.notFound(what: "store")) {
                try await desk.reportSellThrough([(busy.id, sku.id, date(1), 9, 9, 0)],
                                                 for: PartnerCaller(keyId: "k", organisationId: other.id, scopes: [.sellthroughWrite]))
            }
            await #expect(throws: DomainError.self) { try await desk.reportSellThrough([(busy.id, sku.id, MessageCourier.day(today.addingTimeInterval(day)), 1, 1, 0)], for: caller) }
            await #expect(throws: DomainError.self) { try await desk.reportSellThrough([(busy.id, sku.id, date(1), -1, 1, 0)], for: caller) }
            #expect(try await desk.sellThrough(organisationId: chain.id, days: 28).lines.first { $0.storeId == busy.id }?.sold == 56)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func anEcoBrandSubmitsAProductThatStaffPublishOrSendBack(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let brand = try await desk.createOrganisation(name: "Roidmi", kind: .ecoBrand)
            let retailer = try await desk.createOrganisation(name: "Croma", kind: .retailer)
            let (key, _) = try await desk.issueKey(organisationId: brand.id, name: "catalogue", scopes: [.catalogWrite])
            let caller = PartnerCaller(keyId: key.id, organisationId: brand.id, scopes: key.scopes)
            let cost = CostBasis(billOfMaterials: 9_000, logistics: 500, duty: 0)
            func submission(_ slug: String, price: Int64, code: String = "RDM-X-WHT") -> ProductSubmission {
                ProductSubmission(slug: slug, texts: ["en": ProductText(name: "Roidmi Vacuum X", description: "A cordless vacuum."),
                                                      "zh-Hans": ProductText(name: "睿米吸尘器 X", description: "无线吸尘器。")],
                                  variants: [.init(code: code, colour: "white", storage: "-", weightGrams: 2_400,
                                                   prices: [(marketCode: "cn", price: price, cost: cost)])])
            }
            // Only an eco-chain brand submits; a price above the cap is refused; nothing is stored then.
            await #expect(throws: DomainError.self) {
                _ = try await desk.submitProduct(submission("croma-x", price: 10_000), for: PartnerCaller(keyId: "k", organisationId: retailer.id, scopes: [.catalogWrite]))
            }
            await #expect(throws: DomainError.self) { _ = try await desk.submitProduct(submission("roidmi-x", price: 20_000), for: caller) }
            #expect(try await store.product(slug: "roidmi-x") == nil)
            let (product, review) = try await desk.submitProduct(submission("roidmi-x", price: 11_000), for: caller)
            #expect(!product.published && product.brandId == brand.id && review.status == .submitted)
            let stored = try #require(try await store.product(slug: "roidmi-x"))
            let storedPrice = try await store.price(skuId: stored.skus[0].id, marketCode: "CN")
            #expect(!stored.published && stored.brandId == brand.id && storedPrice?.shelfPrice == 11_000)
            await #expect(throws: DomainError.conflict(code: "slug_taken", message: "another product has roidmi-x")) {
                _ = try await desk.submitProduct(submission("roidmi-x", price: 11_000), for: caller)
            }
            #expect(try await desk.waitingReviews().map(\.0.id) == [product.id])
            // Another brand never sees it; staff publish it, once.
            let other = try await desk.createOrganisation(name: "Yeelight", kind: .ecoBrand)
            await #expect(throws: DomainError.notFound(what: "product")) {
                _ = try await desk.brandProduct(id: product.id, for: PartnerCaller(keyId: "k", organisationId: other.id, scopes: [.catalogWrite]))
            }
            await #expect(throws: DomainError.self) { _ = try await desk.decide(productId: product.id, approve: false, note: "") }
            #expect(try await desk.decide(productId: product.id, approve: true, note: "").status == .approved)
            #expect(try await store.product(slug: "roidmi-x")?.published == true)
            await #expect(throws: DomainError.conflict(code: "review_decided", message: "the product was approved already")) {
                _ = try await desk.decide(productId: product.id, approve: false, note: "too late")
            }
            // A second product sent back stays unpublished, with the note for the brand.
            await #expect(throws: DomainError.conflict(code: "sku_code_taken", message: "another product has the SKU code RDM-X-WHT")) {
                _ = try await desk.submitProduct(submission("roidmi-y", price: 11_000), for: caller)
            }
            let (second, _) = try await desk.submitProduct(submission("roidmi-y", price: 11_000, code: "RDM-Y-BLK"), for: caller)
            #expect(try await desk.decide(productId: second.id, approve: false, note: "Add the Spanish text").note == "Add the Spanish text")
            let mine = try await desk.brandProducts(for: caller)
            let sentBack = try await store.product(slug: "roidmi-y")
            #expect(Set(mine.map(\.1.status)) == [.approved, .rejected] && sentBack?.published == false)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aBrandsSettlementTakesTheCommissionAndClawsBackARefund(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let brand = try await desk.createOrganisation(name: "Roidmi", kind: .ecoBrand)
            _ = try await desk.setCommission(organisationId: brand.id, basisPoints: 1_000)
            let (key, _) = try await desk.issueKey(organisationId: brand.id, name: "catalogue", scopes: [.catalogWrite])
            let caller = PartnerCaller(keyId: key.id, organisationId: brand.id, scopes: key.scopes)
            let cost = CostBasis(billOfMaterials: 9_000, logistics: 500, duty: 0)
            let (product, _) = try await desk.submitProduct(ProductSubmission(
                slug: "roidmi-settled", texts: ["en": ProductText(name: "Roidmi Vacuum", description: "Cordless.")],
                variants: [.init(code: "RDM-S-1", colour: "white", storage: "-", weightGrams: 2_000, prices: [(marketCode: "GB", price: 11_000, cost: cost)])]),
                for: caller)
            _ = try await desk.decide(productId: product.id, approve: true, note: "")
            let sku = product.skus[0]
            let warehouse = try #require(try await store.warehouses(marketCode: "GB").first)
            _ = try await store.receive(skuId: sku.id, warehouseId: warehouse.id, quantity: 10)
            let fan = try #require(try await store.account(email: "fan@millet.test"))
            let gb = try #require(try await store.market(code: "GB"))
            let (month, _) = SettlementStatement.month(of: clock.now())
            // Two paid orders, one of them refunded in part; one left unpaid and one cancelled unpaid count for nothing.
            let first = try await place(store, fan: fan, sku: sku, quantity: 2, market: gb, key: "brand-1").order
            let second = try await place(store, fan: fan, sku: sku, quantity: 1, market: gb, key: "brand-2").order
            _ = try await place(store, fan: fan, sku: sku, quantity: 1, market: gb, key: "brand-3").order
            let cancelled = try await place(store, fan: fan, sku: sku, quantity: 1, market: gb, key: "brand-4").order
            _ = try await store.desk(clock).apply(.cancel, orderId: cancelled.id, serials: [], actor: "account:x", note: "changed my mind")
            for order in [first, second] { _ = try await pay(store, order) }
            _ = try await store.desk(clock).refund(orderId: second.id, amount: 5_000, reason: "dented box", actor: "staff:x")
            // An order of the brand's own phone is not the brand's.
            let (_, note, _) = try await fixture(store)
            _ = try await pay(store, try await place(store, fan: fan, sku: note, quantity: 1, market: gb, key: "own-1").order)

            let statement = try await desk.settlement(organisationId: brand.id, from: month, to: clock.now().addingTimeInterval(86_400))
            #expect(Set(statement.orders.map(\.orderId)) == [first.id, second.id])
            let total = try #require(statement.totals.first)
            // Before tax: the store remits the VAT in the United Kingdom's prices.
            let sales = gb.tax.net(ofShelfPrice: 22_000) + gb.tax.net(ofShelfPrice: 11_000)
            let clawback = gb.tax.net(ofShelfPrice: MinorUnitMath.scale(5_000, by: 11_000, over: second.totals.total))
            #expect(sales < 33_000 && statement.totals.count == 1 && total.currency == "GBP" && total.sales == sales)
            #expect(total.commission == MinorUnitMath.scale(sales, by: 1_000, over: 10_000))
            #expect(total.clawback == clawback && total.commissionReturned == MinorUnitMath.scale(clawback, by: 1_000, over: 10_000))
            #expect(total.payable == sales - total.commission - clawback + total.commissionReturned)
            // Next month, the orders sold before count only for refunds made then.
            clock.advance(by: 40 * 86_400)
            let (nextMonth, nextEnd) = SettlementStatement.month(of: clock.now())
            _ = try await store.desk(clock).refund(orderId: first.id, amount: 1_000, reason: "missing brush", actor: "staff:x")
            let later = try await desk.settlement(organisationId: brand.id, from: nextMonth, to: nextEnd)
            #expect(later.orders.map(\.orderId) == [first.id] && later.totals.first?.sales == 0 && (later.totals.first?.clawback ?? 0) > 0)
            // A retailer is not settled; the commission is capped.
            let retailer = try await desk.createOrganisation(name: "Croma", kind: .retailer)
            await #expect(throws: DomainError.self) { _ = try await desk.settlement(organisationId: retailer.id, from: nextMonth, to: nextEnd) }
            await #expect(throws: DomainError.self) { _ = try await desk.setCommission(organisationId: brand.id, basisPoints: 9_000) }
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aBrandsReceiverHearsOnlyOfCasesAboutItsUnits(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let (fan, note, market) = try await fixture(store)
            var brands: [(PartnerOrganisation, SKU)] = []
            for (name, code) in [("Roidmi", "RDM-W-1"), ("Yeelight", "YL-W-1")] {
                let brand = try await desk.createOrganisation(name: name, kind: .ecoBrand)
                let caller = PartnerCaller(keyId: "k", organisationId: brand.id, scopes: [.catalogWrite])
                let (product, _) = try await desk.submitProduct(ProductSubmission(
                    slug: name.lowercased() + "-w", texts: ["en": ProductText(name: name, description: "")],
                    variants: [.init(code: code, colour: "white", storage: "-", weightGrams: 500,
                                     prices: [(marketCode: "IN", price: 100_000, cost: CostBasis(billOfMaterials: 90_000, logistics: 0, duty: 0))])]), for: caller)
                _ = try await desk.decide(productId: product.id, approve: true, note: "")
                _ = try await store.receive(skuId: product.skus[0].id, warehouseId: try #require(try await store.warehouses(marketCode: "IN").first).id, quantity: 5)
                brands.append((brand, product.skus[0]))
            }
            let staffEndpoint = try WebhookEndpoint.register(url: "https://brand.example/all", events: ["service_case.opened"], now: clock.now())
            let roidmiEndpoint = try WebhookEndpoint.register(url: "https://roidmi.example/hooks", events: ["service_case.opened"], now: clock.now(),
                                                              organisationId: brands[0].0.id)
            let yeelightEndpoint = try WebhookEndpoint.register(url: "https://yeelight.example/hooks", events: ["service_case.opened"], now: clock.now(),
                                                                organisationId: brands[1].0.id)
            for endpoint in [staffEndpoint, roidmiEndpoint, yeelightEndpoint] { try await store.addEndpoint(endpoint) }
            // A unit of each brand sold and shipped, and the brand's own phone: each case reaches the brand of its unit only.
            var serials: [String] = []
            for (index, (_, sku)) in brands.enumerated() {
                let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "hook-\(index)").order
                _ = try await pay(store, order)
                _ = try await store.desk(clock).ship(orderId: order.id, serials: ["\(sku.code)-0001"], actor: "staff:x", note: "")
                serials.append("\(sku.code)-0001")
            }
            let ownOrder = try await place(store, fan: fan, sku: note, quantity: 1, market: market, key: "hook-own").order
            for data in [["caseId": Identifier.make(), "serial": serials[0]], ["caseId": Identifier.make(), "serial": serials[1]],
                         ["caseId": Identifier.make(), "orderId": ownOrder.id]] {
                try await store.transaction { tx in try await tx.publish(.serviceCaseOpened, data: data, at: clock.now()) }
            }
            #expect(try await store.deliveries(endpointId: staffEndpoint.id, limit: 10).count == 3)
            #expect(try await store.deliveries(endpointId: roidmiEndpoint.id, limit: 10).count == 1)
            #expect(try await store.deliveries(endpointId: yeelightEndpoint.id, limit: 10).count == 1)
            // Yeelight's factory key makes a secret for any serial, but a unit sold as Roidmi's is not Yeelight's to register.
            let lamp = try DeviceModel.create(id: "yeelight-lamp", name: "Yeelight lamp", kind: .other, productLine: "eco-chain", now: clock.now(),
                                              brandId: brands[1].0.id)
            let vacuum = try DeviceModel.create(id: "roidmi-vacuum", name: "Roidmi vacuum", kind: .other, productLine: "eco-chain", now: clock.now(),
                                                brandId: brands[0].0.id)
            for model in [lamp, vacuum] { try await store.createModel(model) }
            await #expect(throws: DomainError.conflict(code: "serial_taken", message: "serial \(serials[0]) was sold as another brand's unit")) {
                _ = try await store.register(try DeviceRegistration(serial: serials[0], modelId: lamp.id, secret: lamp.factorySecret(serial: serials[0]),
                                                                    marketCode: "IN", channel: "stable", version: "1.0.0"), tokenHash: "h1", now: clock.now())
            }
            let registered = try await store.register(try DeviceRegistration(serial: serials[0], modelId: vacuum.id, secret: vacuum.factorySecret(serial: serials[0]),
                                                                             marketCode: "IN", channel: "stable", version: "1.0.0"), tokenHash: "h2", now: clock.now())
            #expect(registered.modelId == vacuum.id)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aReturnTakesBackOnlyWhatItsLinesWereOfTheBrand(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let brand = try await desk.createOrganisation(name: "Roidmi", kind: .ecoBrand)
            let caller = PartnerCaller(keyId: "k", organisationId: brand.id, scopes: [.catalogWrite])
            let (product, _) = try await desk.submitProduct(ProductSubmission(
                slug: "roidmi-mixed", texts: ["en": ProductText(name: "Roidmi Vacuum", description: "")],
                variants: [.init(code: "RDM-M-1", colour: "white", storage: "-", weightGrams: 900,
                                 prices: [(marketCode: "ES", price: 12_000, cost: CostBasis(billOfMaterials: 10_000, logistics: 0, duty: 0))])]), for: caller)
            _ = try await desk.decide(productId: product.id, approve: true, note: "")
            let vacuum = product.skus[0]
            let es = try #require(try await store.market(code: "ES"))
            _ = try await store.receive(skuId: vacuum.id, warehouseId: try #require(try await store.warehouses(marketCode: "ES").first).id, quantity: 5)
            // One order: the store's own phone and the brand's vacuum, paid, shipped and delivered.
            let fan = try #require(try await store.account(email: "fan@millet.test"))
            let phone = try #require(try await store.product(slug: "millet-note-3")).skus[0]
            let phonePrice = try #require(try await store.price(skuId: phone.id, marketCode: "ES")).shelfPrice
            let totals = try OrderTotals.compute(lines: [(phonePrice, 1), (12_000, 1)], market: es)
            let order = try await store.place(OrderDraft(
                id: Identifier.makeSequential(), accountId: fan.id, market: es,
                lines: [(phone.id, phone.code, "Note 3", 1, phonePrice), (vacuum.id, vacuum.code, "Vacuum", 1, 12_000)], totals: totals,
                shippingAddress: address, idempotencyKey: "mixed-1", now: clock.now()), clearingCart: nil).order
            _ = try await pay(store, order)
            _ = try await store.desk(clock).ship(orderId: order.id, serials: ["MN3-ES-MIX1", "RDM-ES-MIX1"], actor: "staff:x", note: "")
            _ = try await store.desk(clock).apply(.deliver, orderId: order.id, serials: [], actor: "staff:x", note: "")
            // The phone comes back and is refunded: nothing of the vacuum's sale is taken back.
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let opened = try await serviceDesk(store).openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: phone.id, quantity: 1)],
                                                                 ground: .anyReason, description: "changed my mind")
            _ = try await serviceDesk(store).apply(.init(event: .dropOff, note: ""), caseId: opened.id, staff: staff)
            _ = try await serviceDesk(store).apply(.init(event: .receive, note: ""), caseId: opened.id, staff: staff)
            #expect(try await store.order(id: order.id)?.refunds.count == 1)
            let (month, end) = SettlementStatement.month(of: clock.now())
            let statement = try await desk.settlement(organisationId: brand.id, from: month, to: end)
            #expect(statement.orders.map(\.orderId) == [order.id] && statement.totals.first?.clawback == 0)
            #expect(statement.totals.first?.sales == es.tax.net(ofShelfPrice: 12_000))
            // Then the vacuum comes back too: its whole price is taken back.
            let second = try await serviceDesk(store).openReturn(orderId: order.id, viewer: fan, lines: [CaseLine(skuId: vacuum.id, quantity: 1)],
                                                                 ground: .anyReason, description: "changed my mind")
            _ = try await serviceDesk(store).apply(.init(event: .dropOff, note: ""), caseId: second.id, staff: staff)
            _ = try await serviceDesk(store).apply(.init(event: .receive, note: ""), caseId: second.id, staff: staff)
            let after = try await desk.settlement(organisationId: brand.id, from: month, to: end)
            #expect(after.totals.first?.clawback == es.tax.net(ofShelfPrice: 12_000))
        }
    }
}

extension StorageConformanceTests {
    /// One unit of `sku` ordered by `fan`, paid, shipped as `serial` and delivered.
    func deliveredUnit(_ store: SQLStore, fan: Account, sku: SKU, market: Market, serial: String, key: String) async throws -> Order {
        let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: key).order
        _ = try await pay(store, order)
        _ = try await store.desk(clock).ship(orderId: order.id, serials: [serial], actor: "staff:x", note: "")
        return try await store.desk(clock).apply(.deliver, orderId: order.id, serials: [], actor: "staff:x", note: "")
    }

    @Test(arguments: Backends.all) func aBrandsRepairGoesToItsOwnCentreWhichMovesItOn(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let service = serviceDesk(store)
            var brands: [(PartnerOrganisation, SKU)] = []
            for (name, code) in [("Roidmi", "RDM-R-1"), ("Yeelight", "YL-R-1")] {
                let brand = try await desk.createOrganisation(name: name, kind: .ecoBrand)
                let (product, _) = try await desk.submitProduct(ProductSubmission(
                    slug: name.lowercased() + "-r", texts: ["en": ProductText(name: name, description: "")],
                    variants: [.init(code: code, colour: "white", storage: "-", weightGrams: 500,
                                     prices: [(marketCode: "IN", price: 100_000, cost: CostBasis(billOfMaterials: 90_000, logistics: 0, duty: 0))])]),
                    for: PartnerCaller(keyId: "k", organisationId: brand.id, scopes: [.catalogWrite]))
                _ = try await desk.decide(productId: product.id, approve: true, note: "")
                _ = try await store.receive(skuId: product.skus[0].id, warehouseId: try #require(try await store.warehouses(marketCode: "IN").first).id, quantity: 5)
                brands.append((brand, product.skus[0]))
            }
            let (roidmi, vacuum) = brands[0]
            let yeelight = brands[1].0
            // A Roidmi vacuum sold, shipped and delivered; it stops charging.
            let fan = try #require(try await store.account(email: "fan@millet.test"))
            let staff = try #require(try await store.account(email: "staff@millet.test"))
            let india = try #require(try await store.market(code: "IN"))
            _ = try await deliveredUnit(store, fan: fan, sku: vacuum, market: india, serial: "RDM-IN-0001", key: "repair-1")
            let opened = try await service.openService(serial: "RDM-IN-0001", kind: .repair, part: .mainUnit, viewer: fan, description: "It will not charge")
            #expect(opened.brandId == roidmi.id)
            _ = try await service.apply(.init(event: .approve, note: ""), caseId: opened.id, staff: staff)
            // While the brand has no centre in India, the store's centres take it.
            let storeCentres = Set(try await store.serviceCentres(marketCode: "IN", includeInactive: false).map(\.id))
            #expect(Set(try await service.pickupSlots(caseId: opened.id, viewer: fan, centres: store).map(\.centre.id)) == storeCentres)
            // Roidmi opens one; another brand or the store's id is not Roidmi's to take.
            let centre = try ServiceCentre(id: "roidmi-bengaluru", marketCode: "IN", name: "Roidmi Service Bengaluru", address: "4 Residency Road",
                                           hours: "Mon–Sat 10:00–19:00", pickupsPerDay: 5, organisationId: roidmi.id)
            try await service.saveCentre(centre, centres: store)
            for (id, owner) in [("roidmi-bengaluru", yeelight.id), (storeCentres.first!, roidmi.id)] {
                let taken = try ServiceCentre(id: id, marketCode: "IN", name: "Taken", address: "x", hours: "x", pickupsPerDay: 1, organisationId: owner)
                await #expect(throws: DomainError.conflict(code: "centre_taken", message: "centre id \(id) is taken; choose another")) {
                    try await service.saveCentre(taken, centres: store)
                }
            }
            #expect(try await store.serviceCentre(id: "roidmi-bengaluru")?.name == "Roidmi Service Bengaluru")
            #expect(try await store.serviceCentres(organisationId: roidmi.id).map(\.id) == ["roidmi-bengaluru"])
            #expect(try await store.serviceCentres(organisationId: yeelight.id).isEmpty)
            // Now the fan is offered Roidmi's centre only, and cannot book the store's.
            let slots = try await service.pickupSlots(caseId: opened.id, viewer: fan, centres: store)
            #expect(!slots.isEmpty && Set(slots.map(\.centre.id)) == ["roidmi-bengaluru"])
            await #expect(throws: DomainError.self) {
                _ = try await service.bookPickup(caseId: opened.id, viewer: fan, centreId: storeCentres.first!, day: slots[0].day)
            }
            _ = try await service.bookPickup(caseId: opened.id, viewer: fan, centreId: "roidmi-bengaluru", day: slots[0].day)
            // Yeelight knows nothing of it; Roidmi lists it and moves it on to the end, but refunds are the store's.
            await #expect(throws: DomainError.notFound(what: "service case")) {
                _ = try await service.applyAsBrand(.init(event: .dispatch, note: ""), caseId: opened.id, brandId: yeelight.id, actor: "partner:y")
            }
            #expect(try await service.brandCases(brandId: yeelight.id, status: nil).isEmpty)
            #expect(try await service.brandCases(brandId: roidmi.id, status: .pickupScheduled).map(\.id) == [opened.id])
            await #expect(throws: DomainError.self) {
                _ = try await service.applyAsBrand(.init(event: .refund, note: ""), caseId: opened.id, brandId: roidmi.id, actor: "partner:r")
            }
            for step in [ServiceDesk.CaseStep(event: .dispatch, note: ""), .init(event: .receive, note: "in the workshop"),
                         .init(event: .inspect, note: "motor worn"), .init(event: .repair, note: "new charging board"),
                         .init(event: .shipBack, note: ""), .init(event: .close, note: "")] {
                _ = try await service.applyAsBrand(step, caseId: opened.id, brandId: roidmi.id, actor: "partner:r")
            }
            let closed = try #require(try await store.serviceCase(id: opened.id))
            #expect(closed.status == .closed && closed.centreId == "roidmi-bengaluru" && closed.history.last?.actor == "partner:r" && closed.grade == nil)
            // An exchange of the brand's unit takes the store's stock: the store's staff handle it.
            _ = try await deliveredUnit(store, fan: fan, sku: vacuum, market: india, serial: "RDM-IN-0002", key: "repair-2")
            let exchange = try await service.openService(serial: "RDM-IN-0002", kind: .exchange, part: .mainUnit, viewer: fan, description: "The dust bin is cracked")
            #expect(exchange.brandId == roidmi.id)
            await #expect(throws: DomainError.conflict(code: "store_handles", message: "the store's staff handle exchanges; a brand repairs its units")) {
                _ = try await service.applyAsBrand(.init(event: .approve, note: ""), caseId: exchange.id, brandId: roidmi.id, actor: "partner:r")
            }
            _ = try await service.apply(.init(event: .approve, note: ""), caseId: exchange.id, staff: staff)
            #expect(Set(try await service.pickupSlots(caseId: exchange.id, viewer: fan, centres: store).map(\.centre.id)) == storeCentres)
            // A repair the fan handed in at a store centre stays with the store's staff, though Roidmi has a centre.
            _ = try await deliveredUnit(store, fan: fan, sku: vacuum, market: india, serial: "RDM-IN-0003", key: "repair-3")
            let walkIn = try await service.openService(serial: "RDM-IN-0003", kind: .repair, part: .mainUnit, viewer: fan, description: "The brush jams")
            _ = try await service.apply(.init(event: .approve, note: ""), caseId: walkIn.id, staff: staff)
            _ = try await service.apply(.init(event: .dropOff, note: "", centreId: storeCentres.sorted().first!), caseId: walkIn.id, staff: staff)
            await #expect(throws: DomainError.conflict(code: "store_handles", message: "the unit is with the store's service centres, which handle this case")) {
                _ = try await service.applyAsBrand(.init(event: .receive, note: ""), caseId: walkIn.id, brandId: roidmi.id, actor: "partner:r")
            }
            // The migration's rule gives the cases open before it the same brands.
            try await store.read { db in
                try await db.raw("UPDATE service_cases SET brand_id = NULL").run()
                for statement in Migration.caseBrands { try await db.raw("\(unsafeRaw: statement)").run() }
            }
            for id in [opened.id, exchange.id, walkIn.id] { #expect(try await store.serviceCase(id: id)?.brandId == roidmi.id) }
            // A brand ships back what it repaired; naming another unit is staff's.
            await #expect(throws: DomainError.self) {
                _ = try await service.applyAsBrand(.init(event: .shipBack, note: "", serial: "RDM-IN-0099"), caseId: opened.id, brandId: roidmi.id, actor: "partner:r")
            }
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func aBrandsProductSellsInAFlashSaleAndIsSettled(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let desk = partnerDesk(store)
            let brand = try await desk.createOrganisation(name: "Roidmi", kind: .ecoBrand)
            _ = try await desk.setCommission(organisationId: brand.id, basisPoints: 800)
            let (product, _) = try await desk.submitProduct(ProductSubmission(
                slug: "roidmi-flash", texts: ["en": ProductText(name: "Roidmi Vacuum", description: "")],
                variants: [.init(code: "RDM-F-1", colour: "white", storage: "-", weightGrams: 2_000,
                                 prices: [(marketCode: "IN", price: 100_000, cost: CostBasis(billOfMaterials: 90_000, logistics: 0, duty: 0))])]),
                for: PartnerCaller(keyId: "k", organisationId: brand.id, scopes: [.catalogWrite]))
            let sku = product.skus[0]
            _ = try await store.receive(skuId: sku.id, warehouseId: try #require(try await store.warehouses(marketCode: "IN").first).id, quantity: 10)
            let scheduler = SaleScheduler(catalog: store, inventory: store, markets: store, sales: store, pricing: PricingPolicy(), clock: clock)
            let request = SaleRequest(title: "Roidmi day", skuId: sku.id, marketCode: "IN", startsAt: clock.now().addingTimeInterval(60),
                                      endsAt: clock.now().addingTimeInterval(3600), units: 2)
            // Not before staff publish it; then two units go on sale and two fans win them, the third is told it is sold out.
            await #expect(throws: DomainError.self) { _ = try await scheduler.schedule(request) }
            _ = try await desk.decide(productId: product.id, approve: true, note: "")
            let sale = try await scheduler.schedule(request)
            clock.advance(by: 61)
            let engine = FlashSaleEngine(repository: store, catalog: store, orders: store, markets: store, clock: clock, node: "node-a")
            var won: [Order] = []
            for buyer in try await fans(store, 3) {
                do {
                    won.append(try await buyWithToken(engine, sale, buyer).order)
                } catch let refusal as PurchaseRefusal {
                    #expect(refusal == .soldOut)
                }
            }
            await engine.close()
            #expect(won.count == 2)
            for order in won { _ = try await pay(store, order) }
            let (month, end) = SettlementStatement.month(of: clock.now())
            let statement = try await desk.settlement(organisationId: brand.id, from: month, to: end)
            let india = try #require(try await store.market(code: "IN"))
            #expect(Set(statement.orders.map(\.orderId)) == Set(won.map(\.id)))
            #expect(statement.totals.first?.sales == 2 * india.tax.net(ofShelfPrice: sale.price))
        }
    }
}
