import Foundation

/// Parcels: staff (or a warehouse system) ship some or all of an order's units with a carrier,
/// a tracking number and serials; carriers report scans through a signed webhook; the last
/// parcel's delivery delivers the order, and that date starts its return window and warranty.
/// Each use case is one transaction with the order locked first.
public struct ShippingDesk: Sendable {
    private let store: any UnitOfWork
    private let clock: any MilletClock
    /// Carriers sign their webhooks with this secret, as payment providers do.
    public let signature: WebhookSignature

    public init(store: any UnitOfWork, carrierSecret: String, clock: any MilletClock) {
        self.store = store
        self.signature = WebhookSignature(secret: carrierSecret)
        self.clock = clock
    }

    /// Ships a parcel of a paid or partly shipped order: the first parcel moves the order to
    /// `shipped`. Refused (nothing changes) for units not left to ship, more serials than units,
    /// a serial that went out in another order, or a tracking number the carrier already used.
    public func ship(orderId: String, _ request: ShipmentRequest, actor: String) async throws -> (order: Order, shipment: Shipment) {
        let now = clock.now()
        return try await store.transaction { tx in
            let shipment = try await Self.ship(tx, orderId: orderId, request, actor: actor, note: nil, now: now)
            return (try await tx.order(id: orderId)!, shipment)
        }
    }

    /// Verifies a carrier webhook's signature over its exact body and decodes its notice.
    public func verify(signature header: String?, body: [UInt8]) throws -> CarrierNotice {
        try signature.verify(header: header, body: body, now: clock.now())
        do {
            return try Self.decoder.decode(CarrierNotice.self, from: Data(body))
        } catch {
            throw DomainError.invalid(field: "body", "not a carrier notice")
        }
    }

    /// Applies a carrier's verified notice once: the scan goes on the parcel; a delivery that
    /// leaves nothing of the order undelivered delivers the order at the carrier's time (never
    /// later than now).
    public func receive(_ notice: CarrierNotice, carrier: String) async throws -> (outcome: CarrierOutcome, shipment: Shipment, order: Order) {
        let now = clock.now()
        let tracking = notice.trackingNumber.uppercased()
        return try await store.transaction { tx in
            guard let found = try await tx.shipment(carrier: carrier, trackingNumber: tracking),
                  let order = try await tx.order(id: found.orderId),
                  var shipment = try await tx.shipment(carrier: carrier, trackingNumber: tracking)
            else { throw DomainError.notFound(what: "shipment") }
            guard try await tx.claim(carrierNotice: notice.eventId, carrier: carrier, now: now) else { return (.duplicate, shipment, order) }
            guard shipment.status.accepts(notice.status) else {
                throw DomainError.conflict(code: "shipment_closed", message: "the parcel is \(shipment.status.rawValue) and takes no \(notice.status.rawValue) scan")
            }
            let at = min(notice.at, now)
            let actor = "carrier:\(carrier)"
            let scan = ShipmentScan(status: notice.status, location: notice.location, actor: actor, at: at)
            shipment.status = notice.status
            shipment.scans.append(scan)
            if notice.status == .delivered { shipment.deliveredAt = at }
            try await tx.record(scan, on: shipment)
            var outcome = CarrierOutcome.recorded
            switch notice.status {
            case .delivered:
                if order.status == .shipped, try await Self.everythingDelivered(tx, order: order) {
                    _ = try await tx.apply(.deliver, orderId: order.id, actor: actor, note: "parcel \(tracking) delivered, the last of the order", now: at)
                    outcome = .orderDelivered
                } else {
                    try await tx.note(orderId: order.id, actor: actor, note: "parcel \(tracking) delivered", at: now)
                }
            case .failed:
                try await tx.note(orderId: order.id, actor: actor, note: "delivery of parcel \(tracking) failed" + (notice.location.map { " at \($0)" } ?? ""), at: now)
            case .created, .inTransit, .outForDelivery:
                break
            }
            return (outcome, shipment, try await tx.order(id: order.id)!)
        }
    }

