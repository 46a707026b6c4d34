import Foundation
import MilletCore
import SQLKit

extension SQLTransaction: PartnerLedger {
    func insert(_ organisation: PartnerOrganisation) async throws {
        try await db.raw("""
            INSERT INTO partner_organisations (id, name, kind, created_at)
            VALUES (\(bind: organisation.id), \(bind: organisation.name), \(bind: organisation.kind.rawValue), \(bind: organisation.createdAt.millis))
            """).run()
    }

    func insert(_ store: PartnerStore) async throws {
        try await db.raw("""
            INSERT INTO partner_stores (id, organisation_id, name, address, city, phone, market_code, created_at)
            VALUES (\(bind: store.id), \(bind: store.organisationId), \(bind: store.name), \(bind: store.address), \(bind: store.city),
                \(bind: store.phone), \(bind: store.marketCode), \(bind: store.createdAt.millis))
            """).run()
    }

    func insert(_ key: PartnerKey) async throws {
        try await db.raw("""
            INSERT INTO partner_keys (id, organisation_id, name, scopes, secret_hash, created_at, revoked_at)
            VALUES (\(bind: key.id), \(bind: key.organisationId), \(bind: key.name), \(bind: key.scopes.map(\.rawValue).sorted().joined(separator: " ")),
                \(bind: key.secretHash), \(bind: key.createdAt.millis), NULL)
            """).run()
    }

    func revokeKey(id: String, organisationId: String, at: Date) async throws -> Bool {
        try await db.raw("""
            UPDATE partner_keys SET revoked_at = \(bind: at.millis)
            WHERE id = \(bind: id) AND organisation_id = \(bind: organisationId) AND revoked_at IS NULL RETURNING id
            """).first() != nil
    }

    func allocate(_ allocation: Allocation, units: Int64, actor: String, at: Date) async throws -> Allocation {
        // The units leave the warehouse's stock only if it has them to sell: the statement decides.
        let taken = try await db.raw("""
            UPDATE stock SET received = received - \(bind: units)
            WHERE sku_id = \(bind: allocation.skuId) AND warehouse_id = \(bind: allocation.warehouseId) AND received - held - sold >= \(bind: units)
            RETURNING sku_id
            """).first()
        guard taken != nil else { throw DomainError.conflict(code: "not_enough_stock", message: "the warehouse has fewer than \(units) units of this SKU to allocate") }
        guard let row = try await db.raw("""
            INSERT INTO partner_allocations (id, organisation_id, store_id, sku_id, week, warehouse_id, units, sold, returned)
            VALUES (\(bind: allocation.id), \(bind: allocation.organisationId), \(bind: allocation.storeId), \(bind: allocation.skuId), \(bind: allocation.week),
                \(bind: allocation.warehouseId), \(bind: units), 0, 0)
            ON CONFLICT (store_id, sku_id, week, warehouse_id) DO UPDATE SET units = partner_allocations.units + excluded.units
            RETURNING *
            """).first() else { throw DomainError.conflict(code: "concurrent_update", message: "try again") }
        let stored = try SQLStore.allocation(from: row)
        try await recordMove(AllocationMove(allocationId: stored.id, kind: .allocated, units: units, actor: actor, at: at))
        return stored
    }

    func returnToWarehouse(allocationId: String, units: Int64, actor: String, at: Date) async throws -> Allocation {
        guard let found = try await db.raw("SELECT * FROM partner_allocations WHERE id = \(bind: allocationId)").first().map(SQLStore.allocation(from:)) else {
            throw DomainError.notFound(what: "allocation")
        }
        // Rows are locked in the order allocating takes them, stock first, so the two never wait on each other.
        try await db.raw("""
            UPDATE stock SET received = received + \(bind: units) WHERE sku_id = \(bind: found.skuId) AND warehouse_id = \(bind: found.warehouseId)
            """).run()
        guard let row = try await db.raw("""
            UPDATE partner_allocations SET returned = returned + \(bind: units)
            WHERE id = \(bind: allocationId) AND units - sold - returned >= \(bind: units) RETURNING *
            """).first() else {
            throw DomainError.conflict(code: "not_enough_allocated", message: "the store has fewer than \(units) units of this allocation left")
        }
        let stored = try SQLStore.allocation(from: row)
        try await recordMove(AllocationMove(allocationId: stored.id, kind: .returned, units: units, actor: actor, at: at))
        return stored
    }

