extension Migration {
    /// `flash_sales.bought` counts every unit ever bought in the sale and never goes down (a
    /// cancellation lowers `sold`, not it); each buyer's row keeps the count its last purchase
    /// reached. A node that sold out reads it to know nothing was bought anywhere while it read
    /// the buyers, and later reads only the buyers whose purchase came after.
    static let salePurchaseCount = Migration(version: 30, name: "sale_purchase_count", statements: { _ in
        [
            "ALTER TABLE flash_sales ADD COLUMN bought BIGINT NOT NULL DEFAULT 0",
            "UPDATE flash_sales SET bought = sold",
            "ALTER TABLE flash_sale_buyers ADD COLUMN bought_at BIGINT NOT NULL DEFAULT 0",
            "CREATE INDEX flash_sale_buyers_by_purchase ON flash_sale_buyers (sale_id, bought_at)",
        ]
    })
}