    /// The sandbox carrier: the webhook a carrier would send about `shipment`, signed with the
    /// carriers' secret, so staff can move a parcel on from the console as a carrier would.
    public func sandboxScan(_ shipment: Shipment, status: ShipmentStatus, location: String?) throws -> (body: [UInt8], signature: String) {
        guard let tracking = shipment.trackingNumber else {
            throw DomainError.conflict(code: "no_tracking", message: "a parcel without a tracking number gets no carrier scans")
        }
        let now = clock.now()
        let notice = CarrierNotice(eventId: "scan_" + Identifier.make(), trackingNumber: tracking, status: status, at: now, location: location)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let body = Array(try encoder.encode(notice))
        return (body, signature.sign(body: body, timestamp: now))
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Ships a parcel inside a transaction; the order desk's `ship` event comes here too, with
    /// every unit left and no carrier.
    static func ship(_ tx: any Transaction, orderId: String, _ request: ShipmentRequest, actor: String, note: String?, now: Date) async throws -> Shipment {
        guard let order = try await tx.order(id: orderId) else { throw DomainError.notFound(what: "order") }
        guard order.status == .paid || order.status == .shipped else {
            throw DomainError.conflict(code: "illegal_transition", message: "a \(order.status.rawValue) order cannot be shipped")
        }
        let left = order.unitsLeft(after: try await tx.shipments(orderId: orderId))
        let lines = request.lines ?? left.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { ShipmentLine(skuId: $0.key, quantity: $0.value) }
        guard !lines.isEmpty else { throw DomainError.conflict(code: "nothing_to_ship", message: "every unit of the order has shipped") }
        for line in lines {
            guard let remaining = left[line.skuId] else { throw DomainError.invalid(field: "lines", "SKU \(line.skuId) is not in the order") }
            guard line.quantity <= remaining else { throw DomainError.invalid(field: "lines", "only \(max(remaining, 0)) of SKU \(line.skuId) are left to ship") }
        }
        let units = lines.reduce(0) { $0 + $1.quantity }
        let serials = try OrderDesk.validate(serials: request.serials)
        guard serials.count <= units else { throw DomainError.invalid(field: "serials", "more serials than units in the parcel") }
        for serial in serials {
            if let sold = try await tx.saleOrder(serial: serial), sold != order.id {
                throw DomainError.conflict(code: "serial_sold", message: "serial \(serial) went out in another order")
            }
        }
        if let tracking = request.trackingNumber, try await tx.shipment(carrier: request.carrier, trackingNumber: tracking) != nil {
            throw DomainError.conflict(code: "tracking_taken", message: "\(request.carrier) already carries a parcel with tracking number \(tracking)")
        }
        let shipment = Shipment(
            id: Identifier.make(), orderId: orderId, carrier: request.carrier, trackingNumber: request.trackingNumber, status: .created,
            lines: lines, serials: serials, scans: [ShipmentScan(status: .created, location: nil, actor: actor, at: now)], createdAt: now,
            deliveredAt: nil)
        try await tx.insert(shipment)
        let said = note ?? "parcel of \(units) unit\(units == 1 ? "" : "s") via \(request.carrier)" + (request.trackingNumber.map { ", tracking \($0)" } ?? "")
        if order.status == .paid {
            _ = try await tx.apply(.ship, orderId: orderId, actor: actor, note: said, now: now)
        } else {
            try await tx.note(orderId: orderId, actor: actor, note: said, at: now)
        }
        if !serials.isEmpty {
            try await tx.recordSale(
                serials: serials, orderId: orderId, accountId: order.accountId, skuId: lines.count == 1 ? lines[0].skuId : nil, at: now)
        }
        try await tx.notify(Notice(
            accountId: order.accountId, kind: .parcelShipped, subjectId: shipment.id, params: ["orderId": orderId], createdAt: now))
        return shipment
    }

    /// Staff marked the order delivered: every parcel not delivered yet is, by them, now.
    static func deliverAll(_ tx: any Transaction, orderId: String, actor: String, now: Date) async throws {
        for var shipment in try await tx.shipments(orderId: orderId) where shipment.status != .delivered {
            let scan = ShipmentScan(status: .delivered, location: nil, actor: actor, at: now)
            shipment.status = .delivered
            shipment.deliveredAt = now
            shipment.scans.append(scan)
            try await tx.record(scan, on: shipment)
        }
    }

    /// Every unit of the order is in a parcel and every parcel is delivered.
    static func everythingDelivered(_ tx: any Transaction, order: Order) async throws -> Bool {
        let shipments = try await tx.shipments(orderId: order.id)
        return order.unitsLeft(after: shipments).values.allSatisfy { $0 <= 0 } && shipments.allSatisfy { $0.status == .delivered }
    }
}

extension Order {
    /// Units per SKU not in any of `shipments` yet (the order's own parcels, as read now).
    public func unitsLeft(after shipments: [Shipment]) -> [String: Int] {
        var left = lines.filter { !$0.isService }.reduce(into: [String: Int]()) { $0[$1.skuId, default: 0] += $1.quantity }
        for line in shipments.flatMap(\.lines) { left[line.skuId, default: 0] -= line.quantity }
        return left
    }
}
