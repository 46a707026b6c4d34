import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MilletCore
import Testing

/// UBL 2.1 documents parse as XML and carry the totals EN 16931's rules check.
struct UBLDocumentTests {
    let seller = InvoiceParty(name: "Millet Technology Spain S.L.", address: ["Paseo de la Castellana 95", "28046 Madrid"], taxId: "ESB12345678")
    let buyer = InvoiceParty(name: "Ana García & Hijos", address: ["Calle Mayor 1", "28013 Madrid"], taxId: "B87654321")

    /// Three lines at 10.00 a unit, tax included at 21%: nets rounded per line, the tax once on
    /// their sum, and the two cents rounding left over.
    func invoice() -> Invoice {
        let lines = [
            InvoiceLine(description: "Millet Band 2 <black>", code: "MB2-BLK", quantity: 2, net: 1_652, tax: 348, gross: 2_000),
            InvoiceLine(description: "Strap", code: "MB2-STRAP", quantity: 1, net: 826, tax: 174, gross: 1_000),
            InvoiceLine(description: "Envío urgente 24 h", code: nil, quantity: 1, net: 826, tax: 174, gross: 1_000),
        ]
        return Invoice(
            id: Identifier.make(), kind: .invoice, marketCode: "ES", sequence: 7, number: "ES-000007", orderId: "order-1", refundId: nil,
            correctsNumber: nil, issuedAt: Date(timeIntervalSince1970: 1_800_000_000), currency: "EUR", seller: seller, buyer: buyer,
            lines: lines, taxRateBasisPoints: 2100, net: 3_304, tax: 694, rounding: 2, gross: 4_000)
    }

    func value(_ document: XMLDocument, _ path: String) throws -> String {
        let nodes = try document.nodes(forXPath: path)
        try #require(nodes.count == 1, "\(path) found \(nodes.count) times")
        return nodes[0].stringValue ?? ""
    }

    func cents(_ text: String) -> Int64 {
        let parts = text.split(separator: ".")
        return Int64(parts[0])! * 100 + (parts.count > 1 ? Int64(parts[1])! : 0) * (parts.count > 1 && parts[1].count == 1 ? 10 : 1)
    }

    @Test func anInvoiceParsesAndItsTotalsAddUp() throws {
        let source = invoice()
        let document = try XMLDocument(xmlString: UBLDocument(source, corrected: nil, minorDigits: 2).xml)
        let root = try #require(document.rootElement())
        #expect(root.name == "Invoice" && root.uri == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")
        let v = { (path: String) in try self.value(document, path) }
        #expect(try v("/*/*[local-name()='CustomizationID']") == "urn:cen.eu:en16931:2017")
        #expect(try v("/*/*[local-name()='ID']") == "ES-000007")
        #expect(try v("/*/*[local-name()='IssueDate']") == "2027-01-15")
        #expect(try v("/*/*[local-name()='InvoiceTypeCode']") == "380")
        #expect(try v("//*[local-name()='AccountingSupplierParty']//*[local-name()='RegistrationName']") == "Millet Technology Spain S.L.")
        #expect(try v("//*[local-name()='AccountingSupplierParty']//*[local-name()='CompanyID']") == "ESB12345678")
        #expect(try v("//*[local-name()='AccountingCustomerParty']//*[local-name()='RegistrationName']") == "Ana García & Hijos")
        // The buyer's NIF typed without its country gets it, as a VAT id must (BR-CO-09).
        #expect(try v("//*[local-name()='AccountingCustomerParty']//*[local-name()='CompanyID']") == "ESB87654321")

        var total: [String: Int64] = [:]
        for node in try document.nodes(forXPath: "//*[local-name()='LegalMonetaryTotal']/*") {
            total[node.localName ?? ""] = cents(node.stringValue ?? "")
        }
        let lineNets = try document.nodes(forXPath: "//*[local-name()='InvoiceLine']/*[local-name()='LineExtensionAmount']").map { cents($0.stringValue!) }
        let taxAmount = cents(try v("/*/*[local-name()='TaxTotal']/*[local-name()='TaxAmount']"))
        let taxable = cents(try v("//*[local-name()='TaxSubtotal']/*[local-name()='TaxableAmount']"))
        // BR-CO-10, BR-CO-13, BR-S-08: the lines' nets are the document's.
        #expect(lineNets == [1_652, 826, 826] && total["LineExtensionAmount"] == 3_304)
        #expect(total["TaxExclusiveAmount"] == 3_304 && taxable == 3_304)
        // BR-CO-14, BR-CO-17: tax once on the taxable amount at 21%.
        #expect(taxAmount == 694 && taxAmount == (taxable * 21 + 50) / 100)
        #expect(try v("//*[local-name()='TaxSubtotal']//*[local-name()='Percent']") == "21.00")
        // BR-CO-15, BR-CO-16: inclusive = exclusive + tax; paid in full, with the rounding.
        #expect(total["TaxInclusiveAmount"] == 3_998)
        #expect(total["PrepaidAmount"] == 4_000 && total["PayableRoundingAmount"] == 2 && source.rounding == 2)
        #expect(total["TaxInclusiveAmount"]! - total["PrepaidAmount"]! + total["PayableRoundingAmount"]! == total["PayableAmount"])
        #expect(total["PayableAmount"] == 0)
        // Two bands at 16.52 net: the price per unit, exact.
        #expect(try v("//*[local-name()='InvoiceLine'][1]//*[local-name()='PriceAmount']") == "8.26")
        #expect(try v("//*[local-name()='InvoiceLine'][1]//*[local-name()='Name']") == "Millet Band 2 <black>")
    }

    @Test func aCreditNoteRefersToTheInvoiceItCorrects() throws {
        let original = invoice()
        let note = Invoice(
            id: Identifier.make(), kind: .creditNote, marketCode: "ES", sequence: 1, number: "ES-CN-000001", orderId: "order-1",
            refundId: "refund-1", correctsNumber: original.number, issuedAt: original.issuedAt.addingTimeInterval(86_400 * 3), currency: "EUR",
            seller: seller, buyer: buyer,
            lines: [InvoiceLine(description: "Refund: scratched", code: nil, quantity: 3, net: 1_000, tax: 210, gross: 1_210)],
            taxRateBasisPoints: 2100, net: 1_000, tax: 210, rounding: 0, gross: 1_210)
        let document = try XMLDocument(xmlString: UBLDocument(note, corrected: original, minorDigits: 2).xml)
        #expect(document.rootElement()?.name == "CreditNote")
        let v = { (path: String) in try self.value(document, path) }
        #expect(try v("/*/*[local-name()='CreditNoteTypeCode']") == "381")
        #expect(try v("//*[local-name()='InvoiceDocumentReference']/*[local-name()='ID']") == "ES-000007")
        #expect(try v("//*[local-name()='InvoiceDocumentReference']/*[local-name()='IssueDate']") == "2027-01-15")
        #expect(try v("//*[local-name()='CreditNoteLine']/*[local-name()='CreditedQuantity']") == "3")
        // 10.00 over three units does not divide: the price is of the whole quantity.
        #expect(try v("//*[local-name()='CreditNoteLine']//*[local-name()='PriceAmount']") == "10.00")
        #expect(try v("//*[local-name()='CreditNoteLine']//*[local-name()='BaseQuantity']") == "3")
        #expect(try document.nodes(forXPath: "//*[local-name()='PayableRoundingAmount']").isEmpty)
    }
}
