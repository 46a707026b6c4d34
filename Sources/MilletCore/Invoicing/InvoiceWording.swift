/// What a market's tax documents must say, in the market's own language: the heading of each
/// kind, the label of a tax id, and the lines the law or the tax office expects at the foot.
/// Seeded for the demo markets from each country's invoicing rules; a brand checks them with its
/// local adviser.
public struct InvoiceWording: Hashable, Sendable {
    /// The language the document is written in (BCP 47).
    public let language: String
    public let invoiceHeading: String
    public let creditNoteHeading: String
    /// `GSTIN`, `NIF`, `VAT Reg No.`, ...
    public let taxIdLabel: String
    /// Printed at the foot of every document of the market.
    public let footer: [String]
    /// `false` where the legal tax document comes from somewhere else (China's fapiao comes only
    /// from the tax platform): the page then says it is a sales receipt.
    public let isTaxInvoice: Bool
    /// Whether the market's documents are offered as UBL 2.1 XML (EN 16931, the EU norm).
    public let offersUBL: Bool
    /// The line for shipping when the order names no method (a flash-sale order).
    public let shippingLine: String
    /// The start of a credit note's line for part of a payment, before the refund's reason.
    public let refundLine: String

    public init(
        language: String, invoiceHeading: String, creditNoteHeading: String, taxIdLabel: String, footer: [String],
        isTaxInvoice: Bool = true, offersUBL: Bool = false, shippingLine: String = "Shipping", refundLine: String = "Refund"
    ) {
        self.language = language
        self.invoiceHeading = invoiceHeading
        self.creditNoteHeading = creditNoteHeading
        self.taxIdLabel = taxIdLabel
        self.footer = footer
        self.isTaxInvoice = isTaxInvoice
        self.offersUBL = offersUBL
        self.shippingLine = shippingLine
        self.refundLine = refundLine
    }

    /// The heading of a document of `kind`.
    public func heading(_ kind: InvoiceKind) -> String {
        kind == .invoice ? invoiceHeading : creditNoteHeading
    }

    /// The wording of a market, or a plain English one for a market without its own.
    public static func of(_ marketCode: String) -> InvoiceWording {
        demo[marketCode] ?? InvoiceWording(language: "en", invoiceHeading: "Invoice", creditNoteHeading: "Credit note", taxIdLabel: "Tax ID", footer: [])
    }

    static let demo: [String: InvoiceWording] = [
        // CGST Rules 46 and 53: "Tax Invoice", the supplier's GSTIN, the original for the recipient.
        "IN": InvoiceWording(
            language: "en", invoiceHeading: "Tax Invoice", creditNoteHeading: "Credit Note", taxIdLabel: "GSTIN",
            footer: ["ORIGINAL FOR RECIPIENT", "Tax payable on reverse charge: No", "This is a computer-generated document."]),
        // RD 1619/2012: a factura, corrections as facturas rectificativas in their own series.
        "ES": InvoiceWording(
            language: "es", invoiceHeading: "Factura", creditNoteHeading: "Factura rectificativa", taxIdLabel: "NIF",
            footer: ["Inscrita en el Registro Mercantil de Madrid.", "IVA incluido en los precios."], offersUBL: true,
            shippingLine: "Envío", refundLine: "Reembolso"),
        // VAT Regulations 1995 reg. 14; HMRC asks for credit notes headed "credit note".
        "GB": InvoiceWording(
            language: "en", invoiceHeading: "VAT invoice", creditNoteHeading: "Credit note", taxIdLabel: "VAT Reg No.",
            footer: ["Registered in England and Wales. Registered office: 1 Finsbury Avenue, London EC2M 2PF.", "Prices include VAT."]),
        // A fapiao is issued only through the tax platform: this is the sales receipt.
        "CN": InvoiceWording(
            language: "zh-Hans", invoiceHeading: "销售凭证", creditNoteHeading: "退款凭证", taxIdLabel: "统一社会信用代码",
            footer: ["本凭证不是发票。如需电子发票，请于购买之日起30日内联系客服申请。", "价格已含增值税。"], isTaxInvoice: false,
            shippingLine: "运费", refundLine: "退款"),
        // PER-11/PJ/2025: a retailer's sales invoice with the price-includes-PPN statement.
        "ID": InvoiceWording(
            language: "id", invoiceHeading: "Faktur Penjualan", creditNoteHeading: "Nota Retur", taxIdLabel: "NPWP",
            footer: ["Harga sudah termasuk PPN."], shippingLine: "Ongkos kirim", refundLine: "Pengembalian dana"),
    ]
}
