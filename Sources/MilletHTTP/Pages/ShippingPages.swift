import Foundation
import Hummingbird
import MilletCore

/// The console's parcels, on an order's page: staff ship some units with a carrier, tracking
/// number and serials, and move a tracked parcel on through the sandbox carrier, whose scans
/// are signed and applied exactly as a real carrier's webhook.
struct ShippingPages {
    let pages: PageKit
    let desk: ShippingDesk
    let orders: any OrderRepository
    let orderPages: OrderPages

    struct ShipForm: Decodable {
        let carrier: String
        let trackingNumber: String?
        let skuId: String
        let quantity: Int
        let serials: String?
    }

    struct ScanForm: Decodable {
        let status: String
        let location: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.post("staff/orders/:id/shipments") { request, context in
            let staff = try context.requireAccount()
            let form = try await request.decodeForm(ShipForm.self, context: context)
            let orderId = try context.parameters.require("id")
            guard Identifier.isWellFormed(orderId) else { throw DomainError.notFound(what: "order") }
            let typed = ["carrier": form.carrier, "trackingNumber": form.trackingNumber ?? "", "skuId": form.skuId, "quantity": String(form.quantity),
                         "serials": form.serials ?? ""]
            return try await orderPages.refusing(orderId, form: "ship", typed: typed, request, context) {
                let serials = (form.serials ?? "").split { $0 == "," || $0 == " " || $0 == "\n" }.map(String.init)
                let shipment = try ShipmentRequest(
                    carrier: form.carrier, trackingNumber: PageKit.nonEmpty(form.trackingNumber),
                    lines: [ShipmentLine(skuId: form.skuId, quantity: form.quantity)], serials: serials)
                _ = try await desk.ship(orderId: orderId, shipment, actor: "staff:\(staff.id)")
                return redirect("/orders/\(orderId)")
            }
        }
        groups.staff.post("staff/orders/:id/shipments/:shipmentId/scans") { request, context in
            let orderId = try context.parameters.require("id")
            let shipmentId = try context.parameters.require("shipmentId")
            let form = try await request.decodeForm(ScanForm.self, context: context)
            guard let status = ShipmentStatus(rawValue: form.status), status != .created else {
                throw DomainError.invalid(field: "status", "must be in_transit, out_for_delivery, delivered or failed")
            }
            guard Identifier.isWellFormed(orderId), let order = try await orders.order(id: orderId),
                  let shipment = order.shipments.first(where: { $0.id == shipmentId })
            else { throw DomainError.notFound(what: "shipment") }
            let signed = try desk.sandboxScan(shipment, status: status, location: PageKit.nonEmpty(form.location) ?? "Sandbox depot")
            _ = try await ShipmentsController(desk: desk).receive(carrier: shipment.carrier, signature: signed.signature, body: signed.body)
            return redirect("/orders/\(orderId)")
        }
    }
}
