import Foundation
import MilletCore
import SQLKit

extension SQLTransaction: ShipmentLedger {
    func insert(_ shipment: Shipment) async throws {
        try await db.raw("""
            INSERT INTO shipments (id, order_id, number, carrier, tracking_number, status, serials, created_at, delivered_at)
            VALUES (\(bind: shipment.id), \(bind: shipment.orderId),
                (SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) FROM shipments WHERE order_id = \(bind: shipment.orderId)), \(bind: shipment.carrier), \(bind: shipment.trackingNumber),
                \(bind: shipment.status.rawValue), \(bind: shipment.serials.joined(separator: ",")), \(bind: shipment.createdAt.millis),
                \(bind: shipment.deliveredAt?.millis))
            """).run()
        for line in shipment.lines {
            try await db.raw("""
                INSERT INTO shipment_lines (shipment_id, sku_id, quantity) VALUES (\(bind: shipment.id), \(bind: line.skuId), \(bind: Int64(line.quantity)))
                """).run()
        }
        for (seq, scan) in shipment.scans.enumerated() { try await insert(scan, seq: seq, shipmentId: shipment.id) }
    }

    func shipments(orderId: String) async throws -> [Shipment] {
        try await SQLStore.shipments(db: db, orderId: orderId)
    }

    func shipment(carrier: String, trackingNumber: String) async throws -> Shipment? {
        guard let row = try await db.raw("""
            SELECT * FROM shipments WHERE carrier = \(bind: carrier) AND tracking_number = \(bind: trackingNumber)
            """).first() else { return nil }
        return try await SQLStore.shipment(db: db, row: row)
    }

    func record(_ scan: ShipmentScan, on shipment: Shipment) async throws {
        try await db.raw("""
            UPDATE shipments SET status = \(bind: shipment.status.rawValue), delivered_at = \(bind: shipment.deliveredAt?.millis)
            WHERE id = \(bind: shipment.id)
            """).run()
        let next = try await db.raw("""
            SELECT CAST(COALESCE(MAX(seq), -1) + 1 AS BIGINT) AS next FROM shipment_scans WHERE shipment_id = \(bind: shipment.id)
            """).first()!.int("next")
        try await insert(scan, seq: Int(next), shipmentId: shipment.id)
    }

    func claim(carrierNotice eventId: String, carrier: String, now: Date) async throws -> Bool {
        try await db.raw("""
            INSERT INTO carrier_notices (event_id, carrier, received_at) VALUES (\(bind: eventId), \(bind: carrier), \(bind: now.millis))
            ON CONFLICT (carrier, event_id) DO NOTHING RETURNING event_id
            """).first() != nil
    }

    private func insert(_ scan: ShipmentScan, seq: Int, shipmentId: String) async throws {
        try await db.raw("""
            INSERT INTO shipment_scans (shipment_id, seq, status, location, actor, at)
            VALUES (\(bind: shipmentId), \(bind: Int64(seq)), \(bind: scan.status.rawValue), \(bind: scan.location), \(bind: scan.actor),
                \(bind: scan.at.millis))
            """).run()
    }
}

extension SQLStore {
    /// An order's parcels with their lines and scans, in the order they were shipped.
    static func shipments(db: any SQLDatabase, orderId: String) async throws -> [Shipment] {
        var shipments: [Shipment] = []
        for row in try await db.raw("SELECT * FROM shipments WHERE order_id = \(bind: orderId) ORDER BY number").all() {
            shipments.append(try await shipment(db: db, row: row))
        }
        return shipments
    }

    static func shipment(db: any SQLDatabase, row: any SQLRow) async throws -> Shipment {
        let id = try row.string("id")
        let lines = try await db.raw("SELECT * FROM shipment_lines WHERE shipment_id = \(bind: id) ORDER BY sku_id").all().map {
            ShipmentLine(skuId: try $0.string("sku_id"), quantity: Int(try $0.int("quantity")))
        }
        let scans = try await db.raw("SELECT * FROM shipment_scans WHERE shipment_id = \(bind: id) ORDER BY seq").all().map {
            ShipmentScan(
                status: ShipmentStatus(rawValue: try $0.string("status")) ?? .created, location: try $0.optionalString("location"),
                actor: try $0.string("actor"), at: try $0.date("at"))
        }
        let serials = try row.string("serials")
        return Shipment(
            id: id, orderId: try row.string("order_id"), carrier: try row.string("carrier"),
            trackingNumber: try row.optionalString("tracking_number"), status: ShipmentStatus(rawValue: try row.string("status")) ?? .created,
            lines: lines, serials: serials.isEmpty ? [] : serials.split(separator: ",").map(String.init), scans: scans,
            createdAt: try row.date("created_at"), deliveredAt: try row.optionalDate("delivered_at"))
    }
}
