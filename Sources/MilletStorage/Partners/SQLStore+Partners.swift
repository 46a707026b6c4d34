import Foundation
import MilletCore
import SQLKit

extension SQLStore: PartnerRepository {
    public func organisation(id: String) async throws -> PartnerOrganisation? {
        try await read { db in try await db.raw("SELECT * FROM partner_organisations WHERE id = \(bind: id)").first().map(Self.organisation(from:)) }
    }

    public func organisations() async throws -> [PartnerOrganisation] {
        try await read { db in try await db.raw("SELECT * FROM partner_organisations ORDER BY name, id LIMIT 1000").all().map(Self.organisation(from:)) }
    }

    public func store(id: String) async throws -> PartnerStore? {
        try await read { db in try await db.raw("SELECT * FROM partner_stores WHERE id = \(bind: id)").first().map(Self.partnerStore(from:)) }
    }

    public func stores(organisationId: String) async throws -> [PartnerStore] {
        try await read { db in
            try await db.raw("SELECT * FROM partner_stores WHERE organisation_id = \(bind: organisationId) ORDER BY name, id LIMIT 1000").all()
                .map(Self.partnerStore(from:))
        }
    }

    public func key(id: String) async throws -> PartnerKey? {
        try await read { db in try await db.raw("SELECT * FROM partner_keys WHERE id = \(bind: id)").first().map(Self.partnerKey(from:)) }
    }

    public func keys(organisationId: String) async throws -> [PartnerKey] {
        try await read { db in
            try await db.raw("SELECT * FROM partner_keys WHERE organisation_id = \(bind: organisationId) ORDER BY created_at DESC, id LIMIT 200").all()
                .map(Self.partnerKey(from:))
        }
    }

    public func allocation(id: String) async throws -> Allocation? {
        try await read { db in try await db.raw("SELECT * FROM partner_allocations WHERE id = \(bind: id)").first().map(Self.allocation(from:)) }
    }

