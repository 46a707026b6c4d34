import HTTPTypes
import Hummingbird
import MilletCore
import Synchronization

/// A path that exists under other methods answers 405 with `Allow` instead of 404.
struct MethodMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = table.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            var refusal = APIError(status: .methodNotAllowed, code: "method_not_allowed", message: "\(request.method) is not allowed here")
            refusal.headers[.allow] = allowed.joined(separator: ", ")
            throw refusal
        }
    }
}

/// The router's routes, read once they are all added, to tell which methods a path has.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: String, segments: [Substring])]>([])

    /// Takes the routes of a built router.
    func load(_ routes: [(method: HTTPRequest.Method, path: String)]) {
        self.routes.withLock { $0 = routes.map { ($0.method.rawValue, $0.path.split(separator: "/")) } }
    }

    /// The methods some route answers at `path`, with `HEAD` beside `GET`.
    func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/")
        var found = Set(routes.withLock { $0.filter { Self.matches($0.segments, parts) }.map(\.method) })
        if found.contains("GET") { found.insert("HEAD") }
        return found.sorted()
    }

    private static func matches(_ pattern: [Substring], _ parts: [Substring]) -> Bool {
        for (index, segment) in pattern.enumerated() {
            if segment == "**" { return true }
            guard index < parts.count else { return false }
            if segment.hasPrefix(":") || segment == "*" || segment.hasPrefix("{") { continue }
            if segment != parts[index] { return false }
        }
        return pattern.count == parts.count
    }
}

/// The router, answering `HEAD` as `GET` without the body (health probes and link checkers use
/// it). The router picks a route by method before any middleware runs, so the request is
/// turned into a `GET` before it reaches the router.
public struct HeadAsGet<Routes: HTTPResponderBuilder>: HTTPResponderBuilder where Routes.Responder.Context == MilletRequestContext {
    let routes: Routes

    /// Wraps `routes` (the router ``buildRouter(_:)`` answers).
    public init(_ routes: Routes) {
        self.routes = routes
    }

    public func buildResponder() -> Responder { Responder(inner: routes.buildResponder()) }

    /// Sends `HEAD` on as `GET` and drops the body of the answer.
    public struct Responder: HTTPResponder {
        public typealias Context = MilletRequestContext
        let inner: Routes.Responder

        public func respond(to request: Request, context: Context) async throws -> Response {
            guard request.method == .head else { return try await inner.respond(to: request, context: context) }
            var get = request.head
            get.method = .get
            return try await inner.respond(to: Request(head: get, body: request.body), context: context).createHeadResponse()
        }
    }
}
