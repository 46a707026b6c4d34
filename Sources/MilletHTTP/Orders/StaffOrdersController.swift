import Hummingbird
import MilletCore

/// Staff order work: list by status and move orders along (ship, deliver, complete, refund, cancel).
struct StaffOrdersController {
    let services: MilletServices

    struct EventBody: Decodable {
        let event: String
        let note: String?
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
            return OrderDTO(try await apply(body.event, note: body.note, orderId: try context.parameters.require("id"), staff: staff))
        }
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
