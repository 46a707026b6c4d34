/// Stored warehouses and stock counts.
public protocol InventoryRepository: Sendable {
    func save(_ warehouse: Warehouse) async throws
    func warehouses(marketCode: String?) async throws -> [Warehouse]
    func warehouse(id: String) async throws -> Warehouse?
    /// Adds received units; `quantity` is 1 or more.
    func receive(skuId: String, warehouseId: String, quantity: Int64) async throws -> StockLevel
    /// Every stock row of a SKU.
    func stock(skuId: String) async throws -> [StockLevel]
    /// Units available per SKU across the market's warehouses.
    func available(skuIds: [String], marketCode: String) async throws -> [String: Int64]
}
