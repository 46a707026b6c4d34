import Foundation
import Hummingbird
import MilletCore

/// Tax documents: a fan's for their own order (staff see any) as JSON and, where the market
/// offers it, UBL 2.1 XML; staff's list per market and period for the books, as JSON or CSV.
struct InvoicesController {
    let desk: OrderDesk
    let invoices: any InvoiceRepository
    let markets: any MarketRepository

    struct InvoiceList: ResponseEncodable {
        let items: [Invoice]
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("orders/:id/invoices") { _, context in
            let order = try await desk.order(id: try context.parameters.require("id"), viewer: try context.requireAccount())
            return InvoiceList(items: try await invoices.invoices(orderId: order.id))
        }
        groups.open.get("orders/:id/invoices/:invoiceId/ubl") { _, context in
            let order = try await desk.order(id: try context.parameters.require("id"), viewer: try context.requireAccount())
            let (invoice, corrected) = try await invoices.document(try context.parameters.require("invoiceId"), of: order)
            guard InvoiceWording.of(invoice.marketCode).offersUBL else { throw DomainError.notFound(what: "UBL document") }
            let market = try await markets.requireMarket(invoice.marketCode)
            let xml = UBLDocument(invoice, corrected: corrected, minorDigits: market.currency.minorDigits).xml
            return Response(
                status: .ok,
                headers: [.contentType: "application/xml; charset=utf-8", .contentDisposition: "attachment; filename=\"\(invoice.number).xml\""],
                body: .init(byteBuffer: ByteBuffer(string: xml)))
        }
        groups.staff.get("staff/invoices") { request, context in
            let (market, from, to) = try Self.period(request)
            return InvoiceList(items: try await invoices.invoices(marketCode: market, from: from, to: to, limit: 1000))
        }
        groups.staff.get("staff/invoices/export") { request, context in
            let (market, from, to) = try Self.period(request)
            return try await InvoiceCSV.export(invoices, markets: markets, market: market, from: from, to: to)
        }
    }

    /// `market`, `from` and `to` of a staff list.
    static func period(_ request: Request) throws -> (market: String?, from: Date?, to: Date?) {
        let market = request.uri.queryParameters["market"].map { String($0).uppercased() }
        let from = try request.uri.queryParameters["from"].map { try date(String($0), field: "from") }
        let to = try request.uri.queryParameters["to"].map { try date(String($0), field: "to") }
        return (market, from, to)
    }

    static func date(_ value: String, field: String) throws -> Date {
        guard let date = RFC3339.date(value) else { throw DomainError.invalid(field: field, "must be an ISO 8601 date-time") }
        return date
    }
}

/// Documents as CSV (RFC 4180) for a spreadsheet or the accountant's system: one row each,
/// amounts as decimals of their currency.
enum InvoiceCSV {
    static let header = ["number", "kind", "market", "issued_at", "order_id", "corrects", "buyer", "buyer_tax_id", "currency",
                         "tax_rate_percent", "net", "tax", "rounding", "gross"]

    /// The most documents one export holds; a longer period is refused, to be split.
    static let exportLimit = 50_000

    /// The documents of a market (or all) issued in `[from, to)` as a download named
    /// `invoices.csv`, for the API and the console alike.
    static func export(
        _ invoices: any InvoiceRepository, markets: any MarketRepository, market: String?, from: Date?, to: Date?
    ) async throws -> Response {
        let documents = try await invoices.invoices(marketCode: market, from: from, to: to, limit: exportLimit + 1)
        guard documents.count <= exportLimit else {
            throw DomainError.invalid(field: "from", "more than \(exportLimit) documents; export a shorter period")
        }
        let digits = Dictionary(uniqueKeysWithValues: try await markets.markets().map { ($0.code, $0.currency.minorDigits) })
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"invoices.csv\""],
            body: .init(byteBuffer: ByteBuffer(string: text(documents, minorDigits: digits))))
    }

    static func text(_ documents: [Invoice], minorDigits: [String: Int]) -> String {
        var rows = [header.joined(separator: ",")]
        for d in documents {
            let digits = minorDigits[d.marketCode] ?? 2
            let money = { (minor: Int64) in MinorUnitMath.decimal(minor, digits: digits) }
            rows.append([
                field(d.number), d.kind.rawValue, field(d.marketCode), d.issuedAt.formatted(.iso8601), field(d.orderId),
                field(d.correctsNumber ?? ""), field(d.buyer.name), field(d.buyer.taxId ?? ""), field(d.currency),
                MinorUnitMath.decimal(Int64(d.taxRateBasisPoints), digits: 2), money(d.net), money(d.tax), money(d.rounding), money(d.gross),
            ].joined(separator: ","))
        }
        return rows.joined(separator: "\r\n") + "\r\n"
    }

    /// Quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-` or `@` is
    /// prefixed with `'` so a spreadsheet does not run it as a formula.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
