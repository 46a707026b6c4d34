import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// Tax documents through HTTP: the fan reads the invoice of a paid order, nobody else does, and
/// staff list a market's documents for the books.
struct InvoiceHTTPTests: HTTPHarness {
    @Test func aPaidOrderHasItsInvoiceForItsFanAndForTheBooks() async throws {
        try await withApp { client, services in
            let (fan, staff, orderId) = try await ShippingHTTPTests().paidOrder(client, services, key: "invoice-http-1")
            let stranger = try await newFan(client, "Stranger")
            let read = { (token: String, uri: String) in
                try await client.execute(uri: uri, method: .get, headers: bearer(token)) {
                    ($0.status, $0.status == .ok ? ((try decode($0)["items"] as? [[String: Any]]) ?? []) : [])
                }
            }
            let mine = try await read(fan, "/api/v1/orders/\(orderId)/invoices")
            let invoice = try #require(mine.1.first)
            #expect(mine.0 == .ok && mine.1.count == 1 && invoice["kind"] as? String == "invoice")
            #expect((invoice["number"] as? String)?.hasPrefix("IN-") == true && invoice["taxRateBasisPoints"] as? Int == 1800)
            let order = try #require(try await services.orders.order(id: orderId))
            #expect(invoice["gross"] as? Int64 == order.totals.total || invoice["gross"] as? Int == Int(order.totals.total))
            #expect(try await read(stranger, "/api/v1/orders/\(orderId)/invoices").0 == .notFound)
            #expect(try await read(fan, "/api/v1/staff/invoices").0 == .forbidden)
            #expect(try await read(staff, "/api/v1/staff/invoices?from=yesterday").0 == .unprocessableContent)
            let books = try await read(staff, "/api/v1/staff/invoices?market=in")
            #expect(books.0 == .ok && books.1.contains { $0["orderId"] as? String == orderId })
            #expect(try await read(staff, "/api/v1/staff/invoices?market=ES").1.isEmpty)
        }
    }
}
