import Foundation
import Hummingbird
import MilletCore

/// Build to order over the API: anyone reads the open batches of a SKU, signed-in fans pre-order
/// and cancel, staff open, slip and pack batches and read the demand.
struct PreordersController: Sendable {
    let desk: PreorderDesk
    let clock: any MilletClock

    struct PreorderBody: Decodable {
        let skuId, market: String
        let shippingAddress: OrdersController.AddressBody
        /// Option code to choice code or text, for a product made to the buyer's choice.
        let options: [String: String]?
    }

    struct WaitlistBody: Decodable {
        let skuId, market: String
    }

    struct BatchBody: Decodable {
        let skuId, market, shipFrom, shipTo: String
        let units: Int
        let deposit: Int64?
        /// Crowdfunding: the paid pre-orders needed by `fundingEnds`.
        let goal: Int?
        let fundingEnds: String?
    }

    struct SlipBody: Decodable {
        let shipFrom, shipTo: String
    }

    struct PackBody: Decodable {
        let warehouseId: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("batches") { request, _ in
            let skuId = request.uri.queryParameters["skuId"].map(String.init)
            let market = request.uri.queryParameters["market"].map { String($0).uppercased() }
            return BatchList(items: try await desk.batches(skuIds: skuId.map { [$0] }, marketCode: market, openOnly: true).map(BatchDTO.init))
        }
        groups.open.post("preorders") { request, context in
            let account = try context.requireAccount()
            let key = try Checkout.validate(idempotencyKey: request.headers.value(.idempotencyKey))
            let body = try await request.decodeJSON(PreorderBody.self, context: context)
            let a = body.shippingAddress
            let address = try ShippingAddress(name: a.name, line1: a.line1, city: a.city, postcode: a.postcode, phone: a.phone)
            let (preorder, batch) = try await desk.preorder(skuId: body.skuId, marketCode: body.market, by: account.id, address: address,
                                                           idempotencyKey: key, options: body.options ?? [:])
            return PreorderDTO(preorder, batch: batch).with(status: .created)
        }
        groups.open.get("preorders") { _, context in
            let account = try context.requireAccount()
            return PreorderList(items: try await desk.preorders(of: account.id).map { PreorderDTO($0.preorder, batch: $0.batch) })
        }
        groups.open.get("preorders/:id") { _, context in
            let (preorder, batch) = try await desk.preorder(id: try context.parameters.require("id"), viewer: try context.requireAccount())
            return PreorderDTO(preorder, batch: batch)
        }
        groups.open.post("preorders/:id/cancel") { _, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let preorder = try await desk.cancel(preorderId: id, by: account)
            return PreorderDTO(preorder, batch: try await desk.batch(id: preorder.batchId))
        }
        groups.open.post("waitlist") { request, context in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(WaitlistBody.self, context: context)
            return WaitlistDTO(try await desk.joinWaitlist(skuId: body.skuId, marketCode: body.market, by: account.id)).with(status: .created)
        }
        groups.open.get("waitlist") { _, context in
            WaitlistList(items: try await desk.waitlist(of: try context.requireAccount().id).map(WaitlistDTO.init))
        }
        groups.open.delete("waitlist/:skuId") { request, context in
            let account = try context.requireAccount()
            try await desk.leaveWaitlist(skuId: try context.parameters.require("skuId"), marketCode: try request.query("market"), by: account.id)
            return Response(status: .noContent)
        }
        groups.staff.get("staff/batches") { _, _ in
            BatchList(items: try await desk.batches(openOnly: false).map(BatchDTO.init))
        }
        groups.staff.post("staff/batches") { request, context in
            let body = try await request.decodeJSON(BatchBody.self, context: context)
            let (from, to) = try Self.window(body.shipFrom, body.shipTo)
            let ends = try body.fundingEnds.map { try Self.date($0, field: "fundingEnds") }
            let batch = try await desk.open(BatchPlan(skuId: body.skuId, marketCode: body.market, units: body.units, shipFrom: from, shipTo: to,
                                                      deposit: body.deposit, goal: body.goal, fundingEnds: ends))
            return BatchDTO(batch).with(status: .created)
        }
        groups.staff.post("staff/batches/:id/slip") { request, context in
            let body = try await request.decodeJSON(SlipBody.self, context: context)
            let (from, to) = try Self.window(body.shipFrom, body.shipTo)
            return BatchDTO(try await desk.slip(batchId: try context.parameters.require("id"), shipFrom: from, shipTo: to))
        }
        groups.staff.post("staff/batches/:id/pack") { request, context in
            let staff = try context.requireAccount()
            let body = try await request.decodeJSON(PackBody.self, context: context)
            let (batch, orders) = try await desk.pack(batchId: try context.parameters.require("id"), warehouseId: body.warehouseId, by: staff)
            return PackedDTO(batch: BatchDTO(batch), balanceOrderIds: orders.map(\.id))
        }
        groups.staff.get("staff/batches/:id/build-list") { _, context in
            BuildListDTO(try await desk.buildList(batchId: try context.parameters.require("id")))
        }
        groups.staff.get("staff/batches/demand") { request, _ in
            let text = request.uri.queryParameters["days"].map(String.init) ?? "30"
            guard let days = Int(text), (1...365).contains(days) else { throw DomainError.invalid(field: "days", "must be a whole number from 1 to 365") }
            let since = clock.now().addingTimeInterval(-Double(days) * 86_400)
            return DemandDTO(items: try await desk.demand(since: since).map {
                DemandDTO.Day(skuId: $0.skuId, market: $0.marketCode, day: $0.day, preorders: $0.preorders, waiting: $0.waiting)
            })
        }
    }

