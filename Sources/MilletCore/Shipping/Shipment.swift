import Foundation

/// Where a parcel is, as its carrier reports it.
public enum ShipmentStatus: String, Codable, Sendable, CaseIterable {
    /// Packed and handed over; no scan from the carrier yet.
    case created
    case inTransit = "in_transit"
    case outForDelivery = "out_for_delivery"
    case delivered
    /// A delivery attempt failed; the carrier may try again (a later scan moves it on).
    case failed

    /// Whether a carrier's scan of `next` may follow this status. A delivered parcel takes no
    /// more scans; the same status again is a new scan (another depot) and is kept.
    public func accepts(_ next: ShipmentStatus) -> Bool {
        switch (self, next) {
        case (.delivered, _), (_, .created): false
        default: true
        }
    }
}

/// Units of one SKU in a shipment.
public struct ShipmentLine: Hashable, Sendable, Codable {
    public let skuId: String
    public let quantity: Int

    public init(skuId: String, quantity: Int) {
        self.skuId = skuId
        self.quantity = quantity
    }
}

/// One scan of a parcel: its status then, where, and who reported it.
public struct ShipmentScan: Hashable, Sendable, Codable {
    public let status: ShipmentStatus
    public let location: String?
    /// `carrier:<name>`, `staff:<id>`.
    public let actor: String
    public let at: Date

    public init(status: ShipmentStatus, location: String?, actor: String, at: Date) {
        self.status = status
        self.location = location
        self.actor = actor
        self.at = at
    }
}

/// A parcel of some or all of an order's units, with its carrier, tracking number and serials.
public struct Shipment: Hashable, Sendable, Codable {
    public let id: String
    public let orderId: String
    /// The carrier's name as its webhook is addressed (`/carriers/{carrier}/webhook`); `manual`
    /// for a parcel staff marked shipped without one.
    public let carrier: String
    public let trackingNumber: String?
    public var status: ShipmentStatus
    public let lines: [ShipmentLine]
    /// The devices' serial numbers in the parcel.
    public let serials: [String]
    public var scans: [ShipmentScan]
    public let createdAt: Date
    /// When the carrier delivered it.
    public var deliveredAt: Date?

    public init(
        id: String, orderId: String, carrier: String, trackingNumber: String?, status: ShipmentStatus, lines: [ShipmentLine],
        serials: [String], scans: [ShipmentScan], createdAt: Date, deliveredAt: Date?
    ) {
        self.id = id
        self.orderId = orderId
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.status = status
        self.lines = lines
        self.serials = serials
        self.scans = scans
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }

    /// Units in the parcel.
    public var units: Int { lines.reduce(0) { $0 + $1.quantity } }
}

/// What staff (or a warehouse system) ask to ship.
public struct ShipmentRequest: Sendable, Equatable {
    public let carrier: String
    public let trackingNumber: String?
    /// The units in the parcel; `nil` ships everything not shipped yet.
    public let lines: [ShipmentLine]?
    public let serials: [String]

    /// Checks the carrier's name (2 to 40 lower-case letters, digits or dashes) and the tracking
    /// number (4 to 64 letters, digits or dashes).
    public init(carrier: String, trackingNumber: String?, lines: [ShipmentLine]?, serials: [String]) throws {
        var check = Validator()
        check.require(Self.isName(carrier), "carrier", "must be 2 to 40 lower-case letters, digits or dashes")
        if let trackingNumber {
            check.require(
                OrderDesk.isParcelCode(trackingNumber),
                "trackingNumber", "must be 4 to 64 letters, digits or dashes")
        }
        if let lines {
            check.require(!lines.isEmpty && lines.allSatisfy { $0.quantity > 0 }, "lines", "must name at least one unit, each quantity at least 1")
            check.require(Set(lines.map(\.skuId)).count == lines.count, "lines", "must not repeat a SKU")
        }
        try check.check()
        self.carrier = carrier
        self.trackingNumber = trackingNumber?.uppercased()
        self.lines = lines
        self.serials = serials
    }

    /// A carrier's name as it appears in its webhook's path.
    public static func isName(_ value: String) -> Bool {
        (2...40).contains(value.count) && value.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}

/// A carrier's scan as its webhook reports it, signed like the payment webhooks.
public struct CarrierNotice: Hashable, Sendable, Codable {
    /// The carrier's unique id for this notice; the same id is applied once.
    public let eventId: String
    public let trackingNumber: String
    public let status: ShipmentStatus
    /// When the carrier scanned the parcel.
    public let at: Date
    public let location: String?

    public init(eventId: String, trackingNumber: String, status: ShipmentStatus, at: Date, location: String?) {
        self.eventId = eventId
        self.trackingNumber = trackingNumber
        self.status = status
        self.at = at
        self.location = location
    }
}

/// What applying a carrier notice did.
public enum CarrierOutcome: String, Codable, Sendable {
    /// The scan is on the shipment.
    case recorded
    /// The scan delivered the order's last parcel: the order is delivered.
    case orderDelivered = "order_delivered"
    /// The same notice arrived before.
    case duplicate
}
