extension Migration {
    /// The units of a store sale its buyer brought back to the store.
    static let storeSaleReturns = Migration(version: 45, name: "store_sale_returns", statements: { _ in
        ["ALTER TABLE partner_sales ADD COLUMN returned_serials TEXT NOT NULL DEFAULT ''"]
    })
}
