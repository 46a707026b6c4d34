import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP
#if canImport(FoundationXML)
import FoundationXML
#endif

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

    /// A Spanish order with the buyer's NIF: the printable factura names both parties, the UBL
    /// document parses with the order's totals, and staff export the books as CSV.
    @Test func aSpanishInvoiceIsPrintableAndUBLAndInTheExport() async throws {
        try await withApp { client, services in
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let stranger = try await newFan(client, "Stranger")
            let sku = try #require(try await services.catalog.product(slug: "millet-note-3")).skus[0].id
            let place = { (body: [String: Any], key: String) in
                try await client.execute(
                    uri: "/api/v1/orders", method: .post, headers: bearer(fan, [.init("Idempotency-Key")!: key]), body: json(body)
                ) { ($0.status, try decode($0)) }
            }
            let base: [String: Any] = ["market": "ES", "shippingAddress": address, "items": [["skuId": sku, "quantity": 1]], "shippingMethod": "express"]
            var refused = base
            refused["taxId"] = "B1<2>"
            #expect(try await place(refused, "invoice-es-0").0 == .unprocessableContent)
            var body = base
            body["taxId"] = " b-8765 4321 "
            let (status, placed) = try await place(body, "invoice-es-1")
            #expect(status == .created && placed["taxId"] as? String == "B-87654321")
            let orderId = placed["id"] as! String
            let payment = try await services.payments.createPayment(orderId: orderId, provider: "sandbox", now: services.clock.now())
            let signed = services.sandbox.notice(for: payment, kind: .succeeded, now: services.clock.now())
            try await client.execute(
                uri: "/api/v1/payments/sandbox/webhook", method: .post, headers: [.init("Millet-Signature")!: signed.signature],
                body: ByteBuffer(bytes: signed.body)) { #expect($0.status == .ok) }
            let order = try #require(try await services.orders.order(id: orderId))
            let invoice = try #require(try await services.invoices.invoices(orderId: orderId).first)
            #expect(invoice.buyer.taxId == "B-87654321" && invoice.gross == order.totals.total)

            // Pages read the session cookie, the API the bearer token; both carry the same token.
            let page = { (token: String, uri: String) in
                var headers = bearer(token)
                headers[.cookie] = "\(IdentityMiddleware.cookieName)=\(token); \(csrfCookie)"
                return try await client.execute(uri: uri, method: .get, headers: headers) { ($0.status, String(buffer: $0.body)) }
            }
            let printable = try await page(fan, "/orders/\(orderId)/invoices/\(invoice.id)")
            #expect(printable.0 == .ok && printable.1.contains("<h1 id=\"invoice-heading\">Factura</h1>"))
            #expect(printable.1.contains(invoice.number) && printable.1.contains("NIF: <span id=\"buyer-tax-id\">B-87654321</span>"))
            #expect(printable.1.contains("Envío urgente 24 h") && printable.1.contains("lang=\"es\""))
            #expect(try await page(stranger, "/orders/\(orderId)/invoices/\(invoice.id)").0 == .notFound)
            #expect(try await page(fan, "/orders/\(orderId)/invoices/\(Identifier.make())").0 == .notFound)
            let orderPage = try await page(fan, "/orders/\(orderId)")
            #expect(orderPage.1.contains("/orders/\(orderId)/invoices/\(invoice.id)") && orderPage.1.contains("/invoices/\(invoice.id)/ubl"))

            let ubl = try await client.execute(uri: "/api/v1/orders/\(orderId)/invoices/\(invoice.id)/ubl", method: .get, headers: bearer(fan)) {
                ($0.status, $0.headers[.contentType], String(buffer: $0.body))
            }
            #expect(ubl.0 == .ok && ubl.1 == "application/xml; charset=utf-8")
            let xml = try XMLDocument(xmlString: ubl.2)
            let v = { (path: String) in try xml.nodes(forXPath: path).first?.stringValue ?? "" }
            #expect(try v("/*/*[local-name()='ID']") == invoice.number)
            #expect(try v("//*[local-name()='AccountingCustomerParty']//*[local-name()='CompanyID']") == "ESB-87654321")
            let paid = MinorUnitMath.decimal(order.totals.total, digits: 2)
            #expect(try v("//*[local-name()='LegalMonetaryTotal']/*[local-name()='PrepaidAmount']") == paid)
            #expect(try v("//*[local-name()='LegalMonetaryTotal']/*[local-name()='TaxInclusiveAmount']") == MinorUnitMath.decimal(invoice.net + invoice.tax, digits: 2))
            #expect(try xml.nodes(forXPath: "//*[local-name()='InvoiceLine']").count == 2)
            #expect(try await page(stranger, "/api/v1/orders/\(orderId)/invoices/\(invoice.id)/ubl").0 == .notFound)
            // India's documents are not offered as UBL.
            let (_, _, indian) = try await ShippingHTTPTests().paidOrder(client, services, key: "invoice-es-2")
            let indianInvoice = try #require(try await services.invoices.invoices(orderId: indian).first)
            #expect(try await page(fan, "/api/v1/orders/\(indian)/invoices/\(indianInvoice.id)/ubl").0 == .notFound)
            #expect(try await page(fan, "/orders/\(indian)/invoices/\(indianInvoice.id)").1.contains("Tax Invoice"))

            #expect(try await page(fan, "/api/v1/staff/invoices/export").0 == .forbidden)
            let csv = try await page(staff, "/api/v1/staff/invoices/export?market=es")
            let rows = csv.1.split(separator: "\r\n").map(String.init)
            #expect(csv.0 == .ok && rows.count == 2 && rows[0].hasPrefix("number,kind,market,issued_at"))
            #expect(rows[1].hasPrefix("\(invoice.number),invoice,ES,") && rows[1].contains(",B-87654321,EUR,21.00,"))
            #expect(rows[1].hasSuffix("," + paid))
            #expect(try await page(staff, "/api/v1/staff/invoices/export?to=tomorrow").0 == .unprocessableContent)
            // The console's list by day, and the same CSV from it.
            let console = try await page(staff, "/staff/invoices?market=ES&from=2027-01-15&to=2027-01-15")
            #expect(console.0 == .ok && console.1.contains(invoice.number))
            #expect(try await page(staff, "/staff/invoices?market=ES&from=2027-01-16").1.contains(invoice.number) == false)
            #expect(try await page(staff, "/staff/invoices.csv?market=ES").1 == csv.1)
            #expect(try await page(staff, "/staff/invoices?from=yesterday").0 == .unprocessableContent)
            #expect(try await page(fan, "/staff/invoices.csv").0 == .forbidden)
        }
    }

    @Test func aSpreadsheetDoesNotRunWhatABuyerTyped() {
        #expect(InvoiceCSV.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(InvoiceCSV.field("García, Ana") == "\"García, Ana\"")
        #expect(InvoiceCSV.field("Asha") == "Asha")
    }
}
