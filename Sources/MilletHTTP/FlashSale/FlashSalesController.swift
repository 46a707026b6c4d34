import Foundation
import Hummingbird
import MilletCore
import Synchronization

/// Flash sales: the public calendar and live figures, reservations, purchases (in memory, group
/// committed), F-codes, and staff scheduling.
struct FlashSalesController {
    let desk: SaleDesk
    let clock: any MilletClock
    let feed: LiveFeed
    /// Purchase attempts by outcome.
    let business: BusinessMetrics
    /// Purchases go straight to the engine: at a launch nearly every request is one.
    var engine: FlashSaleEngine { desk.engine }

    init(desk: SaleDesk, business: BusinessMetrics, clock: any MilletClock) {
        self.desk = desk
        self.business = business
        self.clock = clock
        self.feed = LiveFeed(desk: desk, clock: clock)
    }

    struct CreateBody: Decodable {
        let title, skuId, market: String
        let warehouseId: String?
        let price: Int64?
        let startsAt, endsAt: String
        let units: Int64
        let perAccountLimit, paymentWindowSeconds: Int?
        let reservedOnly: Bool?
        let proofOfWorkBits: Int?
    }

    struct PurchaseBody: Decodable {
        let shippingAddress: OrdersController.AddressBody
        let fcode: String?
        let purchaseToken: String?
        let proofOfWork: String?
    }

    struct FCodeBody: Decodable {
        let count: Int
    }

