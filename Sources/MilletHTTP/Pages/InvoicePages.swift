import Foundation
import Hummingbird
import MilletCore

/// A tax document as a printable page, in its market's language and with the heading, tax-id
/// label and footer its market's rules ask for; the fan opens theirs from the order's page.
/// Staff list a market's documents by day and download them as CSV.
struct InvoicePages {
    let pages: PageKit
    let desk: OrderDesk
    let invoices: any InvoiceRepository

    /// The console's filter: a market and days (`2026-12-01`), `to` included.
    struct Filter {
        let market: String?
        let from, to: String?

        init(_ request: Request) {
            let value = { (name: String) in request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
            market = value("market")?.uppercased()
            from = value("from")
            to = value("to")
        }

        var query: String {
            [("market", market), ("from", from), ("to", to)].compactMap { name, value in
                value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            }.joined(separator: "&")
        }

        /// The instants the days bound: from the start of `from` to the end of `to`.
        func period() throws -> (from: Date?, to: Date?) {
            (try from.map { try Self.day($0, field: "from") }, try to.map { try Self.day($0, field: "to").addingTimeInterval(86_400) })
        }

        func documents(_ invoices: any InvoiceRepository, limit: Int) async throws -> [Invoice] {
            let (start, end) = try period()
            return try await invoices.invoices(marketCode: market, from: start, to: end, limit: limit)
        }

        static func day(_ text: String, field: String) throws -> Date {
            guard let date = RFC3339.date(text + "T00:00:00Z") else {
                throw DomainError.invalid(field: field, "must be a day such as 2026-12-01")
            }
            return date
        }
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/invoices") { request, context in
            let chrome = try await pages.chrome(request, context)
            let filter = Filter(request)
            let documents = try await filter.documents(invoices, limit: 500)
            let digits = Dictionary(uniqueKeysWithValues: chrome.markets.map { ($0.code, $0.currency) })
            return pages.page("staff-invoices", [
                "markets": chrome.markets.map { ["code": $0.code, "name": $0.name, "selected": $0.code == filter.market] as [String: Any] },
                "from": filter.from ?? "", "to": filter.to ?? "", "csvURL": "/staff/invoices.csv?" + filter.query,
                "empty": documents.isEmpty,
                "documents": documents.map { invoice -> [String: Any] in
                    let currency = digits[invoice.marketCode]
                    return [
                        "number": invoice.number, "heading": InvoiceWording.of(invoice.marketCode).heading(invoice.kind),
                        "issuedOn": chrome.format.day(invoice.issuedAt), "buyer": invoice.buyer.name, "market": invoice.marketCode,
                        "url": "/orders/\(invoice.orderId)/invoices/\(invoice.id)",
                        "gross": chrome.format.money(invoice.gross, currency: invoice.currency, minorDigits: currency?.minorDigits ?? 2),
                    ]
                },
            ], chrome: chrome)
        }
        groups.staff.get("staff/invoices.csv") { request, _ in
            let filter = Filter(request)
            let (from, to) = try filter.period()
            return try await InvoiceCSV.export(invoices, markets: pages.markets, market: filter.market, from: from, to: to)
        }
        groups.open.get("orders/:id/invoices/:invoiceId") { _, context in
            let order = try await desk.order(id: try context.parameters.require("id"), viewer: try context.requireAccount())
            let (invoice, corrected) = try await invoices.document(try context.parameters.require("invoiceId"), of: order)
            let market = try await pages.markets.requireMarket(invoice.marketCode)
            let wording = InvoiceWording.of(invoice.marketCode)
            let format = LocaleFormat(language: wording.language, region: market.code)
            let money = { (minor: Int64) in format.money(minor, currency: invoice.currency, minorDigits: market.currency.minorDigits) }
            let party = { (party: InvoiceParty) -> [String: Any] in
                var values: [String: Any] = ["name": party.name, "address": party.address]
                values["taxId"] = party.taxId
                return values
            }
            var values: [String: Any] = [
                "t": pages.strings(wording.language), "lang": wording.language,
                "heading": wording.heading(invoice.kind), "taxIdLabel": wording.taxIdLabel, "footer": wording.footer,
                "notTaxInvoice": !wording.isTaxInvoice,
                "number": invoice.number, "issuedOn": format.day(invoice.issuedAt), "orderNumber": order.number, "orderId": order.id,
                "seller": party(invoice.seller), "buyer": party(invoice.buyer),
                "lines": invoice.lines.map {
                    ["description": $0.description, "code": $0.code ?? "", "quantity": $0.quantity, "net": money($0.net),
                     "tax": money($0.tax), "gross": money($0.gross)] as [String: Any]
                },
                "rate": (invoice.taxRateBasisPoints % 100 == 0
                    ? String(invoice.taxRateBasisPoints / 100) : MinorUnitMath.decimal(Int64(invoice.taxRateBasisPoints), digits: 2)) + " %",
                "net": money(invoice.net), "tax": money(invoice.tax), "gross": money(invoice.gross),
                "kind": invoice.kind.rawValue,
            ]
            if invoice.rounding != 0 { values["rounding"] = money(invoice.rounding) }
            if let number = invoice.correctsNumber {
                values["corrects"] = corrected.map { "\(number) (\(format.day($0.issuedAt)))" } ?? number
            }
            if wording.offersUBL { values["ublURL"] = "/api/v1/orders/\(order.id)/invoices/\(invoice.id)/ubl" }
            return pages.renderer.html(pages.renderer.library.render(values, withTemplate: "invoice") ?? "", status: .ok, language: wording.language)
        }
    }
}

extension PageKit {
    /// An order's tax documents as links for its page: heading, number, date, and the XML where
    /// the market offers it.
    func invoiceLinks(_ documents: [Invoice], order: Order, chrome: PageChrome) -> [[String: Any]] {
        documents.map { invoice in
            let wording = InvoiceWording.of(invoice.marketCode)
            var values: [String: Any] = [
                "heading": wording.heading(invoice.kind), "number": invoice.number, "issuedOn": chrome.format.day(invoice.issuedAt),
                "url": "/orders/\(order.id)/invoices/\(invoice.id)",
            ]
            if wording.offersUBL { values["ublURL"] = "/api/v1/orders/\(order.id)/invoices/\(invoice.id)/ubl" }
            return values
        }
    }
}
