import Foundation
import MilletCore
import SQLKit

extension SQLStore: DeviceRepository {
    public func createModel(_ model: DeviceModel) async throws {
        try await sqlTransaction { db in
            guard try await db.raw("SELECT id FROM device_models WHERE id = \(bind: model.id)").first() == nil else {
                throw DomainError.conflict(code: "model_exists", message: "a device model with this id exists")
            }
            try await db.raw("""
                INSERT INTO device_models (id, name, kind, product_line, factory_key, created_at, brand_id)
                VALUES (\(bind: model.id), \(bind: model.name), \(bind: model.kind.rawValue), \(bind: model.productLine), \(bind: model.factoryKey),
                    \(bind: model.createdAt.millis), \(bind: model.brandId))
                """).run()
        }
    }

    public func deviceModel(id: String) async throws -> DeviceModel? {
        try await read { db in try await db.raw("SELECT * FROM device_models WHERE id = \(bind: id)").first().map(Self.deviceModel(from:)) }
    }

    public func deviceModels() async throws -> [DeviceModel] {
        try await read { db in try await db.raw("SELECT * FROM device_models ORDER BY id").all().map(Self.deviceModel(from:)) }
    }

    public func register(_ registration: DeviceRegistration, tokenHash: String, now: Date) async throws -> Device {
        let nextTokenSeq = nextTokenSeq, nextNumber = nextNumber
        return try await sqlTransaction { db in
            try await Self.requireSameBrand(db: db, registration)
            if let known = try await db.raw("SELECT number, model_id FROM devices WHERE serial = \(bind: registration.serial)").first() {
                // A serial stays the model it was first registered as: another model's factory
                // key cannot take the unit over (new token, the real unit locked out).
                guard try known.string("model_id") == registration.modelId else {
                    throw DomainError.conflict(code: "serial_taken", message: "serial \(registration.serial) is registered as another model")
                }
                try await db.raw("""
                    UPDATE devices SET token_hash = \(bind: tokenHash), token_seq = \(nextTokenSeq), market_code = \(bind: registration.marketCode),
                        channel = \(bind: registration.channel.rawValue)
                    WHERE serial = \(bind: registration.serial)
                    """).run()
                try await db.raw("""
                    UPDATE device_state SET version = \(bind: registration.version.description), last_seen_at = \(bind: now.millis)
                    WHERE number = \(bind: try known.int("number"))
                    """).run()
            } else {
                _ = try await Self.insertDevice(
                    db: db, registration, tokenHash: tokenHash, now: now, number: nextNumber, tokenSeq: nextTokenSeq, ifAbsent: false)
            }
            return try await Self.linkedDevice(db: db, serial: registration.serial)!
        }
    }

    public func registerNew(_ registration: DeviceRegistration, tokenHash: String, now: Date) async throws -> Device? {
        let nextTokenSeq = nextTokenSeq, nextNumber = nextNumber
        return try await sqlTransaction { db in
            try await Self.requireSameBrand(db: db, registration)
            // The insert decides: a registration of the serial that committed first wins, unchanged.
            guard try await Self.insertDevice(
                db: db, registration, tokenHash: tokenHash, now: now, number: nextNumber, tokenSeq: nextTokenSeq, ifAbsent: true)
            else { return nil }
            return try await Self.linkedDevice(db: db, serial: registration.serial)
        }
    }

    /// Inserts a device and its state; with `ifAbsent`, nothing when the serial is registered
    /// (answers `false`), otherwise a serial registered meanwhile fails the insert.
    private static func insertDevice(
        db: any SQLDatabase, _ registration: DeviceRegistration, tokenHash: String, now: Date, number: SQLQueryString, tokenSeq: SQLQueryString,
        ifAbsent: Bool
    ) async throws -> Bool {
        let conflict: SQLQueryString = ifAbsent ? "ON CONFLICT (serial) DO NOTHING" : ""
        guard try await db.raw("""
            INSERT INTO devices (id, number, serial, model_id, market_code, channel, token_hash, token_seq, registered_at)
            VALUES (\(bind: Identifier.make()), \(number), \(bind: registration.serial), \(bind: registration.modelId),
                \(bind: registration.marketCode), \(bind: registration.channel.rawValue), \(bind: tokenHash), \(tokenSeq), \(bind: now.millis))
            \(conflict) RETURNING number
            """).first() != nil else { return false }
        try await db.raw("""
            INSERT INTO device_state (number, version, last_seen_at)
            SELECT number, \(bind: registration.version.description), \(bind: now.millis) FROM devices WHERE serial = \(bind: registration.serial)
            """).run()
        return true
    }

