import Foundation

/// Tax documents inside a ``Transaction``.
public protocol InvoiceLedger: Sendable {
    /// Takes the next number of a market's sequence of this kind (1 for the first); the
    /// transaction holds it until it commits, so numbers are never skipped nor given twice.
    func nextSequence(market: String, kind: InvoiceKind) async throws -> Int64
    func insert(_ invoice: Invoice) async throws
    /// An order's documents, in the order they were issued.
    func invoices(orderId: String) async throws -> [Invoice]
    /// The market as it is now, read inside the transaction (its tax rate goes on the document).
    func market(code: String) async throws -> Market?
}

/// Reads of issued documents outside a transaction.
public protocol InvoiceRepository: Sendable {
    func invoice(id: String) async throws -> Invoice?
    func invoices(orderId: String) async throws -> [Invoice]
    /// Documents of a market (or every market) issued in `[from, to)`, by market, kind and number.
    func invoices(marketCode: String?, from: Date?, to: Date?, limit: Int) async throws -> [Invoice]
}

extension InvoiceRepository {
    /// The document `id` of `order` (already checked as the viewer's), with the invoice it
    /// corrects when it is a credit note; `not_found` for a document of another order.
    public func document(_ id: String, of order: Order) async throws -> (invoice: Invoice, corrected: Invoice?) {
        let documents = try await invoices(orderId: order.id)
        guard let invoice = documents.first(where: { $0.id == id }) else { throw DomainError.notFound(what: "invoice") }
        return (invoice, invoice.correctsNumber.flatMap { number in documents.first { $0.number == number } })
    }
}
