extension Migration {
    /// Parcels: a shipment (numbered 1, 2, ... within its order) of some units of an order with its carrier, tracking number (one per
    /// carrier) and serials, its lines and its scans; carrier notices are claimed once by id.
    static let shipments = Migration(version: 17, name: "shipments", statements: { _ in
        [
            """
            CREATE TABLE shipments (
                id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id), number BIGINT NOT NULL, carrier TEXT NOT NULL,
                tracking_number TEXT,
                status TEXT NOT NULL, serials TEXT NOT NULL, created_at BIGINT NOT NULL, delivered_at BIGINT)
            """,
            "CREATE UNIQUE INDEX shipments_by_order ON shipments (order_id, number)",
            "CREATE UNIQUE INDEX shipments_by_tracking ON shipments (carrier, tracking_number) WHERE tracking_number IS NOT NULL",
            """
            CREATE TABLE shipment_lines (
                shipment_id TEXT NOT NULL REFERENCES shipments(id), sku_id TEXT NOT NULL,
                quantity BIGINT NOT NULL CHECK (quantity > 0), PRIMARY KEY (shipment_id, sku_id))
            """,
            """
            CREATE TABLE shipment_scans (
                shipment_id TEXT NOT NULL REFERENCES shipments(id), seq BIGINT NOT NULL, status TEXT NOT NULL, location TEXT,
                actor TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (shipment_id, seq))
            """,
            "CREATE TABLE carrier_notices (event_id TEXT NOT NULL, carrier TEXT NOT NULL, received_at BIGINT NOT NULL, PRIMARY KEY (carrier, event_id))",
        ]
    })
}