    func report(_ days: [SellThroughDay]) async throws {
        for chunk in SQLStore.statementChunks(days, largest: 200) {
            let rows = chunk.map { day -> SQLQueryString in
                "(\(bind: day.organisationId), \(bind: day.storeId), \(bind: day.skuId), \(bind: day.day), \(bind: day.sold), \(bind: day.onHand), \(bind: day.returned))"
            }
            try await db.raw("""
                INSERT INTO sell_through (organisation_id, store_id, sku_id, day, sold, on_hand, returned) VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (store_id, sku_id, day) DO UPDATE SET sold = excluded.sold, on_hand = excluded.on_hand, returned = excluded.returned
                """).run()
        }
    }

    func insert(_ member: PartnerMember) async throws {
        // The statement decides: an account another partner took meanwhile is refused, not moved.
        guard try await db.raw("""
            INSERT INTO partner_members (account_id, organisation_id, role, added_at)
            VALUES (\(bind: member.accountId), \(bind: member.organisationId), \(bind: member.role.rawValue), \(bind: member.addedAt.millis))
            ON CONFLICT (account_id) DO UPDATE SET role = excluded.role WHERE partner_members.organisation_id = excluded.organisation_id
            RETURNING account_id
            """).first() != nil else { throw DomainError.conflict(code: "member_elsewhere", message: "the account is a member of another partner") }
    }

    func removeMember(organisationId: String, accountId: String) async throws -> Bool {
        try await db.raw("""
            DELETE FROM partner_members WHERE account_id = \(bind: accountId) AND organisation_id = \(bind: organisationId) RETURNING account_id
            """).first() != nil
    }

    func submit(_ product: Product, prices: [SKUPrice], review: ProductReview) async throws {
        let codes = product.skus.map(\.code)
        if let taken = try await db.raw("SELECT code FROM skus WHERE code IN (\(binds: codes)) ORDER BY code LIMIT 1").first() {
            throw DomainError.conflict(code: "sku_code_taken", message: "another product has the SKU code \(try taken.string("code"))")
        }
        if try await db.raw("SELECT id FROM products WHERE slug = \(bind: product.slug)").first() != nil {
            throw DomainError.conflict(code: "slug_taken", message: "another product has \(product.slug)")
        }
        try await SQLStore.save(db: db, product)
        for price in prices { try await SQLStore.setPrice(db: db, price) }
        try await db.raw("""
            INSERT INTO product_reviews (product_id, organisation_id, status, note, submitted_at, decided_at)
            VALUES (\(bind: review.productId), \(bind: review.organisationId), \(bind: review.status.rawValue), \(bind: review.note),
                \(bind: review.submittedAt.millis), NULL)
            """).run()
    }

    func decide(_ review: ProductReview) async throws {
        // Decided once: a second decision finds it decided.
        guard try await db.raw("""
            UPDATE product_reviews SET status = \(bind: review.status.rawValue), note = \(bind: review.note), decided_at = \(bind: review.decidedAt?.millis)
            WHERE product_id = \(bind: review.productId) AND status = \(bind: ProductReview.Status.submitted.rawValue) RETURNING product_id
            """).first() != nil else { throw DomainError.conflict(code: "review_decided", message: "the product was decided already") }
        try await db.raw("UPDATE products SET published = \(bind: Int64(review.status == .approved ? 1 : 0)) WHERE id = \(bind: review.productId)").run()
    }