    /// Links the registered serial to its sale, if it was shipped, and answers the device.
    private static func linkedDevice(db: any SQLDatabase, serial: String) async throws -> Device? {
        try await linkSale(db: db, serial: serial)
        return try await db.raw("SELECT * FROM \(deviceRows) WHERE serial = \(bind: serial)").first().map(device(from:))
    }

    /// Refuses a registration of a serial sold as another brand's product than its model's
    /// (`conflict(serial_taken)`): an eco-chain brand's factory key makes secrets for any serial,
    /// so the brand that sold a unit decides which models it may be registered as.
    static func requireSameBrand(db: any SQLDatabase, _ registration: DeviceRegistration) async throws {
        guard let sold = try await db.raw("""
            SELECT p.brand_id FROM device_sales d JOIN skus s ON s.id = d.sku_id JOIN products p ON p.id = s.product_id WHERE d.serial = \(bind: registration.serial)
            """).first() else { return }
        let modelBrand = try await db.raw("SELECT brand_id FROM device_models WHERE id = \(bind: registration.modelId)").first()?.optionalString("brand_id")
        guard try sold.optionalString("brand_id") == modelBrand else {
            throw DomainError.conflict(code: "serial_taken", message: "serial \(registration.serial) was sold as another brand's unit")
        }
    }

    /// Records the serials shipped in an order, each with the options its pre-order's buyer chose,
    /// and links any device already registered with one;
    /// `conflict(serial_sold)` when a serial went out in another order. Run by ``OrderDesk/ship(orderId:serials:actor:note:)``
    /// in the transaction that ships the order.
    static func recordSale(db: any SQLDatabase, serials: [String], orderId: String, accountId: String, skuId: String?, at: Date) async throws {
        for serial in serials {
            // The insert decides, so a shipment that took the serial a moment ago is seen too.
            let inserted = try await db.raw("""
                INSERT INTO device_sales (serial, order_id, account_id, shipped_at, sku_id, options)
                VALUES (\(bind: serial), \(bind: orderId), \(bind: accountId), \(bind: at.millis), \(bind: skuId),
                    COALESCE((SELECT p.options FROM orders o JOIN preorders p ON p.id = o.preorder_id WHERE o.id = \(bind: orderId)), '[]'))
                ON CONFLICT (serial) DO NOTHING RETURNING serial
                """).first()
            guard inserted == nil else {
                try await linkSale(db: db, serial: serial)
                continue
            }
            guard try await saleOrder(db: db, serial: serial) == orderId else {
                throw DomainError.conflict(code: "serial_sold", message: "serial \(serial) went out in another order")
            }
        }
    }

    /// The order a serial went out in, if it was sold through the store.
    static func saleOrder(db: any SQLDatabase, serial: String) async throws -> String? {
        try await db.raw("SELECT order_id FROM device_sales WHERE serial = \(bind: serial)").first()?.string("order_id")
    }

    public func devices(ownerAccountId: String) async throws -> [Device] {
        try await read { db in
            try await db.raw("SELECT * FROM \(Self.deviceRows) WHERE owner_account_id = \(bind: ownerAccountId) ORDER BY serial").all().map(Self.device(from:))
        }
    }

    /// Gives a registered device its owner, order and warranty start from its sale, if it was sold.
    static func linkSale(db: any SQLDatabase, serial: String) async throws {
        try await db.raw("""
            UPDATE devices SET owner_account_id = (SELECT account_id FROM device_sales s WHERE s.serial = devices.serial),
                order_id = (SELECT order_id FROM device_sales s WHERE s.serial = devices.serial),
                warranty_starts_at = (SELECT COALESCE(warranty_from, shipped_at) FROM device_sales s WHERE s.serial = devices.serial)
            WHERE serial = \(bind: serial) AND EXISTS (SELECT 1 FROM device_sales s WHERE s.serial = devices.serial)
            """).run()
    }

