extension Migration {
    /// The buyer's tax id given at checkout, for the invoice.
    static let buyerTaxIds = Migration(version: 20, name: "buyer_tax_ids", statements: { _ in
        ["ALTER TABLE orders ADD COLUMN buyer_tax_id TEXT"]
    })
}
