import Foundation

/// Issues tax documents inside the transaction that makes them due: the invoice with the
/// payment that pays the order, the credit note with the refund the provider confirmed. The
/// number comes from the market's sequence in that same transaction, so a rolled-back payment
/// takes no number and the sequence has no gaps.
public struct InvoiceIssuer: Sendable {
    private let sellers: [String: Seller]

    public init(sellers: [String: Seller] = Seller.demo) {
        self.sellers = sellers
    }

    /// The invoice of a paid order: its lines and shipping, tax at the market's rate.
    @discardableResult
    public func issueInvoice(_ tx: any Transaction, order: Order, now: Date) async throws -> Invoice {
        if let issued = try await tx.invoices(orderId: order.id).first(where: { $0.kind == .invoice }) { return issued }
        let market = try await Self.market(tx, order.marketCode)
        var lines = order.lines.map {
            Self.line($0.productName, code: $0.skuCode, quantity: $0.quantity, amount: $0.lineTotal, tax: market.tax)
        }
        if order.totals.shipping > 0 {
            let name = order.shipping?.methodName ?? InvoiceWording.of(market.code).shippingLine
            lines.append(Self.line(name, code: nil, quantity: 1, amount: order.totals.shipping, tax: market.tax))
        }
        let sequence = try await tx.nextSequence(market: market.code, kind: .invoice)
        let invoice = Self.document(
            kind: .invoice, sequence: sequence, order: order, refundId: nil, corrects: nil, seller: try seller(market.code), lines: lines,
            rate: market.tax.rateBasisPoints, gross: order.totals.total, now: now)
        try await tx.insert(invoice)
        return invoice
    }

    /// The credit note of a refund that succeeded, correcting the order's invoice; `nil` when the
    /// order was never invoiced (money that came after a cancel goes back without one). A refund
    /// of the whole invoice credits its lines; a part is one line with the refund's reason.
    @discardableResult
    public func issueCreditNote(_ tx: any Transaction, refund: Refund, now: Date) async throws -> Invoice? {
        let documents = try await tx.invoices(orderId: refund.orderId)
        guard let invoice = documents.first(where: { $0.kind == .invoice }), let order = try await tx.order(id: refund.orderId) else { return nil }
        if let issued = documents.first(where: { $0.refundId == refund.id }) { return issued }
        let market = try await Self.market(tx, order.marketCode)
        let lines = refund.amount == invoice.gross
            ? invoice.lines
            : [Self.line("\(InvoiceWording.of(market.code).refundLine): \(refund.reason)", code: nil, quantity: 1, amount: refund.amount, tax: market.tax)]
        let sequence = try await tx.nextSequence(market: market.code, kind: .creditNote)
        let note = Self.document(
            kind: .creditNote, sequence: sequence, order: order, refundId: refund.id, corrects: invoice.number, seller: invoice.seller,
            lines: lines, rate: invoice.taxRateBasisPoints, gross: refund.amount, now: now)
        try await tx.insert(note)
        return note
    }

    private static func market(_ tx: any Transaction, _ code: String) async throws -> Market {
        guard let market = try await tx.market(code: code) else { throw DomainError.notFound(what: "market") }
        return market
    }

    private func seller(_ market: String) throws -> InvoiceParty {
        guard let seller = sellers[market] else { throw DomainError.conflict(code: "no_seller", message: "no selling company is set for \(market)") }
        return seller.party
    }

    /// A line of `amount` (tax included where the market's prices include it).
    static func line(_ description: String, code: String?, quantity: Int, amount: Int64, tax: TaxRule) -> InvoiceLine {
        let rate = Int64(tax.rateBasisPoints)
        if tax.pricesIncludeTax {
            let net = (amount * 10_000 + (10_000 + rate) / 2) / (10_000 + rate)
            return InvoiceLine(description: description, code: code, quantity: quantity, net: net, tax: amount - net, gross: amount)
        }
        let lineTax = (amount * rate + 5_000) / 10_000
        return InvoiceLine(description: description, code: code, quantity: quantity, net: amount, tax: lineTax, gross: amount + lineTax)
    }

    /// The document with its totals: tax once on the sum of the lines' net amounts, and what
    /// rounding left to reach `gross`.
    static func document(
        kind: InvoiceKind, sequence: Int64, order: Order, refundId: String?, corrects: String?, seller: InvoiceParty, lines: [InvoiceLine],
        rate: Int, gross: Int64, now: Date
    ) -> Invoice {
        let net = lines.reduce(0) { $0 + $1.net }
        let tax = (net * Int64(rate) + 5_000) / 10_000
        let address = order.shippingAddress
        return Invoice(
            id: Identifier.make(), kind: kind, marketCode: order.marketCode, sequence: sequence,
            number: Invoice.number(market: order.marketCode, kind: kind, sequence: sequence), orderId: order.id, refundId: refundId,
            correctsNumber: corrects, issuedAt: now, currency: order.currency, seller: seller,
            buyer: InvoiceParty(name: address.name, address: [address.line1, "\(address.postcode) \(address.city)"], taxId: order.buyerTaxId),
            lines: lines, taxRateBasisPoints: rate, net: net, tax: tax, rounding: gross - net - tax, gross: gross)
    }
}
