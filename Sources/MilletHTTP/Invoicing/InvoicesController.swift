import Foundation
import Hummingbird
import MilletCore

/// Tax documents as JSON: a fan's for their own order (staff see any), and staff's list per
/// market and period for the books.
struct InvoicesController {
    let desk: OrderDesk
    let invoices: any InvoiceRepository

    struct InvoiceList: ResponseEncodable {
        let items: [Invoice]
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("orders/:id/invoices") { _, context in
            let order = try await desk.order(id: try context.parameters.require("id"), viewer: try context.requireAccount())
            return InvoiceList(items: try await invoices.invoices(orderId: order.id))
        }
        groups.staff.get("staff/invoices") { request, context in
            let market = request.uri.queryParameters["market"].map { String($0).uppercased() }
            let from = try request.uri.queryParameters["from"].map { try Self.date(String($0), field: "from") }
            let to = try request.uri.queryParameters["to"].map { try Self.date(String($0), field: "to") }
            return InvoiceList(items: try await invoices.invoices(marketCode: market, from: from, to: to, limit: 1000))
        }
    }

    static func date(_ value: String, field: String) throws -> Date {
        guard let date = ISO8601DateFormatter().date(from: value) else { throw DomainError.invalid(field: field, "must be an ISO 8601 date-time") }
        return date
    }
}