    func setCommission(organisationId: String, basisPoints: Int) async throws {
        try await db.raw("UPDATE partner_organisations SET commission_bp = \(bind: Int64(basisPoints)) WHERE id = \(bind: organisationId)").run()
    }

    func insert(_ minimum: MinimumPrice) async throws {
        try await db.raw("""
            INSERT INTO minimum_prices (id, sku_id, market_code, price, starts_at, ends_at, created_at)
            VALUES (\(bind: minimum.id), \(bind: minimum.skuId), \(bind: minimum.marketCode), \(bind: minimum.price), \(bind: minimum.startsAt.millis),
                \(bind: minimum.endsAt?.millis), \(bind: minimum.createdAt.millis))
            """).run()
    }

    func endMinimum(id: String, at: Date) async throws -> MinimumPrice? {
        try await db.raw("""
            UPDATE minimum_prices SET ends_at = \(bind: at.millis) WHERE id = \(bind: id) AND (ends_at IS NULL OR ends_at > \(bind: at.millis)) RETURNING *
            """).first().map(SQLStore.minimumPrice(from:))
    }

    func log(_ refusal: PriceRefusal) async throws {
        try await db.raw("""
            INSERT INTO price_refusals (organisation_id, store_id, sku_id, price, minimum, context, actor, at)
            VALUES (\(bind: refusal.organisationId), \(bind: refusal.storeId), \(bind: refusal.skuId), \(bind: refusal.price), \(bind: refusal.minimum),
                \(bind: refusal.context.rawValue), \(bind: refusal.actor), \(bind: refusal.at.millis))
            """).run()
    }

    func advertise(_ price: AdvertisedPrice) async throws {
        try await db.raw("""
            INSERT INTO advertised_prices (organisation_id, store_id, sku_id, price, updated_at)
            VALUES (\(bind: price.organisationId), \(bind: price.storeId), \(bind: price.skuId), \(bind: price.price), \(bind: price.updatedAt.millis))
            ON CONFLICT (store_id, sku_id) DO UPDATE SET price = excluded.price, updated_at = excluded.updated_at
            """).run()
    }

    func storeSale(organisationId: String, idempotencyKey: String, requestHash: String) async throws -> StoreSale? {
        guard let row = try await db.raw("""
            SELECT * FROM partner_sales WHERE organisation_id = \(bind: organisationId) AND idempotency_key = \(bind: idempotencyKey)
            """).first() else { return nil }
        try IdempotentRequest.check(stored: try row.string("request_hash"), given: requestHash)
        return try SQLStore.storeSale(from: row)
    }

