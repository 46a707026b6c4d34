import Hummingbird
import MilletCore

/// Staff order work: list by status, move orders along (ship with serials, deliver, complete,
/// refund, cancel) and refund part of what was paid.
struct StaffOrdersController {
    let desk: OrderDesk
    let orders: any OrderRepository

    struct EventBody: Decodable {
        let event: String
        let note: String?
        /// With `ship`: the serials of the units in the parcel.
        let serials: [String]?
    }

    struct RefundBody: Decodable {
        /// Minor units of the order's currency.
        let amount: Int64
        let reason: String
    }

    /// The `q` a list is searched with: at most 100 characters on one line.
    static func query(_ request: Request) throws -> String? {
        guard let q = request.uri.queryParameters["q"].map(String.init), !q.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        var check = Validator()
        check.requireLength(q, 1...100, "q", "at most 100 characters")
        check.requireSingleLine(q, "q")
        try check.check()
        return q
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/orders") { request, context in
            let pagination = try Pagination(request)
            var status: OrderStatus?
            if let raw = request.uri.queryParameters["status"] {
                guard let parsed = OrderStatus(rawValue: String(raw)) else { throw DomainError.invalid(field: "status", "unknown status") }
                status = parsed
            }
            let query = try StaffOrdersController.query(request)
            let orders = try await orders.orders(status: status, matching: query, offset: pagination.offset, limit: pagination.perPage + 1)
            return Page(fetched: orders.map(OrderDTO.init), pagination: pagination)
        }
        groups.staff.post("staff/orders/:id/events") { request, context in
            let staff = try context.requireAccount()
            let body = try await request.decodeJSON(EventBody.self, context: context)
            return OrderDTO(try await desk.apply(staffEvent: body.event, orderId: try context.parameters.require("id"), serials: body.serials ?? [], note: body.note, staffId: staff.id))
        }
        groups.staff.post("staff/orders/:id/refunds") { request, context in
            let staff = try context.requireAccount()
            let body = try await request.decodeJSON(RefundBody.self, context: context)
            let orderId = try context.parameters.require("id")
            guard Identifier.isWellFormed(orderId) else { throw DomainError.notFound(what: "order") }
            let order = try await desk.refund(orderId: orderId, amount: body.amount, reason: body.reason, actor: "staff:\(staff.id)")
            return OrderDTO(order).with(status: .created)
        }
    }
}
