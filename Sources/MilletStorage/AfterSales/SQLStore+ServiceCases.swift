import Foundation
import MilletCore
import SQLKit

extension SQLStore: ServiceCaseRepository {
    public func serviceCase(id: String) async throws -> ServiceCase? {
        try await read { db in try await Self.loadServiceCase(db: db, id: id) }
    }

    public func serviceCases(accountId: String) async throws -> [ServiceCase] {
        try await read { db in
            try await Self.loadServiceCases(db: db, rows: db.raw("""
                SELECT * FROM service_cases WHERE account_id = \(bind: accountId) ORDER BY created_at DESC, id LIMIT 200
                """).all())
        }
    }

    public func serviceCases(status: CaseStatus?, marketCode: String?, limit: Int) async throws -> [ServiceCase] {
        let closed = [CaseStatus.refused, .closed, .cancelled].map(\.rawValue)
        return try await read { db in
            try await Self.loadServiceCases(db: db, rows: db.raw("""
                SELECT * FROM service_cases
                WHERE (\(bind: status?.rawValue) IS NULL AND status NOT IN (\(binds: closed)) OR status = \(bind: status?.rawValue))
                    AND (\(bind: marketCode) IS NULL OR market_code = \(bind: marketCode))
                ORDER BY deadline_at, id LIMIT \(bind: Int64(limit))
                """).all())
        }
    }

    public func serviceCases(brandId: String, status: CaseStatus?, limit: Int) async throws -> [ServiceCase] {
        try await read { db in
            try await Self.loadServiceCases(db: db, rows: db.raw("""
                SELECT * FROM service_cases WHERE brand_id = \(bind: brandId) AND (\(bind: status?.rawValue) IS NULL OR status = \(bind: status?.rawValue))
                ORDER BY created_at DESC, id LIMIT \(bind: Int64(limit))
                """).all())
        }
    }

    public func overdueReturnIds(now: Date, limit: Int) async throws -> [String] {
        let handedOver = [CaseStatus.droppedOff, .inTransit, .received, .inspected].map(\.rawValue)
        return try await read { db in
            try await db.raw("""
                SELECT id FROM service_cases
                WHERE kind = 'return' AND refund_id IS NULL AND refund_amount > 0 AND status IN (\(binds: handedOver))
                    AND deadline_at <= \(bind: now.millis)
                    AND NOT EXISTS (SELECT 1 FROM service_case_events e WHERE e.case_id = service_cases.id AND e.event = 'deadline_refund')
                ORDER BY deadline_at LIMIT \(bind: Int64(limit))
                """).all().map { try $0.string("id") }
        }
    }

    public func serialRecord(serial: String) async throws -> SerialRecord? {
        try await read { db in try await Self.serialRecord(db: db, serial: serial) }
    }

    public func serialRecords(accountId: String) async throws -> [SerialRecord] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM device_sales WHERE account_id = \(bind: accountId) AND replaced_by IS NULL ORDER BY shipped_at DESC, serial LIMIT 200
                """).all().map(Self.serialRecord(from:))
        }
    }

    static func serialRecord(db: any SQLDatabase, serial: String) async throws -> SerialRecord? {
        try await db.raw("SELECT * FROM device_sales WHERE serial = \(bind: serial)").first().map(serialRecord(from:))
    }

    static func serialRecord(from row: any SQLRow) throws -> SerialRecord {
        SerialRecord(
            serial: try row.string("serial"), orderId: try row.string("order_id"), accountId: try row.string("account_id"),
            skuId: try row.optionalString("sku_id"), warrantyFrom: try row.optionalDate("warranty_from"),
            replacedBy: try row.optionalString("replaced_by"), options: try OptionsJSON.chosen(row))
    }

    static func loadServiceCase(db: any SQLDatabase, id: String) async throws -> ServiceCase? {
        try await loadServiceCases(db: db, rows: db.raw("SELECT * FROM service_cases WHERE id = \(bind: id)").all()).first
    }

    static func loadServiceCases(db: any SQLDatabase, rows: [any SQLRow]) async throws -> [ServiceCase] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.string("id") }
        var lines: [String: [CaseLine]] = [:]
        for row in try await db.raw("SELECT * FROM service_case_lines WHERE case_id IN (\(binds: ids)) ORDER BY sku_id").all() {
            lines[try row.string("case_id"), default: []].append(CaseLine(skuId: try row.string("sku_id"), quantity: Int(try row.int("quantity"))))
        }
        var history: [String: [CaseTransition]] = [:]
        for row in try await db.raw("SELECT * FROM service_case_events WHERE case_id IN (\(binds: ids)) ORDER BY seq").all() {
            history[try row.string("case_id"), default: []].append(CaseTransition(
                from: try row.optionalString("from_status").flatMap(CaseStatus.init), to: CaseStatus(rawValue: try row.string("to_status"))!,
                event: try row.string("event"), actor: try row.string("actor"), note: try row.string("note"), at: try row.date("at")))
        }
        var photos: [String: [CasePhoto]] = [:]
        for row in try await db.raw("SELECT * FROM service_case_photos WHERE case_id IN (\(binds: ids)) ORDER BY seq").all() {
            photos[try row.string("case_id"), default: []].append(CasePhoto(
                sha256: try row.string("sha256"), contentType: try row.string("content_type"), size: try row.int("size"), at: try row.date("at")))
        }
        return try rows.map { row in
            let id = try row.string("id")
            return ServiceCase(
                id: id, kind: ServiceKind(rawValue: try row.string("kind"))!, status: CaseStatus(rawValue: try row.string("status"))!,
                accountId: try row.string("account_id"), orderId: try row.string("order_id"), marketCode: try row.string("market_code"),
                serial: try row.optionalString("serial"), lines: lines[id] ?? [], ground: ServiceGround(rawValue: try row.string("ground"))!,
                part: PartClass(rawValue: try row.string("part"))!, description: try row.string("description"),
                remedy: Remedy(rawValue: try row.string("remedy"))!, ruleCode: try row.string("rule_code"), ruleTitle: try row.string("rule_title"),
                deadline: try row.date("deadline_at"), refundAmount: try row.int("refund_amount"), currency: try row.string("currency"),
                refundId: try row.optionalString("refund_id"), grade: try row.optionalString("grade").flatMap(InspectionGrade.init),
                replacementSerial: try row.optionalString("replacement_serial"), pickupOn: try row.optionalString("pickup_on"),
                centreId: try row.optionalString("centre_id"), photos: photos[id] ?? [], quoteOrderId: try row.optionalString("quote_order_id"),
                partsUsed: try row.string("parts_used").split(separator: ",").map(String.init),
                history: history[id] ?? [], createdAt: try row.date("created_at"), brandId: try row.optionalString("brand_id"))
        }
    }
}
