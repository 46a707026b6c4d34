import Foundation

/// A tax document as UBL 2.1 XML under the European norm EN 16931 (`urn:cen.eu:en16931:2017`):
/// an `Invoice` (type 380) or a `CreditNote` (type 381) referring to the invoice it corrects.
///
/// Amounts are the document's own, never recomputed: each line's net, one tax subtotal at the
/// market's standard rate (category `S`), the rounding the document carries as
/// `PayableRoundingAmount`, and the whole gross as already paid (`PrepaidAmount`), so
/// `PayableAmount` is zero: the fan paid (or was paid back) when the document was issued.
public struct UBLDocument: Sendable {
    public let invoice: Invoice
    /// The invoice a credit note corrects, for its number and date.
    public let corrected: Invoice?
    /// Digits after the decimal point in the document's currency.
    public let minorDigits: Int

    public init(_ invoice: Invoice, corrected: Invoice?, minorDigits: Int) {
        self.invoice = invoice
        self.corrected = corrected
        self.minorDigits = minorDigits
    }

    /// The XML text, UTF-8.
    public var xml: String {
        let credit = invoice.kind == .creditNote
        let root = credit ? "CreditNote" : "Invoice"
        var x = XMLText()
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        x.raw("<\(root) xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:\(root)-2\" ")
        x.raw("xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" ")
        x.raw("xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">")
        x.element("cbc:CustomizationID", "urn:cen.eu:en16931:2017")
        x.element("cbc:ID", invoice.number)
        x.element("cbc:IssueDate", invoice.issuedAt.utcDay)
        x.element(credit ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", credit ? "381" : "380")
        x.element("cbc:Note", "Order \(invoice.orderId)")
        x.element("cbc:DocumentCurrencyCode", invoice.currency)
        if credit, let number = invoice.correctsNumber {
            x.open("cac:BillingReference")
            x.open("cac:InvoiceDocumentReference")
            x.element("cbc:ID", number)
            if let corrected { x.element("cbc:IssueDate", corrected.issuedAt.utcDay) }
            x.close("cac:InvoiceDocumentReference")
            x.close("cac:BillingReference")
        }
        party("cac:AccountingSupplierParty", invoice.seller, &x)
        party("cac:AccountingCustomerParty", invoice.buyer, &x)
        x.open("cac:TaxTotal")
        x.amount("cbc:TaxAmount", invoice.tax, currency: invoice.currency, digits: minorDigits)
        x.open("cac:TaxSubtotal")
        x.amount("cbc:TaxableAmount", invoice.net, currency: invoice.currency, digits: minorDigits)
        x.amount("cbc:TaxAmount", invoice.tax, currency: invoice.currency, digits: minorDigits)
        taxCategory("cac:TaxCategory", &x)
        x.close("cac:TaxSubtotal")
        x.close("cac:TaxTotal")
        x.open("cac:LegalMonetaryTotal")
        x.amount("cbc:LineExtensionAmount", invoice.net, currency: invoice.currency, digits: minorDigits)
        x.amount("cbc:TaxExclusiveAmount", invoice.net, currency: invoice.currency, digits: minorDigits)
        x.amount("cbc:TaxInclusiveAmount", invoice.net + invoice.tax, currency: invoice.currency, digits: minorDigits)
        x.amount("cbc:PrepaidAmount", invoice.gross, currency: invoice.currency, digits: minorDigits)
        if invoice.rounding != 0 {
            x.amount("cbc:PayableRoundingAmount", invoice.rounding, currency: invoice.currency, digits: minorDigits)
        }
        x.amount("cbc:PayableAmount", 0, currency: invoice.currency, digits: minorDigits)
        x.close("cac:LegalMonetaryTotal")
        for (index, line) in invoice.lines.enumerated() {
            x.open(credit ? "cac:CreditNoteLine" : "cac:InvoiceLine")
            x.element("cbc:ID", String(index + 1))
            x.raw("<\(credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity") unitCode=\"C62\">\(line.quantity)</\(credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity")>")
            x.amount("cbc:LineExtensionAmount", line.net, currency: invoice.currency, digits: minorDigits)
            x.open("cac:Item")
            x.element("cbc:Name", line.description)
            if let code = line.code {
                x.open("cac:SellersItemIdentification")
                x.element("cbc:ID", code)
                x.close("cac:SellersItemIdentification")
            }
            taxCategory("cac:ClassifiedTaxCategory", &x)
            x.close("cac:Item")
            x.open("cac:Price")
            // The unit price when the net divides evenly; otherwise the price of the whole
            // quantity, so that quantity times price is the line's net to the cent.
            let even = line.net % Int64(line.quantity) == 0
            x.amount("cbc:PriceAmount", even ? line.net / Int64(line.quantity) : line.net, currency: invoice.currency, digits: minorDigits)
            if !even { x.raw("<cbc:BaseQuantity unitCode=\"C62\">\(line.quantity)</cbc:BaseQuantity>") }
            x.close("cac:Price")
            x.close(credit ? "cac:CreditNoteLine" : "cac:InvoiceLine")
        }
        x.close(root)
        return x.text
    }

    private func party(_ role: String, _ party: InvoiceParty, _ x: inout XMLText) {
        x.open(role)
        x.open("cac:Party")
        x.open("cac:PostalAddress")
        if let street = party.address.first { x.element("cbc:StreetName", street) }
        if party.address.count > 1 { x.element("cbc:AdditionalStreetName", party.address.dropFirst().joined(separator: ", ")) }
        x.open("cac:Country")
        x.element("cbc:IdentificationCode", invoice.marketCode)
        x.close("cac:Country")
        x.close("cac:PostalAddress")
        if let taxId = party.taxId {
            x.open("cac:PartyTaxScheme")
            // A VAT id starts with its country's code (BR-CO-09): a NIF typed without it gets it.
            let prefixed = taxId.prefix(2).allSatisfy { $0.isLetter } ? taxId : invoice.marketCode + taxId
            x.element("cbc:CompanyID", prefixed)
            x.open("cac:TaxScheme")
            x.element("cbc:ID", "VAT")
            x.close("cac:TaxScheme")
            x.close("cac:PartyTaxScheme")
        }
        x.open("cac:PartyLegalEntity")
        x.element("cbc:RegistrationName", party.name)
        x.close("cac:PartyLegalEntity")
        x.close("cac:Party")
        x.close(role)
    }

    private func taxCategory(_ name: String, _ x: inout XMLText) {
        x.open(name)
        x.element("cbc:ID", "S")
        x.element("cbc:Percent", MinorUnitMath.decimal(Int64(invoice.taxRateBasisPoints), digits: 2))
        x.open("cac:TaxScheme")
        x.element("cbc:ID", "VAT")
        x.close("cac:TaxScheme")
        x.close(name)
    }
}

/// Writes XML elements with their text escaped.
struct XMLText {
    private(set) var text = ""

    mutating func raw(_ markup: String) { text += markup }
    mutating func open(_ name: String) { text += "<\(name)>" }
    mutating func close(_ name: String) { text += "</\(name)>" }

    mutating func element(_ name: String, _ value: String) {
        text += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    mutating func amount(_ name: String, _ minor: Int64, currency: String, digits: Int) {
        text += "<\(name) currencyID=\"\(Self.escape(currency))\">\(MinorUnitMath.decimal(minor, digits: digits))</\(name)>"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // Characters XML 1.0 cannot carry at all are left out.
            case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
