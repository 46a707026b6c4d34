import Foundation
import MilletCore
import SQLKit

extension SQLTransaction: ServiceLedger {
    func insert(_ serviceCase: ServiceCase) async throws {
        let c = serviceCase
        try await db.raw("""
            INSERT INTO service_cases (id, kind, status, account_id, order_id, market_code, serial, ground, part, description, remedy,
                rule_code, rule_title, deadline_at, refund_amount, currency, refund_id, grade, replacement_serial, pickup_on, centre_id,
                quote_order_id, parts_used, created_at, brand_id)
            VALUES (\(bind: c.id), \(bind: c.kind.rawValue), \(bind: c.status.rawValue), \(bind: c.accountId), \(bind: c.orderId),
                \(bind: c.marketCode), \(bind: c.serial), \(bind: c.ground.rawValue), \(bind: c.part.rawValue), \(bind: c.description),
                \(bind: c.remedy.rawValue), \(bind: c.ruleCode), \(bind: c.ruleTitle), \(bind: c.deadline.millis), \(bind: c.refundAmount),
                \(bind: c.currency), \(bind: c.refundId), \(bind: c.grade?.rawValue), \(bind: c.replacementSerial), \(bind: c.pickupOn),
                \(bind: c.centreId), \(bind: c.quoteOrderId), \(bind: c.partsUsed.joined(separator: ",")), \(bind: c.createdAt.millis),
                \(bind: c.brandId))
            """).run()
        for line in c.lines {
            try await db.raw("""
                INSERT INTO service_case_lines (case_id, sku_id, quantity) VALUES (\(bind: c.id), \(bind: line.skuId), \(bind: Int64(line.quantity)))
                """).run()
        }
        for transition in c.history { try await append(transition, caseId: c.id) }
    }

    func serviceCase(id: String) async throws -> ServiceCase? {
        if backend == .postgres {
            _ = try await db.raw("SELECT id FROM service_cases WHERE id = \(bind: id)\(unsafeRaw: backend.forUpdate)").first()
        }
        return try await SQLStore.loadServiceCase(db: db, id: id)
    }

    func brand(ofSkus skuIds: [String], serial: String?) async throws -> String? {
        let rows: [any SQLRow]
        if !skuIds.isEmpty {
            rows = try await db.raw("""
                SELECT DISTINCT p.brand_id FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id IN (\(binds: skuIds))
                """).all()
        } else if let serial {
            rows = try await db.raw("""
                SELECT p.brand_id FROM device_sales d JOIN skus s ON s.id = d.sku_id JOIN products p ON p.id = s.product_id WHERE d.serial = \(bind: serial)
                """).all()
        } else {
            return nil
        }
        let brands = try rows.map { try $0.optionalString("brand_id") }
        return brands.count == 1 ? brands[0] : nil
    }

    func serviceCentres(marketCode: String, includeInactive: Bool) async throws -> [ServiceCentre] {
        try await SQLStore.serviceCentres(db: db, marketCode: marketCode, includeInactive: includeInactive)
    }

    func serviceCases(orderId: String) async throws -> [ServiceCase] {
        try await SQLStore.loadServiceCases(
            db: db, rows: db.raw("SELECT * FROM service_cases WHERE order_id = \(bind: orderId) ORDER BY created_at, id").all())
    }

    func update(_ serviceCase: ServiceCase, adding transition: CaseTransition) async throws {
        let c = serviceCase
        try await db.raw("""
            UPDATE service_cases SET status = \(bind: c.status.rawValue), refund_id = \(bind: c.refundId), grade = \(bind: c.grade?.rawValue),
                replacement_serial = \(bind: c.replacementSerial), pickup_on = \(bind: c.pickupOn), centre_id = \(bind: c.centreId),
                quote_order_id = \(bind: c.quoteOrderId), parts_used = \(bind: c.partsUsed.joined(separator: ","))
            WHERE id = \(bind: c.id)
            """).run()
        try await append(transition, caseId: c.id)
    }

    private func append(_ transition: CaseTransition, caseId: String) async throws {
        try await db.raw("""
            INSERT INTO service_case_events (case_id, seq, from_status, to_status, event, actor, note, at)
            SELECT \(bind: caseId), COALESCE(MAX(seq), 0) + 1, \(bind: transition.from?.rawValue), \(bind: transition.to.rawValue),
                \(bind: transition.event), \(bind: transition.actor), \(bind: transition.note), \(bind: transition.at.millis)
            FROM service_case_events WHERE case_id = \(bind: caseId)
            """).run()
    }

    func serialRecord(serial: String) async throws -> SerialRecord? {
        try await SQLStore.serialRecord(db: db, serial: serial)
    }

    func replace(_ old: SerialRecord, with newSerial: String, warrantyFrom: Date, at: Date) async throws {
        let inserted = try await db.raw("""
            INSERT INTO device_sales (serial, order_id, account_id, shipped_at, sku_id, warranty_from)
            VALUES (\(bind: newSerial), \(bind: old.orderId), \(bind: old.accountId), \(bind: at.millis), \(bind: old.skuId), \(bind: warrantyFrom.millis))
            ON CONFLICT (serial) DO NOTHING RETURNING serial
            """).first()
        guard inserted != nil else { throw DomainError.conflict(code: "serial_sold", message: "serial \(newSerial) went out before") }
        try await db.raw("UPDATE device_sales SET replaced_by = \(bind: newSerial) WHERE serial = \(bind: old.serial)").run()
        // Its plans go on covering the unit that replaced it.
        try await db.raw("UPDATE plan_covers SET serial = \(bind: newSerial) WHERE serial = \(bind: old.serial)").run()
        // A replacement registered already takes its owner and inherited cover now; one registered
        // later takes them at registration.
        try await SQLStore.linkSale(db: db, serial: newSerial)
    }