    static let fcodeField = Array(#""fcode""#.utf8)

    /// `true` when the raw body has the `"fcode"` key (a plain byte scan; runs on every attempt).
    static func mentionsFCode(_ body: ByteBuffer) -> Bool {
        body.withUnsafeReadableBytes { bytes in
            guard bytes.count >= fcodeField.count else { return false }
            for start in 0...(bytes.count - fcodeField.count) where bytes[start] == 0x22 {
                if fcodeField.indices.allSatisfy({ bytes[start + $0] == fcodeField[$0] }) { return true }
            }
            return false
        }
    }

    func addRoutes(to groups: RouteGroups) {
        // First: at a launch nearly every request is a purchase attempt (see `buildRouter`).
        groups.open.post("flash-sales/:id/purchases") { request, context in
            do {
                let bought = try await purchase(request, context: context)
                business.purchase(bought.replayed ? "replayed" : "created")
                return OrderDTO(bought.order).with(status: .created)
            } catch {
                business.purchase(APIError.from(error).code)
                throw error
            }
        }
        groups.open.get("flash-sales") { _, _ in
            let now = clock.now()
            var items: [FlashSaleDTO] = []
            for sale in try await desk.calendar() {
                items.append(FlashSaleDTO(sale, figures: try await figures(sale.id), now: now, next: await engine.nextBatch(after: sale.id)))
            }
            return FlashSaleList(items: items)
        }
        groups.open.get("flash-sales/:id") { _, context in
            let sale = try await sale(context)
            return FlashSaleDTO(sale, figures: try await figures(sale.id), now: clock.now(), next: await engine.nextBatch(after: sale.id))
        }
        groups.open.get("flash-sales/:id/events") { _, context in
            live(try await sale(context))
        }
        groups.open.post("flash-sales/:id/reservations") { _, context in
            let account = try context.requireAccount()
            let sale = try await sale(context)
            let reserved = try await desk.reserve(sale, accountId: account.id)
            return ReservationDTO(saleId: sale.id, reserved: true, reservations: reserved.reservations).with(status: reserved.added ? .created : .ok)
        }
        groups.open.post("flash-sales/:id/tokens") { _, context in
            let account = try context.requireAccount()
            let saleId = try context.parameters.require("id")
            return PurchaseTokenDTO(saleId: saleId, try await desk.token(saleId: saleId, accountId: account.id)).with(status: .created)
        }
        groups.staff.post("staff/flash-sales") { request, context in
            let body = try await request.decodeJSON(CreateBody.self, context: context)
            let sale = try await desk.schedule(try Self.request(body))
            return FlashSaleDTO(sale, figures: try await figures(sale.id), now: clock.now()).with(status: .created)
        }
        groups.staff.post("staff/flash-sales/:id/fcodes") { request, context in
            let sale = try await sale(context)
            let body = try await request.decodeJSON(FCodeBody.self, context: context)
            let codes = try await desk.issueFCodes(sale, count: body.count)
            return FCodeList(saleId: sale.id, codes: codes).with(status: .created)
        }
    }

    static func request(_ body: CreateBody) throws -> SaleRequest {
        var check = Validator()
        let startsAt = RFC3339.date(body.startsAt)
        let endsAt = RFC3339.date(body.endsAt)
        check.require(startsAt != nil, "startsAt", "must be an ISO 8601 date-time such as 2026-12-01T12:00:00Z")
        check.require(endsAt != nil, "endsAt", "must be an ISO 8601 date-time such as 2026-12-01T12:10:00Z")
        try check.check()
        return SaleRequest(
            title: body.title, skuId: body.skuId, marketCode: body.market, warehouseId: body.warehouseId, price: body.price,
            startsAt: startsAt!, endsAt: endsAt!, units: body.units, perAccountLimit: body.perAccountLimit ?? 1,
            paymentWindowSeconds: body.paymentWindowSeconds ?? 30 * 60, reservedOnly: body.reservedOnly ?? false,
            proofOfWorkBits: body.proofOfWorkBits ?? 0)
    }

    func sale(_ context: MilletRequestContext) async throws -> FlashSale {
        try await desk.sale(id: try context.parameters.require("id"))
    }

    func figures(_ saleId: String) async throws -> SaleFigures { try await desk.figures(saleId: saleId) }

    /// A server-sent-events stream of the sale's figures every 250 ms. Viewers share the event
    /// ``LiveFeed`` made from the figures the engine published; none causes a database read. The
    /// stream ends when the sale has ended, after ten minutes (the browser reconnects), or when
    /// the node shuts down.
    func live(_ sale: FlashSale) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { [business] writer in
            business.liveViewers.wrappingAdd(1, ordering: .relaxed)
            defer { business.liveViewers.wrappingSubtract(1, ordering: .relaxed) }
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(600), !engine.closing {
                let event = try await feed.event(for: sale)
                try await writer.write(event.bytes)
                if event.ended { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            try await writer.finish(nil)
        })
    }

    /// A purchase attempt: the sold-out fast path, then the engine (or an F-code's allotment).
    private func purchase(_ request: Request, context: MilletRequestContext) async throws -> SaleOrder {
        let account = try context.requireAccount()
        let key = try Checkout.validate(idempotencyKey: request.headers.value(.idempotencyKey))
        let saleId = try context.parameters.require("id")
        try request.requireJSONLabel()
        let raw = try await request.body.collect(upTo: context.maxUploadSize)
        // The sold-out fast path answers before the body is decoded; F-code purchases skip it
        // (they buy from their own allotment, before the start or after a sell-out).
        if !Self.mentionsFCode(raw), try !engine.quickPrecheck(saleId: saleId, accountId: account.id, idempotencyKey: key) {
            try await engine.precheck(saleId: saleId, accountId: account.id, idempotencyKey: key)
        }
        let body = try Request.decodeJSON(PurchaseBody.self, from: raw)
        let a = body.shippingAddress
        let address = try ShippingAddress(name: a.name, line1: a.line1, city: a.city, postcode: a.postcode, phone: a.phone)
        if let fcode = body.fcode {
            guard FCode.isWellFormed(fcode) else { throw DomainError.invalid(field: "fcode", "is not an F-code") }
            return try await engine.redeem(fcode: fcode, saleId: saleId, accountId: account.id, idempotencyKey: key, address: address)
        }
        return try await engine.purchase(
            saleId: saleId, accountId: account.id, ip: context.clientIP, idempotencyKey: key, address: address,
            token: body.purchaseToken, proof: body.proofOfWork)
    }
}
