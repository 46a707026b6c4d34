import Foundation
import MilletCore

/// A parcel on an order: carrier, tracking number, where it is, and its scans.
struct ShipmentDTO: Codable, Sendable {
    struct Line: Codable, Sendable {
        let skuId: String
        let quantity: Int64
    }

    struct Scan: Codable, Sendable {
        let status: String
        let location: String?
        let actor: String
        let at: Date
    }

    let id, carrier, status: String
    let trackingNumber: String?
    let lines: [Line]
    let serials: [String]
    let scans: [Scan]
    let createdAt: Date
    let deliveredAt: Date?

    init(_ shipment: Shipment) {
        id = shipment.id
        carrier = shipment.carrier
        status = shipment.status.rawValue
        trackingNumber = shipment.trackingNumber
        lines = shipment.lines.map { Line(skuId: $0.skuId, quantity: Int64($0.quantity)) }
        serials = shipment.serials
        scans = shipment.scans.map { Scan(status: $0.status.rawValue, location: $0.location, actor: $0.actor, at: $0.at) }
        createdAt = shipment.createdAt
        deliveredAt = shipment.deliveredAt
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("carrier", carrier)
            json.field("status", status)
            json.field("trackingNumber", trackingNumber)
            json.key("lines")
            json.array(lines) { json, line in
                json.object { json in
                    json.field("skuId", line.skuId)
                    json.field("quantity", line.quantity)
                }
            }
            json.key("serials")
            json.array(serials) { json, serial in json.string(serial) }
            json.key("scans")
            json.array(scans) { json, scan in
                json.object { json in
                    json.field("status", scan.status)
                    json.field("location", scan.location)
                    json.field("actor", scan.actor)
                    json.field("at", scan.at)
                }
            }
            json.field("createdAt", createdAt)
            json.field("deliveredAt", deliveredAt)
        }
    }
}
