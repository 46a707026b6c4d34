import MilletCore

extension Migration {
    /// Service centres per market (seeded from ``DemoServiceCentres`` for the markets present),
    /// the home pickups booked per centre and day, and the centre of a case.
    static let serviceCentres = Migration(version: 23, name: "service_centres", statements: { _ in
        [
            """
            CREATE TABLE service_centres (
                id TEXT PRIMARY KEY, market_code TEXT NOT NULL REFERENCES markets(code), name TEXT NOT NULL, address TEXT NOT NULL,
                hours TEXT NOT NULL, pickups_per_day BIGINT NOT NULL, active BIGINT NOT NULL)
            """,
            "CREATE INDEX service_centres_by_market ON service_centres (market_code)",
            """
            CREATE TABLE pickup_bookings (
                centre_id TEXT NOT NULL REFERENCES service_centres(id), day TEXT NOT NULL, booked BIGINT NOT NULL CHECK (booked >= 0),
                PRIMARY KEY (centre_id, day))
            """,
            "ALTER TABLE service_cases ADD COLUMN centre_id TEXT",
            "CREATE INDEX service_cases_by_pickup ON service_cases (pickup_on)",
        ] + demoMarketCodes.flatMap(DemoServiceCentres.centres(marketCode:)).map { centre in
            let text = [centre.id, centre.marketCode, centre.name, centre.address, centre.hours]
                .map(literal).joined(separator: ", ")
            return """
                INSERT INTO service_centres (id, market_code, name, address, hours, pickups_per_day, active)
                SELECT \(text), \(centre.pickupsPerDay), 1 FROM markets WHERE code = '\(centre.marketCode)'
                """
        }
    })
}
