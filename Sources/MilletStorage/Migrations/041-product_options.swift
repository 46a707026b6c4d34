extension Migration {
    /// Products made to the buyer's choice: each product's options (one JSON definition), what a
    /// pre-order's buyer chose, and the options a sold unit was built with on its warranty record.
    static let productOptions = Migration(version: 41, name: "product_options", statements: { _ in
        [
            "CREATE TABLE product_options (product_id TEXT PRIMARY KEY REFERENCES products(id), options TEXT NOT NULL)",
            "ALTER TABLE preorders ADD COLUMN options TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE device_sales ADD COLUMN options TEXT NOT NULL DEFAULT '[]'",
        ]
    })
}