    /// A ship window from two dates (`2027-02-01`) or date-times.
    static func window(_ from: String, _ to: String) throws -> (Date, Date) {
        var check = Validator()
        let start = date(from), end = date(to)
        check.require(start != nil, "shipFrom", "must be a date such as 2027-02-01")
        check.require(end != nil, "shipTo", "must be a date such as 2027-02-14")
        try check.check()
        return (start!, end!)
    }

    /// A date (`2027-02-01`, midnight UTC) or date-time, or `invalid` on `field`.
    static func date(_ text: String, field: String) throws -> Date {
        guard let date = date(text) else { throw DomainError.invalid(field: field, "must be a date such as 2027-01-15 or a date-time") }
        return date
    }

    private static func date(_ text: String) -> Date? { RFC3339.date(text.count == 10 ? text + "T00:00:00Z" : text) }
}

struct BatchDTO: ResponseEncodable, Sendable {
    let id, skuId, market, currency, status: String
    let number, units, reserved, free, slips: Int
    let shipFrom, shipTo: Date
    let price, deposit: Int64
    let fullPayment: Bool
    let goal: Int?
    let fundingEnds, fundedAt: Date?

    init(_ batch: ProductionBatch) {
        goal = batch.goal
        fundingEnds = batch.fundingEnds
        fundedAt = batch.fundedAt
        id = batch.id
        skuId = batch.skuId
        market = batch.marketCode
        currency = batch.currency
        status = batch.status.rawValue
        number = batch.number
        units = batch.units
        reserved = batch.reserved
        free = batch.free
        slips = batch.slips
        shipFrom = batch.shipFrom
        shipTo = batch.shipTo
        price = batch.price
        deposit = batch.deposit
        fullPayment = batch.isFullPayment
    }
}

struct BatchList: ResponseEncodable, Sendable {
    let items: [BatchDTO]
}

struct PreorderDTO: ResponseEncodable, Sendable {
    let id, status, depositOrderId: String
    let balanceOrderId: String?
    let batch: BatchDTO
    let createdAt: Date
    /// What the buyer chose the unit to be made with.
    let options: [ChosenOptionDTO]
    /// The batch's price with what the options add; what pre-ordering paid; what packing charges before shipping.
    let unitPrice, deposit, balance: Int64

    init(_ preorder: Preorder, batch: ProductionBatch) {
        options = preorder.options.map(ChosenOptionDTO.init)
        unitPrice = preorder.unitPrice(in: batch)
        deposit = preorder.deposit(in: batch)
        balance = preorder.balance(in: batch)
        id = preorder.id
        status = preorder.status.rawValue
        depositOrderId = preorder.depositOrderId
        balanceOrderId = preorder.balanceOrderId
        self.batch = BatchDTO(batch)
        createdAt = preorder.createdAt
    }
}

/// What a batch builds: each unit with its options, and the parts they need.
struct BuildListDTO: ResponseEncodable, Sendable {
    struct Unit: Encodable, Sendable {
        let position: Int
        let preorderId, status: String
        let options: [ChosenOptionDTO]
    }

    struct Part: Encodable, Sendable {
        let option, name, value, label: String
        let units: Int
    }

    let batch: BatchDTO
    let units: [Unit]
    let parts: [Part]

    init(_ list: BatchBuildList) {
        batch = BatchDTO(list.batch)
        units = list.units.enumerated().map { Unit(position: $0.offset + 1, preorderId: $0.element.id, status: $0.element.status.rawValue,
                                                   options: $0.element.options.map(ChosenOptionDTO.init)) }
        parts = list.parts.map { Part(option: $0.option, name: $0.name, value: $0.value, label: $0.label, units: $0.units) }
    }
}

struct PreorderList: ResponseEncodable, Sendable {
    let items: [PreorderDTO]
}

struct PackedDTO: ResponseEncodable, Sendable {
    let batch: BatchDTO
    let balanceOrderIds: [String]
}

struct DemandDTO: ResponseEncodable, Sendable {
    struct Day: Encodable, Sendable {
        let skuId, market, day: String
        /// Pre-orders placed, and fans who joined the waiting list for want of a place.
        let preorders, waiting: Int
    }

    let items: [Day]
}

/// A fan waiting for a batch of a SKU in a market.
struct WaitlistDTO: ResponseEncodable, Sendable {
    let skuId, market: String
    let joinedAt: Date
    let toldAt: Date?

    init(_ entry: WaitlistEntry) {
        skuId = entry.skuId
        market = entry.marketCode
        joinedAt = entry.joinedAt
        toldAt = entry.toldAt
    }
}

struct WaitlistList: ResponseEncodable, Sendable {
    let items: [WaitlistDTO]
}