    func receiveReturned(_ lines: [CaseLine], warehouses: [String: String], grade: InspectionGrade, caseId: String, at: Date) async throws {
        for line in lines {
            guard let warehouse = warehouses[line.skuId] else { continue }
            let quantity = Int64(line.quantity)
            try await db.raw("""
                INSERT INTO returned_units (case_id, sku_id, warehouse_id, quantity, grade, at)
                VALUES (\(bind: caseId), \(bind: line.skuId), \(bind: warehouse), \(bind: quantity), \(bind: grade.rawValue), \(bind: at.millis))
                """).run()
            switch grade {
            case .resell:
                try await db.raw("""
                    UPDATE stock SET sold = sold - \(bind: quantity)
                    WHERE sku_id = \(bind: line.skuId) AND warehouse_id = \(bind: warehouse) AND sold >= \(bind: quantity)
                    """).run()
            case .refurbish:
                try await db.raw("""
                    INSERT INTO refurbished_stock (sku_id, warehouse_id, quantity) VALUES (\(bind: line.skuId), \(bind: warehouse), \(bind: quantity))
                    ON CONFLICT (sku_id, warehouse_id) DO UPDATE SET quantity = refurbished_stock.quantity + excluded.quantity
                    """).run()
            case .scrap:
                break
            }
        }
    }

    func takeReplacement(skuId: String, warehouseId: String) async throws {
        let taken = try await db.raw("""
            UPDATE stock SET sold = sold + 1
            WHERE sku_id = \(bind: skuId) AND warehouse_id = \(bind: warehouseId) AND received - held - sold >= 1
            RETURNING sku_id
            """).first()
        guard taken != nil else { throw DomainError.conflict(code: "out_of_stock", message: "no new unit of the SKU is in its warehouse") }
    }

    func serviceCentre(id: String) async throws -> ServiceCentre? {
        try await SQLStore.serviceCentre(db: db, id: id)
    }

    func bookPickup(centreId: String, day: String, capacity: Int) async throws -> Bool {
        guard capacity > 0 else { return false }
        // The upsert decides under the row's lock, so two fans never take the last collection.
        return try await db.raw("""
            INSERT INTO pickup_bookings (centre_id, day, booked) VALUES (\(bind: centreId), \(bind: day), 1)
            ON CONFLICT (centre_id, day) DO UPDATE SET booked = pickup_bookings.booked + 1
            WHERE pickup_bookings.booked < \(bind: Int64(capacity))
            RETURNING booked
            """).first() != nil
    }

    func releasePickup(centreId: String, day: String) async throws {
        try await db.raw("""
            UPDATE pickup_bookings SET booked = booked - 1 WHERE centre_id = \(bind: centreId) AND day = \(bind: day) AND booked > 0
            """).run()
    }

    func consumeSpareParts(_ codes: [String], centreId: String) async throws {
        for code in codes.sorted() {
            guard let row = try await db.raw("""
                SELECT p.stocked FROM spare_parts p JOIN service_centres c ON c.market_code = p.market_code
                WHERE c.id = \(bind: centreId) AND p.code = \(bind: code) AND p.active = 1
                """).first()
            else { throw DomainError.invalid(field: "parts", "\(code) is not on the market's price list") }
            guard try row.bool("stocked") else { continue }
            let taken = try await db.raw("""
                UPDATE spare_part_stock SET quantity = quantity - 1
                WHERE centre_id = \(bind: centreId) AND code = \(bind: code) AND quantity >= 1 RETURNING quantity
                """).first()
            guard taken != nil else { throw DomainError.conflict(code: "part_out_of_stock", message: "no \(code) is left at centre \(centreId)") }
        }
    }

    func insert(_ plan: PlanCover) async throws {
        try await db.raw("""
            INSERT INTO plan_covers (id, plan_code, kind, name, serial, account_id, market_code, order_id, starts_at, ends_at, cancelled, created_at)
            VALUES (\(bind: plan.id), \(bind: plan.planCode), \(bind: plan.kind.rawValue), \(bind: plan.name), \(bind: plan.serial),
                \(bind: plan.accountId), \(bind: plan.marketCode), \(bind: plan.orderId), \(bind: plan.startsAt.millis), \(bind: plan.endsAt.millis),
                \(bind: Int64(plan.status == .cancelled ? 1 : 0)), \(bind: plan.createdAt.millis))
            """).run()
    }

    func planCoversInLedger(serial: String) async throws -> [PlanCover] {
        try await SQLStore.planCovers(db: db, where: "p.serial", serial)
    }

    func planCoverInLedger(id: String) async throws -> PlanCover? {
        try await SQLStore.planCovers(db: db, where: "p.id", id).first
    }

    func cancelPlan(id: String) async throws {
        try await db.raw("UPDATE plan_covers SET cancelled = 1 WHERE id = \(bind: id)").run()
    }

    func addPhoto(_ photo: CasePhoto, caseId: String) async throws {
        try await db.raw("""
            INSERT INTO service_case_photos (case_id, seq, sha256, content_type, size, at)
            SELECT \(bind: caseId), COALESCE(MAX(seq), 0) + 1, \(bind: photo.sha256), \(bind: photo.contentType), \(bind: photo.size),
                \(bind: photo.at.millis)
            FROM service_case_photos WHERE case_id = \(bind: caseId)
            """).run()
    }

    func publish(_ event: WebhookEvent, data: [String: String], at: Date) async throws {
        try await SQLStore.enqueueWebhook(db: db, event, data: data, now: at)
    }
}
