import Hummingbird
import Prometheus
import Synchronization

/// Counts requests and records their latency by route pattern, method and status into the
/// registry `/metrics` serves.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    let instruments: RequestInstruments

    init(registry: PrometheusCollectorRegistry) {
        instruments = RequestInstruments(registry: registry)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = HTTPResponse.Status.internalServerError.code
        defer {
            let (requests, duration) = instruments.of(route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status)
            requests.increment()
            duration.record(ContinuousClock.now - start)
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as HTTPResponseError {
            status = error.status.code
            throw error
        } catch {
            status = APIError.from(error).status.code
            throw error
        }
    }
}

/// The request counter and latency histogram of each route, method and status, each made in the
/// registry once: the registry's own lookup checks the name and matches the labels on every call.
final class RequestInstruments: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "millet_http_requests", unitName: "total", helpText: "HTTP requests by route, method and status.")
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "millet_http_request_duration", unitName: "seconds", helpText: "HTTP request latency by route and method.")
    }
    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]

    private let registry: PrometheusCollectorRegistry
    private let made = Mutex<[Key: (Counter, DurationHistogram)]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func of(route: String, method: String, status: Int) -> (requests: Counter, duration: DurationHistogram) {
        let key = Key(route: route, method: method, status: status)
        if let known = made.withLock({ $0[key] }) { return known }
        let instruments = (
            registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]),
            registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route), ("method", method)], buckets: Self.buckets))
        made.withLock { $0[key] = instruments }
        return instruments
    }
}
