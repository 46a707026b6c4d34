import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Parcels on every backend: a split shipment, carrier scans applied once, and the last
/// delivery delivering the order at the carrier's time.
extension StorageConformanceTests {
    func shippingDesk(_ store: SQLStore) -> ShippingDesk {
        ShippingDesk(store: store, carrierSecret: "carrier-test", clock: clock)
    }

    func scan(_ tracking: String, _ status: ShipmentStatus, id: String = Identifier.make(), at: Date? = nil) -> CarrierNotice {
        CarrierNotice(eventId: id, trackingNumber: tracking, status: status, at: at ?? clock.now(), location: "Depot 4")
    }

    @Test(arguments: Backends.all) func aSplitShipmentIsDeliveredByItsLastParcel(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 2, market: market, key: "split-1").order
            _ = try await pay(store, order)
            let desk = shippingDesk(store)
            let one = [ShipmentLine(skuId: sku.id, quantity: 1)]
            let first = try await desk.ship(orderId: order.id, try ShipmentRequest(carrier: "dhl", trackingNumber: "trk-1", lines: one, serials: ["SN-0001"]), actor: "staff:x")
            #expect(first.order.status == .shipped && first.shipment.trackingNumber == "TRK-1" && first.shipment.status == .created)
            await #expect(throws: DomainError.conflict(code: "tracking_taken", message: "dhl already carries a parcel with tracking number TRK-1")) {
                try await desk.ship(orderId: order.id, try ShipmentRequest(carrier: "dhl", trackingNumber: "TRK-1", lines: one, serials: []), actor: "staff:x")
            }
            await #expect(throws: DomainError.self) {
                try await desk.ship(orderId: order.id, try ShipmentRequest(carrier: "dhl", trackingNumber: "TRK-2", lines: [ShipmentLine(skuId: sku.id, quantity: 2)], serials: []), actor: "staff:x")
            }
            let second = try await desk.ship(orderId: order.id, try ShipmentRequest(carrier: "dhl", trackingNumber: "TRK-2", lines: nil, serials: []), actor: "staff:x")
            #expect(second.order.shipments.map(\.units) == [1, 1] && second.order.status == .shipped)
            await #expect(throws: DomainError.conflict(code: "nothing_to_ship", message: "every unit of the order has shipped")) {
                try await desk.ship(orderId: order.id, try ShipmentRequest(carrier: "dhl", trackingNumber: "TRK-3", lines: nil, serials: []), actor: "staff:x")
            }

            let delivered = scan("trk-1", .delivered, id: "evt-1")
            #expect(try await desk.receive(delivered, carrier: "dhl").outcome == .recorded)
            #expect(try await desk.receive(delivered, carrier: "dhl").outcome == .duplicate)
            #expect(try await store.order(id: order.id)?.status == .shipped)
            await #expect(throws: DomainError.notFound(what: "shipment")) { try await desk.receive(scan("TRK-2", .inTransit), carrier: "ups") }
            #expect(try await desk.receive(scan("TRK-2", .inTransit), carrier: "dhl").outcome == .recorded)
            #expect(try await desk.receive(scan("TRK-2", .failed), carrier: "dhl").outcome == .recorded)
            // The carrier reports the delivery a little after it happened.
            let handedOver = clock.now()
            clock.advance(by: 600)
            let last = try await desk.receive(scan("TRK-2", .delivered, at: handedOver), carrier: "dhl")
            #expect(last.outcome == .orderDelivered && last.order.status == .delivered && last.order.deliveredAt == handedOver)
            #expect(last.shipment.scans.map(\.status) == [.created, .inTransit, .failed, .delivered])
            await #expect(throws: DomainError.self) { try await desk.receive(scan("TRK-2", .inTransit), carrier: "dhl") }

            let stored = try #require(try await store.order(id: order.id))
            #expect(stored.shipments.allSatisfy { $0.status == .delivered } && stored.shipments[0].serials == ["SN-0001"])
            #expect(stored.timeline.map(\.to).last == .delivered && stored.timeline.contains { $0.note.contains("delivery of parcel TRK-2 failed at Depot 4") })
        }
    }

    @Test(arguments: Backends.all) func aRefusedParcelChangesNothingAndStaffDeliveryClosesEveryParcel(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let shipped = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "parcel-a").order
            let order = try await place(store, fan: fan, sku: sku, quantity: 2, market: market, key: "parcel-b").order
            _ = try await pay(store, shipped)
            let desk = shippingDesk(store)
            await #expect(throws: DomainError.conflict(code: "illegal_transition", message: "a pending_payment order cannot be shipped")) {
                try await desk.ship(orderId: order.id, try ShipmentRequest(carrier: "dhl", trackingNumber: nil, lines: nil, serials: []), actor: "staff:x")
            }
            _ = try await pay(store, order)
            _ = try await desk.ship(orderId: shipped.id, try ShipmentRequest(carrier: "dhl", trackingNumber: nil, lines: nil, serials: ["SN-0100"]), actor: "staff:x")
            await #expect(throws: DomainError.conflict(code: "serial_sold", message: "serial SN-0100 went out in another order")) {
                try await desk.ship(orderId: order.id, try ShipmentRequest(carrier: "dhl", trackingNumber: "TRK-9", lines: nil, serials: ["SN-0101", "SN-0100"]), actor: "staff:x")
            }
            await #expect(throws: DomainError.self) {
                try await desk.ship(orderId: order.id, try ShipmentRequest(carrier: "dhl", trackingNumber: "TRK-9", lines: [ShipmentLine(skuId: Identifier.make(), quantity: 1)], serials: []), actor: "staff:x")
            }
            await #expect(throws: DomainError.self) {
                try await desk.ship(orderId: order.id, try ShipmentRequest(carrier: "dhl", trackingNumber: "TRK-9", lines: nil, serials: ["SN-1", "SN-2", "SN-3"]), actor: "staff:x")
            }
            #expect(throws: DomainError.self) { try ShipmentRequest(carrier: "DHL Express", trackingNumber: nil, lines: nil, serials: []) }
            let untouched = try #require(try await store.order(id: order.id))
            #expect(untouched.status == .paid && untouched.shipments.isEmpty)

            // The console's quick ship event is one parcel of everything; staff deliver it by hand.
            let orders = store.desk(clock)
            #expect(try await orders.ship(orderId: order.id, serials: [], actor: "staff:x", note: "shipped").shipments.map(\.carrier) == ["manual"])
            let done = try await orders.apply(.deliver, orderId: order.id, serials: [], actor: "staff:x", note: "signed for")
            #expect(done.status == .delivered && done.shipments.allSatisfy { $0.status == .delivered && $0.deliveredAt == done.deliveredAt })
        }
    }
}