    public func allocations(organisationId: String?) async throws -> [Allocation] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM partner_allocations WHERE (\(bind: organisationId) IS NULL OR organisation_id = \(bind: organisationId))
                ORDER BY week DESC, store_id, sku_id LIMIT 1000
                """).all().map(Self.allocation(from:))
        }
    }

    public func moves(allocationId: String) async throws -> [AllocationMove] {
        try await read { db in
            try await db.raw("SELECT * FROM allocation_moves WHERE allocation_id = \(bind: allocationId) ORDER BY seq LIMIT 1000").all().map { row in
                AllocationMove(allocationId: try row.string("allocation_id"), kind: AllocationMove.Kind(rawValue: try row.string("kind")) ?? .allocated,
                               units: try row.int("units"), actor: try row.string("actor"), at: try row.date("at"))
            }
        }
    }

    public func minimumPrices(skuId: String?, marketCode: String?) async throws -> [MinimumPrice] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM minimum_prices WHERE (\(bind: skuId) IS NULL OR sku_id = \(bind: skuId)) AND (\(bind: marketCode) IS NULL OR market_code = \(bind: marketCode))
                ORDER BY starts_at DESC, id LIMIT 1000
                """).all().map(Self.minimumPrice(from:))
        }
    }

    static func minimumPrice(from row: any SQLRow) throws -> MinimumPrice {
        MinimumPrice(id: try row.string("id"), skuId: try row.string("sku_id"), marketCode: try row.string("market_code"), price: try row.int("price"),
                     startsAt: try row.date("starts_at"), endsAt: try row.optionalDate("ends_at"), createdAt: try row.date("created_at"))
    }

    public func priceRefusals(organisationId: String?) async throws -> [PriceRefusal] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM price_refusals WHERE (\(bind: organisationId) IS NULL OR organisation_id = \(bind: organisationId)) ORDER BY at DESC LIMIT 500
                """).all().map { row in
                PriceRefusal(organisationId: try row.string("organisation_id"), storeId: try row.string("store_id"), skuId: try row.string("sku_id"),
                             price: try row.int("price"), minimum: try row.int("minimum"),
                             context: PriceRefusal.Context(rawValue: try row.string("context")) ?? .sale, actor: try row.string("actor"), at: try row.date("at"))
            }
        }
    }

    public func advertisedPrices(organisationId: String) async throws -> [AdvertisedPrice] {
        try await read { db in
            try await db.raw("SELECT * FROM advertised_prices WHERE organisation_id = \(bind: organisationId) ORDER BY store_id, sku_id LIMIT 1000").all().map { row in
                AdvertisedPrice(organisationId: try row.string("organisation_id"), storeId: try row.string("store_id"), skuId: try row.string("sku_id"),
                                price: try row.int("price"), updatedAt: try row.date("updated_at"))
            }
        }
    }

    public func sellThroughDays(organisationId: String?, since: String) async throws -> [SellThroughDay] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM sell_through WHERE day >= \(bind: since) AND (\(bind: organisationId) IS NULL OR organisation_id = \(bind: organisationId))
                ORDER BY day DESC, store_id, sku_id LIMIT 100000
                """).all().map { row in
                SellThroughDay(organisationId: try row.string("organisation_id"), storeId: try row.string("store_id"), skuId: try row.string("sku_id"),
                               day: try row.string("day"), sold: try row.int("sold"), onHand: try row.int("on_hand"), returned: try row.int("returned"))
            }
        }
    }

    public func member(accountId: String) async throws -> PartnerMember? {
        try await read { db in try await db.raw("SELECT * FROM partner_members WHERE account_id = \(bind: accountId)").first().map(Self.member(from:)) }
    }

    public func members(organisationId: String) async throws -> [PartnerMember] {
        try await read { db in
            try await db.raw("SELECT * FROM partner_members WHERE organisation_id = \(bind: organisationId) ORDER BY role DESC, added_at LIMIT 500").all()
                .map(Self.member(from:))
        }
    }

    static func member(from row: any SQLRow) throws -> PartnerMember {
        PartnerMember(organisationId: try row.string("organisation_id"), accountId: try row.string("account_id"),
                      role: PartnerMember.Role(rawValue: try row.string("role")) ?? .clerk, addedAt: try row.date("added_at"))
    }

    public func review(productId: String) async throws -> ProductReview? {
        try await read { db in try await db.raw("SELECT * FROM product_reviews WHERE product_id = \(bind: productId)").first().map(Self.review(from:)) }
    }

    public func reviews(organisationId: String?, status: ProductReview.Status?) async throws -> [ProductReview] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM product_reviews WHERE (\(bind: organisationId) IS NULL OR organisation_id = \(bind: organisationId))
                    AND (\(bind: status?.rawValue) IS NULL OR status = \(bind: status?.rawValue))
                ORDER BY CASE WHEN status = 'submitted' THEN submitted_at ELSE -submitted_at END, product_id LIMIT 500
                """).all().map(Self.review(from:))
        }
    }

    static func review(from row: any SQLRow) throws -> ProductReview {
        ProductReview(productId: try row.string("product_id"), organisationId: try row.string("organisation_id"),
                      status: ProductReview.Status(rawValue: try row.string("status")) ?? .submitted, note: try row.string("note"),
                      submittedAt: try row.date("submitted_at"), decidedAt: try row.optionalDate("decided_at"))
    }

    public func settlementOrders(brandId: String, from: Date, to: Date) async throws -> [SettlementOrder] {
        let (start, end, failed, paid) = (from.millis, to.millis, RefundStatus.failed.rawValue, OrderStatus.paid.rawValue)
        let brandLines: SQLQueryString = """
            SELECT CAST(COALESCE(SUM(l.line_total), 0) AS BIGINT) FROM order_lines l JOIN skus s ON s.id = l.sku_id JOIN products p ON p.id = s.product_id
            WHERE l.order_id = o.id AND p.brand_id = \(bind: brandId)
            """
        // Refunds of what the order sold: a late or second payment sent back took nothing from a sale.
        let refunds: SQLQueryString = """
            FROM refunds r WHERE r.order_id = o.id AND r.status <> \(bind: failed) AND r.reason NOT LIKE 'late payment%'
                AND r.created_at >= \(bind: start) AND r.created_at < \(bind: end)
            """
        let paidAt: SQLQueryString = "SELECT MIN(t.at) FROM order_transitions t WHERE t.order_id = o.id AND t.to_status = \(bind: paid)"
        // A return's refund takes back what its case's lines were of the brand's (at most the refund);
        // a refund of the order as a whole is shared out by the brand's part of it.
        let caseValue: SQLQueryString = """
            SELECT COALESCE(SUM(l.unit_price * cl.quantity), 0) FROM service_case_lines cl
                JOIN order_lines l ON l.order_id = r.order_id AND l.sku_id = cl.sku_id JOIN skus s ON s.id = l.sku_id JOIN products p ON p.id = s.product_id
            WHERE cl.case_id = c.id AND p.brand_id = \(bind: brandId)
            """
        return try await read { db in
            // Sales are dated by payment; a sale at a partner's till took its money there and is not the store's to settle.
            try await db.raw("""
                SELECT o.id, o.number, o.currency, o.market_code, o.total, (\(paidAt)) AS paid_at, (\(brandLines)) AS brand_lines,
                    (SELECT CAST(COALESCE(SUM(r.amount), 0) AS BIGINT) \(refunds)
                        AND NOT EXISTS (SELECT 1 FROM service_cases c WHERE c.refund_id = r.id)) AS refunded,
                    (SELECT CAST(COALESCE(SUM(CASE WHEN r.amount < (\(caseValue)) THEN r.amount ELSE (\(caseValue)) END), 0) AS BIGINT)
                     FROM refunds r JOIN service_cases c ON c.refund_id = r.id
                     WHERE r.order_id = o.id AND r.status <> \(bind: failed) AND r.created_at >= \(bind: start) AND r.created_at < \(bind: end)) AS returned
                FROM orders o
                WHERE (\(paidAt)) IS NOT NULL AND (\(brandLines)) > 0 AND o.shipping_method <> \(bind: OrderShipping.partnerStore)
                    AND (((\(paidAt)) >= \(bind: start) AND (\(paidAt)) < \(bind: end)) OR EXISTS (SELECT 1 \(refunds)))
                ORDER BY paid_at, o.id LIMIT 10000
                """).all().map { row -> SettlementOrder in
                let paidAt = try row.date("paid_at"), lines = try row.int("brand_lines")
                let inPeriod = paidAt >= from && paidAt < to
                return SettlementOrder(orderId: try row.string("id"), number: try row.string("number"), currency: try row.string("currency"),
                                       marketCode: try row.string("market_code"), placedAt: paidAt, orderTotal: try row.int("total"),
                                       brandSales: inPeriod ? lines : 0, brandLines: lines, refunded: try row.int("refunded"),
                                       returned: try row.int("returned"))
            }
        }
    }

    public func storeSale(id: String) async throws -> StoreSale? {
        try await read { db in try await db.raw("SELECT * FROM partner_sales WHERE id = \(bind: id)").first().map(Self.storeSale(from:)) }
    }

    public func storeSales(organisationId: String) async throws -> [StoreSale] {
        try await read { db in
            try await db.raw("SELECT * FROM partner_sales WHERE organisation_id = \(bind: organisationId) ORDER BY sold_at DESC, id LIMIT 500").all()
                .map(Self.storeSale(from:))
        }
    }

    static func storeSale(from row: any SQLRow) throws -> StoreSale {
        StoreSale(id: try row.string("id"), organisationId: try row.string("organisation_id"), storeId: try row.string("store_id"),
                  skuId: try row.string("sku_id"), orderId: try row.string("order_id"), accountId: try row.string("account_id"),
                  serials: try row.string("serials").split(separator: " ").map(String.init), unitPrice: try row.int("unit_price"),
                  currency: try row.string("currency"), soldAt: try row.date("sold_at"),
                  returnedSerials: try row.string("returned_serials").split(separator: " ").map(String.init))
    }

    static func organisation(from row: any SQLRow) throws -> PartnerOrganisation {
        PartnerOrganisation(id: try row.string("id"), name: try row.string("name"), kind: PartnerKind(rawValue: try row.string("kind")) ?? .retailer,
                            createdAt: try row.date("created_at"), commissionBasisPoints: Int(try row.int("commission_bp")))
    }

    static func partnerStore(from row: any SQLRow) throws -> PartnerStore {
        PartnerStore(id: try row.string("id"), organisationId: try row.string("organisation_id"), name: try row.string("name"),
                     address: try row.string("address"), city: try row.string("city"), phone: try row.string("phone"), marketCode: try row.string("market_code"),
                     createdAt: try row.date("created_at"))
    }

    static func partnerKey(from row: any SQLRow) throws -> PartnerKey {
        PartnerKey(id: try row.string("id"), organisationId: try row.string("organisation_id"), name: try row.string("name"),
                   scopes: Set(try row.string("scopes").split(separator: " ").compactMap { PartnerScope(rawValue: String($0)) }),
                   secretHash: try row.string("secret_hash"), createdAt: try row.date("created_at"), revokedAt: try row.optionalDate("revoked_at"))
    }

    static func allocation(from row: any SQLRow) throws -> Allocation {
        Allocation(id: try row.string("id"), organisationId: try row.string("organisation_id"), storeId: try row.string("store_id"),
                   skuId: try row.string("sku_id"), week: try row.string("week"), warehouseId: try row.string("warehouse_id"),
                   units: try row.int("units"), sold: try row.int("sold"), returned: try row.int("returned"))
    }
}
