import Hummingbird
import MilletCore

/// Staff stock work: warehouses, stock of a SKU, receiving units.
struct StockController {
    let desk: StockDesk
    let inventory: any InventoryRepository

    struct ReceiptBody: Decodable {
        let skuId: String
        let warehouseId: String
        let quantity: Int64
    }

    struct StockDTO: ResponseEncodable, Codable {
        let skuId, warehouseId: String
        let received, held, sold, available: Int64

        init(_ level: StockLevel) {
            skuId = level.skuId
            warehouseId = level.warehouseId
            received = level.received
            held = level.held
            sold = level.sold
            available = level.available
        }
    }

    struct WarehouseList: ResponseEncodable {
        let items: [Warehouse]
    }

    struct StockList: ResponseEncodable {
        let items: [StockDTO]
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/warehouses") { request, context in
            return WarehouseList(items: try await inventory.warehouses(marketCode: request.uri.queryParameters["market"].map { String($0).uppercased() }))
        }
        groups.staff.get("staff/stock") { request, context in
            return StockList(items: try await inventory.stock(skuId: try request.query("skuId")).map(StockDTO.init))
        }
        groups.staff.post("staff/stock/receipts") { request, context in
            let body = try await request.decodeJSON(ReceiptBody.self, context: context)
            return StockDTO(try await desk.receive(skuId: body.skuId, warehouseId: body.warehouseId, quantity: body.quantity)).with(status: .created)
        }
    }
}
