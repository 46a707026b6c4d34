import Hummingbird
import Prometheus

/// Counts requests and records their latency by route pattern, method and status into the
/// registry `/metrics` serves.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    let registry: PrometheusCollectorRegistry
    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = "500"
        defer {
            let route = context.endpointPath ?? "unmatched"
            let labels = [("route", route), ("method", request.method.rawValue), ("status", status)]
            registry.makeCounter(name: "millet_http_requests_total", labels: labels).increment()
            registry.makeDurationHistogram(name: "millet_http_request_duration_seconds", labels: [("route", route), ("method", request.method.rawValue)], buckets: Self.buckets)
                .record(ContinuousClock.now - start)
        }
        do {
            let response = try await next(request, context)
            status = String(response.status.code)
            return response
        } catch let error as HTTPResponseError {
            status = String(error.status.code)
            throw error
        } catch {
            status = String(APIError.from(error).status.code)
            throw error
        }
    }
}
