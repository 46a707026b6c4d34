extension Migration {
    /// The units of a store sale its buyer brought back to the store, and the allocations a sale
    /// drew its units from (`<allocation id>:<units>`, oldest week first), which take them back.
    static let storeSaleReturns = Migration(version: 45, name: "store_sale_returns", statements: { _ in
        [
            "ALTER TABLE partner_sales ADD COLUMN returned_serials TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE partner_sales ADD COLUMN drawn TEXT NOT NULL DEFAULT ''",
        ]
    })
}
