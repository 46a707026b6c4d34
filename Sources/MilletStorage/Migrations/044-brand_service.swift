extension Migration {
    /// Eco-chain brands' own service centres, and the brand whose unit a case is about (set for
    /// the cases already open by the same rule as new ones: every line the brand's product, or
    /// with no line, the unit its serial was sold as).
    static let brandService = Migration(version: 44, name: "brand_service", statements: { _ in
        [
            "ALTER TABLE service_centres ADD COLUMN organisation_id TEXT REFERENCES partner_organisations(id)",
            "ALTER TABLE service_cases ADD COLUMN brand_id TEXT REFERENCES partner_organisations(id)",
        ] + caseBrands + [
            "CREATE INDEX service_cases_by_brand ON service_cases (brand_id, created_at)",
            "CREATE INDEX service_centres_by_organisation ON service_centres (organisation_id)",
        ]
    })
}

extension Migration {
    /// Sets the brand of the cases that have none, by the rule ``brandService`` gives them.
    static let caseBrands: [String] = [
        """
        UPDATE service_cases SET brand_id = (
            SELECT MIN(p.brand_id) FROM service_case_lines l JOIN skus s ON s.id = l.sku_id JOIN products p ON p.id = s.product_id
            WHERE l.case_id = service_cases.id)
        WHERE EXISTS (SELECT 1 FROM service_case_lines l WHERE l.case_id = service_cases.id)
          AND NOT EXISTS (
            SELECT 1 FROM service_case_lines l JOIN skus s ON s.id = l.sku_id JOIN products p ON p.id = s.product_id
            WHERE l.case_id = service_cases.id AND p.brand_id IS NULL)
          AND (SELECT COUNT(DISTINCT p.brand_id) FROM service_case_lines l JOIN skus s ON s.id = l.sku_id JOIN products p ON p.id = s.product_id
               WHERE l.case_id = service_cases.id) = 1
        """,
        // A case naming no line: the brand whose unit its serial was sold as.
        """
        UPDATE service_cases SET brand_id = (
            SELECT p.brand_id FROM device_sales d JOIN skus s ON s.id = d.sku_id JOIN products p ON p.id = s.product_id
            WHERE d.serial = service_cases.serial)
        WHERE serial IS NOT NULL AND NOT EXISTS (SELECT 1 FROM service_case_lines l WHERE l.case_id = service_cases.id)
        """,
    ]
}
