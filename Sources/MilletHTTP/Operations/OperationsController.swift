import Foundation
import Hummingbird
import MilletCore
import Prometheus
import Synchronization

/// `/health`, `/metrics` (Prometheus text, for a scraper with the metrics token) and `/openapi.yaml`.
struct OperationsController {
    let markets: any MarketRepository
    let orders: any OrderRepository
    let outboxes: any OutboxFigures
    let engine: FlashSaleEngine
    let business: BusinessMetrics
    let clock: any MilletClock
    let registry: PrometheusCollectorRegistry
    let openAPI: String
    /// What Prometheus sends as `Authorization: Bearer <token>` (its `authorization` setting).
    let metricsToken: String

    struct Health: ResponseEncodable {
        let status: String
        let database: String
    }

    func addRoutes(to router: Router<MilletRequestContext>) {
        // Liveness: the process answers HTTP. Touches nothing else; the benchmark's HTTP ceiling.
        router.get("health/live") { _, _ in
            Health(status: "ok", database: "not checked")
        }
        // Readiness: the database answers too.
        router.get("health") { _, _ in
            _ = try await markets.markets()
            return Health(status: "ok", database: "ok")
        }
        router.get("metrics") { request, _ in
            let given = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            guard let given, Secrets.equal(given, metricsToken) else {
                var refusal = APIError(status: .unauthorized, code: "unauthenticated", message: "metrics take Authorization: Bearer <metrics token>")
                refusal.headers[.wwwAuthenticate] = "Bearer realm=\"metrics\""
                throw refusal
            }
            var text = registry.emitToString() + ProcessFigures.exposition()
            let counts = try await orders.countsByStatus()
            text += "# HELP millet_orders Orders by status.\n# TYPE millet_orders gauge\n"
            for status in OrderStatus.allCases {
                text += "millet_orders{status=\"\(status.rawValue)\"} \(counts[status] ?? 0)\n"
            }
            text += try await outboxLines() + (await saleLines())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: openAPI)))
        }
    }

    /// The flash-sale journal's batches and commit time, and the live pages open.
    private func saleLines() async -> String {
        let journal = await engine.journalFigures()
        let seconds = Double(journal.committing.components.seconds) + Double(journal.committing.components.attoseconds) / 1e18
        return """
            # HELP millet_sale_journal_transactions_total Group-commit transactions of flash-sale purchases.
            # TYPE millet_sale_journal_transactions_total counter
            millet_sale_journal_transactions_total \(journal.transactions)
            # HELP millet_sale_journal_purchases_total Purchases committed by the journal (over transactions: the batch size).
            # TYPE millet_sale_journal_purchases_total counter
            millet_sale_journal_purchases_total \(journal.purchases)
            # HELP millet_sale_journal_commit_seconds_total Time spent committing (over transactions: the commit latency).
            # TYPE millet_sale_journal_commit_seconds_total counter
            millet_sale_journal_commit_seconds_total \(seconds)
            # HELP millet_live_viewers Live sale pages open on this node.
            # TYPE millet_live_viewers gauge
            millet_live_viewers \(business.liveViewers.load(ordering: .relaxed))

            """
    }

    /// Each outbox's depth, retries and the age of its oldest entry.
    private func outboxLines() async throws -> String {
        let depths = try await outboxes.outboxDepths(), now = clock.now()
        var text = "# HELP millet_outbox_pending Entries waiting to leave the process, by outbox.\n# TYPE millet_outbox_pending gauge\n"
        for depth in depths { text += "millet_outbox_pending{outbox=\"\(depth.name)\"} \(depth.pending)\n" }
        text += "# HELP millet_outbox_retrying Waiting entries that failed at least once, by outbox.\n# TYPE millet_outbox_retrying gauge\n"
        for depth in depths { text += "millet_outbox_retrying{outbox=\"\(depth.name)\"} \(depth.retrying)\n" }
        text += "# HELP millet_outbox_oldest_age_seconds Age of the oldest waiting entry, by outbox (0 when empty).\n# TYPE millet_outbox_oldest_age_seconds gauge\n"
        for depth in depths {
            text += "millet_outbox_oldest_age_seconds{outbox=\"\(depth.name)\"} \(depth.oldestAt.map { max(0, now.timeIntervalSince($0)) } ?? 0)\n"
        }
        return text
    }
}