    public func device(tokenHash: String) async throws -> Device? {
        try await read { db in try await db.raw("SELECT * FROM \(Self.deviceRows) WHERE token_hash = \(bind: tokenHash)").first().map(Self.device(from:)) }
    }

    public func device(serial: String) async throws -> Device? {
        try await read { db in try await db.raw("SELECT * FROM \(Self.deviceRows) WHERE serial = \(bind: serial)").first().map(Self.device(from:)) }
    }

    public func device(number: Int64) async throws -> Device? {
        try await read { db in try await db.raw("SELECT * FROM \(Self.deviceRows) WHERE number = \(bind: number)").first().map(Self.device(from:)) }
    }

    /// Writes each device's newest check-in into `device_state`, in number order, so the pages
    /// are visited once each and in file order; a check-in older than the one stored changes nothing.
    public func recordCheckIns(_ checkIns: [DeviceCheckIn]) async throws {
        guard !checkIns.isEmpty else { return }
        let sorted = checkIns.sorted { $0.deviceNumber < $1.deviceNumber }
        try await sqlTransaction { db in
            for chunk in Self.statementChunks(sorted) {
                let rows = chunk.map { c -> SQLQueryString in "(\(bind: c.deviceNumber), \(bind: c.version), \(bind: c.at.millis))" }
                try await db.raw("""
                    UPDATE device_state SET version = COALESCE(v.column2, device_state.version), last_seen_at = v.column3
                    FROM (VALUES \(rows.joined(separator: ", "))) AS v
                    WHERE device_state.number = v.column1 AND (device_state.last_seen_at IS NULL OR device_state.last_seen_at <= v.column3)
                    """).run()
            }
        }
    }

    /// How many rows each multi-row statement of a `rows`-row write takes: as many of `largest`
    /// as fit, then tenths of it down to one, so a write of any size uses only a few statement
    /// shapes and SQLite keeps each prepared.
    static func statementSizes(rows: Int, largest: Int = 500) -> [Int] {
        var sizes: [Int] = [], left = rows, size = largest
        while left > 0 {
            sizes += Array(repeating: size, count: left / size)
            left %= size
            size = max(1, size / 10)
        }
        return sizes
    }

    /// `rows` cut, in order, into the pieces ``statementSizes(rows:largest:)`` gives: one
    /// multi-row statement each.
    static func statementChunks<Row>(_ rows: [Row], largest: Int = 500) -> [ArraySlice<Row>] {
        var start = rows.startIndex
        return statementSizes(rows: rows.count, largest: largest).map { size in
            defer { start += size }
            return rows[start..<start + size]
        }
    }

    /// Registers many devices at once, each with its token hash: how a brand brings its fleet
    /// over from another update server, and how `millet bench ota` seeds a million devices.
    public func importDevices(_ registrations: [DeviceRegistration], tokenHashes: [String], now: Date) async throws {
        precondition(registrations.count == tokenHashes.count, "one token per device")
        for start in stride(from: 0, to: registrations.count, by: 10_000) {
            let end = min(start + 10_000, registrations.count)
            let backend = backend
            try await sqlTransaction { db in
                for chunk in stride(from: start, to: end, by: 500) {
                    // SQLite evaluates an uncorrelated subquery once per statement, so each row gets
                    // the highest number plus its place instead.
                    let base = backend == .sqlite
                        ? try await db.raw("""
                            SELECT CAST(COALESCE(MAX(token_seq), 0) AS BIGINT) AS seq, CAST(COALESCE(MAX(number), 0) AS BIGINT) AS number FROM devices
                            """).first().map { (seq: try $0.int("seq"), number: try $0.int("number")) }! : (seq: 0, number: 0)
                    let part = chunk..<min(chunk + 500, end)
                    let rows = part.map { i -> SQLQueryString in
                        let r = registrations[i]
                        let seq: SQLQueryString = backend == .sqlite ? "\(bind: base.seq + Int64(i - chunk + 1))" : "nextval('device_token_seq')"
                        let number: SQLQueryString = backend == .sqlite ? "\(bind: base.number + Int64(i - chunk + 1))" : "nextval('device_number_seq')"
                        return """
                            (\(bind: Identifier.make()), \(number), \(bind: r.serial), \(bind: r.modelId), \(bind: r.marketCode), \(bind: r.channel.rawValue),
                            \(bind: tokenHashes[i]), \(seq), \(bind: now.millis))
                            """
                    }
                    try await db.raw("""
                        INSERT INTO devices (id, number, serial, model_id, market_code, channel, token_hash, token_seq, registered_at)
                        VALUES \(rows.joined(separator: ", "))
                        """).run()
                    let versions = part.map { i -> SQLQueryString in "(\(bind: registrations[i].serial), \(bind: registrations[i].version.description))" }
                    try await db.raw("""
                        WITH v (serial, version) AS (VALUES \(versions.joined(separator: ", ")))
                        INSERT INTO device_state (number, version) SELECT d.number, v.version FROM v JOIN devices d ON d.serial = v.serial
                        """).run()
                }
            }
        }
    }

