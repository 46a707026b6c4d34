import Foundation

/// Staff stock work: receiving units of a known SKU into a known warehouse.
public struct StockDesk: Sendable {
    private let catalog: any CatalogRepository
    private let inventory: any InventoryRepository

    public init(catalog: any CatalogRepository, inventory: any InventoryRepository) {
        self.catalog = catalog
        self.inventory = inventory
    }

    /// Adds `quantity` received units; an unknown SKU or warehouse is refused and nothing changes.
    public func receive(skuId: String, warehouseId: String, quantity: Int64) async throws -> StockLevel {
        guard Identifier.isWellFormed(skuId), try await catalog.sku(id: skuId) != nil else {
            throw DomainError.invalid(field: "skuId", "unknown SKU")
        }
        guard Identifier.isWellFormed(warehouseId), try await inventory.warehouse(id: warehouseId) != nil else {
            throw DomainError.invalid(field: "warehouseId", "unknown warehouse")
        }
        return try await inventory.receive(skuId: skuId, warehouseId: warehouseId, quantity: quantity)
    }
}
