import Foundation
import MilletCore
import SQLKit

extension SQLStore: WebhookRepository {
    public func addEndpoint(_ endpoint: WebhookEndpoint) async throws {
        try await read { db in
            try await db.raw("""
                INSERT INTO webhook_endpoints (id, url, events, secret, active, created_at, organisation_id)
                VALUES (\(bind: endpoint.id), \(bind: endpoint.url), \(bind: endpoint.events.map(\.rawValue).joined(separator: ",")),
                    \(bind: endpoint.secret), 1, \(bind: endpoint.createdAt.millis), \(bind: endpoint.organisationId))
                """).run()
        }
    }

    public func endpoints() async throws -> [WebhookEndpoint] {
        try await read { db in
            try await db.raw("SELECT * FROM webhook_endpoints ORDER BY created_at, id").all().map(Self.endpoint(from:))
        }
    }

    public func deactivateEndpoint(id: String, now: Date) async throws {
        try await sqlTransaction { db in
            let found = try await db.raw("UPDATE webhook_endpoints SET active = 0 WHERE id = \(bind: id) AND active = 1 RETURNING id").first()
            guard found != nil else { throw DomainError.notFound(what: "webhook endpoint") }
            try await db.raw("""
                UPDATE webhook_deliveries SET next_attempt_at = NULL, gave_up_at = \(bind: now.millis), last_error = 'endpoint removed'
                WHERE endpoint_id = \(bind: id) AND delivered_at IS NULL AND gave_up_at IS NULL
                """).run()
        }
    }

    public func claimDue(now: Date, limit: Int, lease: TimeInterval) async throws -> [WebhookDelivery] {
        try await sqlTransaction { db in
            let free: SQLQueryString = "(d.locked_until IS NULL OR d.locked_until <= \(bind: now.millis))"
            return try await db.raw("""
                UPDATE webhook_deliveries SET locked_until = \(bind: now.addingTimeInterval(lease).millis)
                WHERE id IN (
                    SELECT d.id FROM webhook_deliveries d WHERE d.next_attempt_at <= \(bind: now.millis) AND \(free)
                    ORDER BY d.next_attempt_at, d.id LIMIT \(bind: Int64(limit)))
                AND next_attempt_at <= \(bind: now.millis) AND (locked_until IS NULL OR locked_until <= \(bind: now.millis))
                RETURNING id, endpoint_id, event, body, attempts,
                    (SELECT url FROM webhook_endpoints e WHERE e.id = endpoint_id) AS url,
                    (SELECT secret FROM webhook_endpoints e WHERE e.id = endpoint_id) AS secret
                """).all().map { row in
                WebhookDelivery(
                    id: try row.string("id"), endpointId: try row.string("endpoint_id"), url: try row.string("url"), secret: try row.string("secret"),
                    event: try row.string("event"), body: try row.string("body"), attempts: Int(try row.int("attempts")))
            }.sorted { $0.id < $1.id }
        }
    }

    public func markDelivered(id: String, now: Date) async throws {
        try await read { db in
            try await db.raw("""
                UPDATE webhook_deliveries SET delivered_at = \(bind: now.millis), attempts = attempts + 1, next_attempt_at = NULL,
                    locked_until = NULL, last_error = NULL
                WHERE id = \(bind: id)
                """).run()
        }
    }

    public func markFailed(id: String, error: String, retryAt: Date?, now: Date) async throws {
        try await read { db in
            try await db.raw("""
                UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = \(bind: retryAt?.millis), locked_until = NULL,
                    last_error = \(bind: error), gave_up_at = \(bind: retryAt == nil ? now.millis : nil)
                WHERE id = \(bind: id)
                """).run()
        }
    }

    public func deliveries(endpointId: String, limit: Int) async throws -> [DeliveryRecord] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM webhook_deliveries WHERE endpoint_id = \(bind: endpointId) ORDER BY created_at DESC, id LIMIT \(bind: Int64(limit))
                """).all().map { row in
                DeliveryRecord(
                    id: try row.string("id"), event: try row.string("event"), attempts: Int(try row.int("attempts")),
                    createdAt: try row.date("created_at"), deliveredAt: try row.optionalDate("delivered_at"),
                    nextAttemptAt: try row.optionalDate("next_attempt_at"), gaveUpAt: try row.optionalDate("gave_up_at"),
                    lastError: try row.optionalString("last_error"))
            }
        }
    }

    /// Puts one delivery of the event in the outbox for every active endpoint that wants it,
    /// inside the caller's transaction.
    static func enqueueWebhook(db: any SQLDatabase, _ event: WebhookEvent, data: [String: String], now: Date) async throws {
        var endpoints = try await db.raw("SELECT * FROM webhook_endpoints WHERE active = 1").all().map(endpoint(from:))
            .filter { $0.events.contains(event) }
        // A brand's own receiver hears only of service cases about its products: the case's lines,
        // or the unit its serial names.
        if endpoints.contains(where: { $0.organisationId != nil }) {
            var brands: Set<String> = []
            if let caseId = data["caseId"] {
                for row in try await db.raw("""
                    SELECT DISTINCT p.brand_id FROM service_case_lines l JOIN skus s ON s.id = l.sku_id JOIN products p ON p.id = s.product_id
                    WHERE l.case_id = \(bind: caseId) AND p.brand_id IS NOT NULL
                    """).all() { brands.insert(try row.string("brand_id")) }
            }
            if let serial = data["serial"] {
                for row in try await db.raw("""
                    SELECT p.brand_id FROM device_sales d JOIN skus s ON s.id = d.sku_id JOIN products p ON p.id = s.product_id
                    WHERE d.serial = \(bind: serial) AND p.brand_id IS NOT NULL
                    """).all() { brands.insert(try row.string("brand_id")) }
            }
            endpoints = endpoints.filter { $0.organisationId.map(brands.contains) ?? true }
        }
        guard !endpoints.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let body = String(decoding: try encoder.encode(WebhookMessage(id: Identifier.make(), event: event, occurredAt: now, data: data)), as: UTF8.self)
        for endpoint in endpoints {
            try await db.raw("""
                INSERT INTO webhook_deliveries (id, endpoint_id, event, body, next_attempt_at, created_at)
                VALUES (\(bind: Identifier.make()), \(bind: endpoint.id), \(bind: event.rawValue), \(bind: body), \(bind: now.millis), \(bind: now.millis))
                """).run()
        }
    }

    static func endpoint(from row: any SQLRow) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row.string("id"), url: try row.string("url"),
            events: try row.string("events").split(separator: ",").compactMap { WebhookEvent(rawValue: String($0)) },
            secret: try row.string("secret"), active: try row.bool("active"), createdAt: try row.date("created_at"),
            organisationId: try row.optionalString("organisation_id"))
    }
}