    public func tokens(after: Int64?, limit: Int) async throws -> [IssuedToken] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM \(Self.deviceRows) WHERE token_seq > \(bind: after ?? -1) ORDER BY token_seq LIMIT \(bind: Int64(limit))
                """).all().map(Self.issuedToken(from:))
        }
    }

    public func tokens(upTo: Int64, limit: Int) async throws -> [IssuedToken] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM \(Self.deviceRows) WHERE token_seq <= \(bind: upTo) ORDER BY token_seq DESC LIMIT \(bind: Int64(limit))
                """).all().map(Self.issuedToken(from:))
        }
    }

    /// The next device number, as ``nextTokenSeq`` numbers tokens.
    var nextNumber: SQLQueryString {
        backend == .sqlite ? "(SELECT COALESCE(MAX(number), 0) + 1 FROM devices)" : "nextval('device_number_seq')"
    }

    /// A device's row and its state (version, last seen), for `SELECT * FROM \(deviceRows)`.
    static let deviceRows: SQLQueryString = "devices JOIN device_state USING (number)"

    /// The next token number: one more than the highest on SQLite, whose single writer issues them
    /// in commit order; a sequence on PostgreSQL, where a late commit is caught by the sync's margin.
    /// For one row at a time (``importDevices`` numbers its rows itself).
    var nextTokenSeq: SQLQueryString {
        backend == .sqlite ? "(SELECT COALESCE(MAX(token_seq), 0) + 1 FROM devices)" : "nextval('device_token_seq')"
    }

    static func issuedToken(from row: any SQLRow) throws -> IssuedToken {
        IssuedToken(tokenHash: try row.string("token_hash"), seq: try row.int("token_seq"), device: try device(from: row))
    }

    public func adoption(modelId: String) async throws -> [AdoptionCount] {
        try await read { db in
            try await db.raw("""
                SELECT market_code, version, CAST(COUNT(*) AS BIGINT) AS n FROM \(Self.deviceRows) WHERE model_id = \(bind: modelId)
                GROUP BY market_code, version ORDER BY market_code, version
                """).all().map { row in
                AdoptionCount(marketCode: try row.string("market_code"), version: try row.string("version"), devices: Int(try row.int("n")))
            }
        }
    }

    static func deviceModel(from row: any SQLRow) throws -> DeviceModel {
        DeviceModel(
            id: try row.string("id"), name: try row.string("name"), kind: DeviceKind(rawValue: try row.string("kind")) ?? .other,
            productLine: try row.string("product_line"), factoryKey: try row.string("factory_key"), createdAt: try row.date("created_at"),
            brandId: try row.optionalString("brand_id"))
    }

    static func device(from row: any SQLRow) throws -> Device {
        Device(
            id: try row.string("id"), number: try row.int("number"), serial: try row.string("serial"), modelId: try row.string("model_id"), marketCode: try row.string("market_code"),
            channel: UpdateChannel(rawValue: try row.string("channel")) ?? .stable, version: try row.string("version"),
            registeredAt: try row.date("registered_at"), lastSeenAt: try row.optionalDate("last_seen_at"), ownerAccountId: try row.optionalString("owner_account_id"),
            orderId: try row.optionalString("order_id"), warrantyStartsAt: try row.optionalDate("warranty_starts_at"))
    }
}
