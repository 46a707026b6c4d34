import MilletCore

extension Migration {
    /// Paid repairs: the repair price list per market and the spare parts on each centre's shelf
    /// (seeded from ``DemoSpareParts`` for the markets present), a case's quote and the parts it
    /// used, and order lines that are services (a quote's parts and labour), which reference no
    /// SKU or warehouse: SQLite rebuilds the table without those two references, PostgreSQL drops
    /// them.
    static let repairQuotes = Migration(version: 25, name: "repair_quotes", statements: { backend in
        let orderLines: [String] = switch backend {
        case .sqlite: [
            """
            CREATE TABLE order_lines_v25 (
                order_id TEXT NOT NULL REFERENCES orders(id), line_no BIGINT NOT NULL, sku_id TEXT NOT NULL, sku_code TEXT NOT NULL,
                product_name TEXT NOT NULL, warehouse_id TEXT NOT NULL, quantity BIGINT NOT NULL, unit_price BIGINT NOT NULL,
                line_total BIGINT NOT NULL, PRIMARY KEY (order_id, line_no))
            """,
            """
            INSERT INTO order_lines_v25 (order_id, line_no, sku_id, sku_code, product_name, warehouse_id, quantity, unit_price, line_total)
            SELECT order_id, line_no, sku_id, sku_code, product_name, warehouse_id, quantity, unit_price, line_total FROM order_lines
            """,
            "DROP TABLE order_lines",
            "ALTER TABLE order_lines_v25 RENAME TO order_lines",
        ]
        case .postgres: [
            "ALTER TABLE order_lines DROP CONSTRAINT IF EXISTS order_lines_sku_id_fkey",
            "ALTER TABLE order_lines DROP CONSTRAINT IF EXISTS order_lines_warehouse_id_fkey",
        ]
        }
        return orderLines + [
            """
            CREATE TABLE spare_parts (
                market_code TEXT NOT NULL REFERENCES markets(code), code TEXT NOT NULL, part_class TEXT NOT NULL, name TEXT NOT NULL,
                price_minor BIGINT NOT NULL, stocked BIGINT NOT NULL, active BIGINT NOT NULL, PRIMARY KEY (market_code, code))
            """,
            """
            CREATE TABLE spare_part_stock (
                centre_id TEXT NOT NULL REFERENCES service_centres(id), code TEXT NOT NULL, quantity BIGINT NOT NULL CHECK (quantity >= 0),
                PRIMARY KEY (centre_id, code))
            """,
            "ALTER TABLE service_cases ADD COLUMN quote_order_id TEXT",
            "ALTER TABLE service_cases ADD COLUMN parts_used TEXT NOT NULL DEFAULT ''",
        ] + demoMarketCodes.flatMap(DemoSpareParts.parts(marketCode:)).map { part in
            """
            INSERT INTO spare_parts (market_code, code, part_class, name, price_minor, stocked, active)
            SELECT '\(part.marketCode)', '\(part.code)', '\(part.part.rawValue)', \(literal(part.name)),
                \(part.price), \(part.stocked ? 1 : 0), 1
            FROM markets WHERE code = '\(part.marketCode)'
            """
        }
    })
}