    func record(_ record: StoreSaleRecord) async throws {
        let sale = record.sale, quantity = Int64(sale.serials.count)
        // The units come from the store's allocations of the SKU, oldest week first, each row locked.
        var left = quantity
        var drawn: [String] = []
        let open = try await db.raw("""
            SELECT id, units - sold - returned AS remaining FROM partner_allocations
            WHERE store_id = \(bind: sale.storeId) AND sku_id = \(bind: sale.skuId) AND units - sold - returned > 0
            ORDER BY week, id\(unsafeRaw: backend.forUpdate)
            """).all()
        for row in open where left > 0 {
            let id = try row.string("id"), take = min(left, try row.int("remaining"))
            guard try await db.raw("""
                UPDATE partner_allocations SET sold = sold + \(bind: take) WHERE id = \(bind: id) AND units - sold - returned >= \(bind: take) RETURNING id
                """).first() != nil else { continue }
            try await recordMove(AllocationMove(allocationId: id, kind: .sold, units: take, actor: record.actor, at: sale.soldAt))
            drawn.append("\(id):\(take)")
            left -= take
        }
        guard left == 0 else {
            throw DomainError.conflict(code: "not_enough_allocated", message: "the store has \(quantity - left) of the \(quantity) units allocated to sell")
        }
        if let account = record.newAccount { try await insertAccount(account, language: record.market.defaultLanguage) }
        // The buyer's order, as an online sale's: completed, its money taken at the till, nothing to ship.
        let t = record.totals, store = record.store
        let number = try await SQLStore.orderNumbers(db: db, market: record.market.code, placedAt: sale.soldAt, count: 1)[0]
        try await db.raw("""
            INSERT INTO orders (id, number, account_id, market_code, currency, status, subtotal, shipping, tax, total,
                prices_include_tax, ship_name, ship_line1, ship_city, ship_postcode, ship_phone, payment_deadline,
                idempotency_key, created_at, shipping_method, shipping_method_name, delivery_earliest, delivery_latest, request_hash)
            VALUES (\(bind: sale.orderId), \(bind: number), \(bind: sale.accountId), \(bind: record.market.code), \(bind: sale.currency),
                \(bind: OrderStatus.completed.rawValue), \(bind: t.subtotal), 0, \(bind: t.tax), \(bind: t.total), \(bind: Int64(t.pricesIncludeTax ? 1 : 0)),
                \(bind: store.name), \(bind: store.address), \(bind: store.city), '', \(bind: store.phone), \(bind: sale.soldAt.millis), \(bind: "store-sale:\(sale.id)"),
                \(bind: sale.soldAt.millis), \(bind: OrderShipping.partnerStore), \(bind: store.name), \(bind: sale.soldAt.millis), \(bind: sale.soldAt.millis),
                \(bind: record.requestHash))
            """).run()
        try await db.raw("""
            INSERT INTO order_lines (order_id, line_no, sku_id, sku_code, product_name, warehouse_id, quantity, unit_price, line_total)
            VALUES (\(bind: sale.orderId), 1, \(bind: sale.skuId), \(bind: record.skuCode), \(bind: record.productName), '', \(bind: quantity),
                \(bind: sale.unitPrice), \(bind: sale.unitPrice * quantity))
            """).run()
        try await SQLStore.recordTransition(db: db, orderId: sale.orderId, from: nil, to: .completed, actor: record.actor,
                                            note: "sold at \(store.name)", at: sale.soldAt)
        for serial in sale.serials {
            let inserted = try await db.raw("""
                INSERT INTO device_sales (serial, order_id, account_id, shipped_at, sku_id, warranty_from)
                VALUES (\(bind: serial), \(bind: sale.orderId), \(bind: sale.accountId), \(bind: sale.soldAt.millis), \(bind: sale.skuId), \(bind: sale.soldAt.millis))
                ON CONFLICT (serial) DO NOTHING RETURNING serial
                """).first()
            guard inserted != nil else { throw DomainError.conflict(code: "serial_sold", message: "serial \(serial) was sold before") }
            // A unit switched on before it was sold gets its owner and cover now.
            try await SQLStore.linkSale(db: db, serial: serial)
        }
        try await db.raw("""
            INSERT INTO partner_sales (id, organisation_id, store_id, sku_id, order_id, account_id, serials, unit_price, currency, sold_at,
                idempotency_key, request_hash, drawn)
            VALUES (\(bind: sale.id), \(bind: sale.organisationId), \(bind: sale.storeId), \(bind: sale.skuId), \(bind: sale.orderId),
                \(bind: sale.accountId), \(bind: sale.serials.joined(separator: " ")), \(bind: sale.unitPrice), \(bind: sale.currency),
                \(bind: sale.soldAt.millis), \(bind: record.idempotencyKey), \(bind: record.requestHash), \(bind: drawn.joined(separator: " ")))
            """).run()
    }

    func recordMove(_ move: AllocationMove) async throws {
        try await db.raw("""
            INSERT INTO allocation_moves (allocation_id, seq, kind, units, actor, at)
            VALUES (\(bind: move.allocationId),
                (SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM allocation_moves WHERE allocation_id = \(bind: move.allocationId)),
                \(bind: move.kind.rawValue), \(bind: move.units), \(bind: move.actor), \(bind: move.at.millis))
            """).run()
    }
}
