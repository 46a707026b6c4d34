import Foundation

/// A sales invoice or a credit note.
public enum InvoiceKind: String, Codable, Sendable, CaseIterable {
    case invoice
    case creditNote = "credit_note"
}

/// Who sells or buys, as printed on the document.
public struct InvoiceParty: Hashable, Sendable, Codable {
    public let name: String
    public let address: [String]
    /// The party's tax id (GSTIN, NIF, VAT number, ...), when there is one.
    public let taxId: String?

    public init(name: String, address: [String], taxId: String?) {
        self.name = name
        self.address = address
        self.taxId = taxId
    }
}

/// One line of a document, in minor units of its currency: `net + tax = gross` per line.
public struct InvoiceLine: Hashable, Sendable, Codable {
    public let description: String
    public let code: String?
    public let quantity: Int
    /// Without tax.
    public let net: Int64
    public let tax: Int64
    /// What the fan paid for the line, tax included.
    public let gross: Int64

    public init(description: String, code: String?, quantity: Int, net: Int64, tax: Int64, gross: Int64) {
        self.description = description
        self.code = code
        self.quantity = quantity
        self.net = net
        self.tax = tax
        self.gross = gross
    }
}

/// An issued tax document. Its number is the next of its market and kind, allocated in the
/// transaction that made it due (the payment, the refund), so the sequence has no gaps. What it
/// says is fixed at issue: seller, buyer, lines and totals are stored with it, never recomputed.
public struct Invoice: Hashable, Sendable, Codable {
    public let id: String
    public let kind: InvoiceKind
    public let marketCode: String
    /// The place in its market's unbroken sequence of this kind, from 1.
    public let sequence: Int64
    /// As printed: `ES-000042` for an invoice, `ES-CN-000007` for a credit note.
    public let number: String
    public let orderId: String
    /// The refund a credit note documents.
    public let refundId: String?
    /// The invoice a credit note corrects.
    public let correctsNumber: String?
    public let issuedAt: Date
    public let currency: String
    public let seller: InvoiceParty
    public let buyer: InvoiceParty
    public let lines: [InvoiceLine]
    /// The tax rate in basis points.
    public let taxRateBasisPoints: Int
    /// The sum of the lines' net amounts: the taxable amount.
    public let net: Int64
    /// The tax on ``net`` at the rate, rounded once for the document.
    public let tax: Int64
    /// What rounding the tax per line and once for the document left between `net + tax` and
    /// what was paid (at most a few minor units).
    public let rounding: Int64
    /// What the fan paid, or is paid back: `net + tax + rounding`.
    public let gross: Int64

    public init(
        id: String, kind: InvoiceKind, marketCode: String, sequence: Int64, number: String, orderId: String, refundId: String?,
        correctsNumber: String?, issuedAt: Date, currency: String, seller: InvoiceParty, buyer: InvoiceParty, lines: [InvoiceLine],
        taxRateBasisPoints: Int, net: Int64, tax: Int64, rounding: Int64, gross: Int64
    ) {
        self.id = id
        self.kind = kind
        self.marketCode = marketCode
        self.sequence = sequence
        self.number = number
        self.orderId = orderId
        self.refundId = refundId
        self.correctsNumber = correctsNumber
        self.issuedAt = issuedAt
        self.currency = currency
        self.seller = seller
        self.buyer = buyer
        self.lines = lines
        self.taxRateBasisPoints = taxRateBasisPoints
        self.net = net
        self.tax = tax
        self.rounding = rounding
        self.gross = gross
    }

    /// The printed number of the `sequence`-th document of a kind in a market.
    public static func number(market: String, kind: InvoiceKind, sequence: Int64) -> String {
        let digits = String(sequence)
        let padded = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        return kind == .invoice ? "\(market)-\(padded)" : "\(market)-CN-\(padded)"
    }
}

/// Who the brand is in a market, as its invoices name it.
public struct Seller: Hashable, Sendable {
    public let party: InvoiceParty

    public init(_ party: InvoiceParty) {
        self.party = party
    }

    /// The brand's company in each demo market. A brand running Millet names its own.
    public static let demo: [String: Seller] = [
        "CN": Seller(InvoiceParty(name: "Millet Technology (Beijing) Co., Ltd.", address: ["68 Qinghe Middle Street", "Haidian District, Beijing 100085"], taxId: "91110108MA01MILLET")),
        "IN": Seller(InvoiceParty(name: "Millet Technology India Private Limited", address: ["Prestige Tech Park, Outer Ring Road", "Bengaluru, Karnataka 560103"], taxId: "29AAACM1234M1Z5")),
        "ES": Seller(InvoiceParty(name: "Millet Technology Spain S.L.", address: ["Paseo de la Castellana 95", "28046 Madrid"], taxId: "ESB12345678")),
        "GB": Seller(InvoiceParty(name: "Millet Technology UK Limited", address: ["1 Finsbury Avenue", "London EC2M 2PF"], taxId: "GB123456789")),
        "ID": Seller(InvoiceParty(name: "PT Millet Teknologi Indonesia", address: ["Jl. Jend. Sudirman Kav. 52-53", "Jakarta Selatan 12190"], taxId: "01.234.567.8-901.000")),
    ]
}
