import Prometheus
import Synchronization

/// The business figures operators watch, in the registry `/metrics` serves: flash-sale purchase
/// attempts by outcome (admission refusals among them, as `rate_limited` and `overloaded`),
/// device check-ins by answer and webhook deliveries by outcome. Each counter is made once per label value.
public final class BusinessMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let made = Mutex<[String: Counter]>([:])
    /// Open live sale pages (event streams) on this node.
    let liveViewers = Atomic<Int>(0)

    static var purchases: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "millet_flash_sale_purchase_attempts", unitName: "total",
            helpText: "Flash-sale purchase attempts by outcome: created, replayed, or the refusal's code.")
    }
    static var checkIns: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "millet_device_check_ins", unitName: "total", helpText: "Device check-ins by answer: offered an update, or none.")
    }

    static var webhookDeliveries: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "millet_webhook_deliveries", unitName: "total",
            helpText: "Webhook delivery attempts by outcome: delivered, or failed (to be tried again after a backoff).")
    }

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// One purchase attempt ended with `outcome`.
    func purchase(_ outcome: String) { counter("purchases", Self.purchases, "outcome", outcome).increment() }

    /// One check-in was answered with an offer or without.
    func checkIn(offered: Bool) { counter("check-ins", Self.checkIns, "answer", offered ? "offered" : "none").increment() }

    /// A sweep of the webhook outbox delivered and failed this many.
    func webhookDeliveries(delivered: Int, failed: Int) {
        if delivered > 0 { counter("webhooks", Self.webhookDeliveries, "outcome", "delivered").increment(by: Int64(delivered)) }
        if failed > 0 { counter("webhooks", Self.webhookDeliveries, "outcome", "failed").increment(by: Int64(failed)) }
    }

    /// The counter of `family` for one label value, made once (the descriptor only then).
    private func counter(_ family: String, _ descriptor: @autoclosure () -> MetricNameDescriptor, _ label: String, _ value: String) -> Counter {
        let key = family + " " + value
        if let known = made.withLock({ $0[key] }) { return known }
        let made = registry.makeCounter(descriptor: descriptor(), labels: [(label, value)])
        self.made.withLock { $0[key] = made }
        return made
    }
}
