import Foundation
import Hummingbird
import MilletCore

/// Staff (or a warehouse system with a staff token) ship parcels; carriers report scans through
/// a webhook signed like the payment webhooks (`Millet-Signature`).
struct ShipmentsController {
    let desk: ShippingDesk

    struct ShipmentBody: Decodable {
        struct Line: Decodable {
            let skuId: String
            let quantity: Int
        }

        let carrier: String
        let trackingNumber: String?
        /// Absent: every unit not shipped yet.
        let lines: [Line]?
        let serials: [String]?
    }

    struct CarrierReceipt: ResponseEncodable {
        let outcome, shipmentId, shipmentStatus, orderStatus: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.post("staff/orders/:id/shipments") { request, context in
            let staff = try context.requireAccount()
            let body = try await request.decodeJSON(ShipmentBody.self, context: context)
            let orderId = try context.parameters.require("id")
            guard Identifier.isWellFormed(orderId) else { throw DomainError.notFound(what: "order") }
            let shipment = try ShipmentRequest(
                carrier: body.carrier, trackingNumber: body.trackingNumber,
                lines: body.lines?.map { ShipmentLine(skuId: $0.skuId, quantity: $0.quantity) }, serials: body.serials ?? [])
            return OrderDTO(try await desk.ship(orderId: orderId, shipment, actor: "staff:\(staff.id)").order).with(status: .created)
        }
        groups.open.post("carriers/:carrier/webhook") { request, context in
            let carrier = try context.parameters.require("carrier")
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return try await receive(carrier: carrier, signature: request.headers[.init("Millet-Signature")!], body: Array(buffer: body))
        }
    }

    /// Verifies and applies a carrier webhook; the console's sandbox carrier comes here too.
    func receive(carrier: String, signature: String?, body: [UInt8]) async throws -> CarrierReceipt {
        let notice = try desk.verify(signature: signature, body: body)
        guard ShipmentRequest.isName(carrier) else { throw DomainError.notFound(what: "carrier") }
        let (outcome, shipment, order) = try await desk.receive(notice, carrier: carrier)
        return CarrierReceipt(outcome: outcome.rawValue, shipmentId: shipment.id, shipmentStatus: shipment.status.rawValue, orderStatus: order.status.rawValue)
    }
}
