import Hummingbird
import MilletCore

/// Staff order work: list by status and move orders along (ship, deliver, complete, refund, cancel).
struct StaffOrdersController {
    let services: MilletServices

    struct EventBody: Decodable {
        let event: String
        let note: String?
        /// With `ship`: the serials of the units in the parcel.
        let serials: [String]?
    }

    func addRoutes(to group: RouterGroup<MilletRequestContext>) {
        group.get("staff/orders") { request, context in
            _ = try context.requireStaff()
            let pagination = try Pagination(request)
            var status: OrderStatus?
            if let raw = request.uri.queryParameters["status"] {
                guard let parsed = OrderStatus(rawValue: String(raw)) else { throw DomainError.invalid(field: "status", "unknown status") }
                status = parsed
            }
            let orders = try await services.orders.orders(status: status, offset: pagination.offset, limit: pagination.perPage + 1)
            return Page(fetched: orders.map(OrderDTO.init), pagination: pagination)
        }
        group.post("staff/orders/:id/events") { request, context in
            let staff = try context.requireStaff()
            let body = try await request.decodeJSON(EventBody.self, context: context)
            let orderId = try context.parameters.require("id")
            let serials = try await checkSerials(body, orderId: orderId)
            let order = try await apply(body.event, note: body.note, orderId: orderId, staff: staff)
            if !serials.isEmpty {
                try await services.devices.recordSale(serials: serials, orderId: order.id, accountId: order.accountId, at: services.clock.now())
            }
            return OrderDTO(order)
        }
    }

    /// The serials sent with a `ship` event, upper-cased: at most one per unit in the order, none
    /// already shipped in another order.
    func checkSerials(_ body: EventBody, orderId: String) async throws -> [String] {
        guard let serials = body.serials, !serials.isEmpty else { return [] }
        guard body.event == OrderEvent.ship.rawValue else { throw DomainError.invalid(field: "serials", "go with the ship event") }
        let cleaned = serials.map { $0.uppercased() }
        var check = Validator()
        check.require(cleaned.allSatisfy { (4...64).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } },
                      "serials", "must be 4 to 64 letters, digits or dashes each")
        check.require(Set(cleaned).count == cleaned.count, "serials", "must not repeat")
        try check.check()
        guard Identifier.isWellFormed(orderId), let order = try await services.orders.order(id: orderId) else { throw DomainError.notFound(what: "order") }
        guard cleaned.count <= order.lines.reduce(0, { $0 + $1.quantity }) else {
            throw DomainError.invalid(field: "serials", "more serials than units in the order")
        }
        for serial in cleaned {
            if let sold = try await services.devices.saleOrder(serial: serial), sold != order.id {
                throw DomainError.conflict(code: "serial_sold", message: "serial \(serial) went out in another order")
            }
        }
        return cleaned
    }

    /// Applies a staff event; `pay` and `expire` belong to the provider and the clock, not to staff.
    func apply(_ rawEvent: String, note: String?, orderId: String, staff: Account) async throws -> Order {
        guard let event = OrderEvent(rawValue: rawEvent), event != .pay, event != .expire else {
            throw DomainError.invalid(field: "event", "must be one of ship, deliver, complete, refund, cancel")
        }
        guard (note ?? "").count <= 500 else { throw DomainError.invalid(field: "note", "at most 500 characters") }
        guard Identifier.isWellFormed(orderId), try await services.orders.order(id: orderId) != nil else {
            throw DomainError.notFound(what: "order")
        }
        return try await services.apply(event, orderId: orderId, actor: "staff:\(staff.id)", note: note ?? "\(event.rawValue) by staff")
    }
}
