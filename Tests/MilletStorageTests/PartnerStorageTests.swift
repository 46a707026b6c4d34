import Foundation
@testable import MilletCore
@testable import MilletStorage
import Testing

/// Partners on every backend: keys kept as hashes and revoked at once; allocations that move
/// units out of a warehouse, never more than it has, whatever races them.
extension StorageConformanceTests {
    func partnerDesk(_ store: SQLStore) -> PartnerDesk {
        PartnerDesk(store: store, partners: store, catalog: store, inventory: store, markets: store, clock: clock)
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
            #expect(try await desk.caller(token: token.dropLast() + "0") == nil)
            // Another organisation cannot revoke it; its own staff can, at once.
            await #expect(throws: DomainError.notFound(what: "key")) { try await desk.revokeKey(organisationId: other.id, keyId: key.id) }
            try await desk.revokeKey(organisationId: shop.id, keyId: key.id)
            #expect(try await desk.caller(token: token) == nil)
            await #expect(throws: DomainError.self) { _ = try await desk.issueKey(organisationId: shop.id, name: "none", scopes: []) }
            let madrid = try await desk.addStore(organisationId: shop.id, name: "Gran Vía", address: "Gran Vía 1", city: "Madrid", marketCode: "es")
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
            let stores = [try await desk.addStore(organisationId: retailer.id, name: "Andheri", address: "1 Link Road", city: "Mumbai", marketCode: "IN"),
                          try await desk.addStore(organisationId: retailer.id, name: "Indiranagar", address: "100 Feet Road", city: "Bengaluru", marketCode: "IN")]
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
