import Foundation

/// Shipments and carrier notices inside a ``Transaction``.
public protocol ShipmentLedger: Sendable {
    /// Stores a new shipment with its lines and first scan.
    func insert(_ shipment: Shipment) async throws
    /// Every shipment of an order, oldest first.
    func shipments(orderId: String) async throws -> [Shipment]
    /// The shipment a carrier knows by this tracking number.
    func shipment(carrier: String, trackingNumber: String) async throws -> Shipment?
    /// Adds a scan and stores the shipment's status and delivery time.
    func record(_ scan: ShipmentScan, on shipment: Shipment) async throws
    /// Claims a carrier notice's id; `false` when it was claimed before.
    func claim(carrierNotice eventId: String, carrier: String, now: Date) async throws -> Bool
}
