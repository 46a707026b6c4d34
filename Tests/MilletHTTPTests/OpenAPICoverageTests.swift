import Foundation
import Hummingbird
import Testing
@testable import MilletHTTP

/// The OpenAPI document served at `/openapi.yaml` and the router agree: every route it should
/// describe is described, with its method, and every path it describes is served.
///
/// What the document covers: the JSON API, every route under `/api/v1/`, hawkBit's device API
/// under `/{tenant}/controller/v1/` (``DDIController``), and the operations
/// endpoints `OperationsController` adds (`/health`, `/health/live`, `/metrics`) except
/// `/openapi.yaml`, the document itself. The HTML pages (`/`, `/products/{slug}`, `/cart`,
/// `/community/...`, `/staff/...`, form posts such as `/login`) and the static files under `/static`
/// are not API and are not in it. Router paths write a parameter as `:id` or `{id}` (Hummingbird
/// 2.28 prints `{id}`); both are compared as OpenAPI's `{id}`.
@Suite struct OpenAPICoverageTests: HTTPHarness {
    @Test func theDocumentDescribesExactlyTheRoutesTheRouterServes() async throws {
        let document = try OpenAPIDocument.assemble(directory: MilletResources.directory + "/openapi")
        let documentedPaths = OpenAPIDocument.paths(in: document)
        let documented = Self.operations(in: document)
        #expect(!documentedPaths.isEmpty, "the assembled document lists no paths")
        #expect(Set(documentedPaths).count == documentedPaths.count, "a path is listed twice")

        try await withApp { _, services in
            let router = try await buildRouter(services)
            // The operations endpoints are whatever OperationsController adds, read from a router
            // holding only them, so a new one shows up here as undocumented.
            let operationsRouter = Router(context: MilletRequestContext.self)
            OperationsController(
                markets: services.markets, orders: services.orders, outboxes: services.outboxes, engine: services.engine, business: services.business,
                clock: services.clock, registry: services.registry, openAPI: "",
                metricsToken: "").addRoutes(to: operationsRouter)
            let operationsPaths = Set(operationsRouter.routes.map { Self.openAPIPath($0.path.description) })
                .subtracting(["/openapi.yaml"])

            let registered = Set(
                router.routes.compactMap { route -> String? in
                    let path = Self.openAPIPath(route.path.description)
                    guard path.hasPrefix("/api/v1/") || DDIController.matches(path) || operationsPaths.contains(path) else { return nil }
                    return "\(route.method.rawValue.uppercased()) \(path)"
                })
            let registeredPaths = Set(registered.map { String($0.split(separator: " ")[1]) })

            let undocumented = registered.subtracting(documented).sorted()
            #expect(
                undocumented.isEmpty,
                "\(undocumented.count) route(s) missing from Resources/openapi/:\n\(undocumented.joined(separator: "\n"))")
            let unservedPaths = Set(documentedPaths).subtracting(registeredPaths).sorted()
            #expect(
                unservedPaths.isEmpty,
                "\(unservedPaths.count) documented path(s) the router does not serve:\n\(unservedPaths.joined(separator: "\n"))")
            let unservedOperations = documented.subtracting(registered).sorted()
            #expect(
                unservedOperations.isEmpty,
                "\(unservedOperations.count) documented operation(s) the router does not serve:\n\(unservedOperations.joined(separator: "\n"))")
        }
    }

    /// A router path as OpenAPI writes it: `/api/v1/orders/:id` gives `/api/v1/orders/{id}`.
    static func openAPIPath(_ routerPath: String) -> String {
        routerPath.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }

    /// Every documented operation as `GET /api/v1/orders/{id}`: the method keys (`    get:`)
    /// under each path key (`  /...:`) of the top-level `paths:`.
    static func operations(in document: String) -> Set<String> {
        let methods: Set<Substring> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var inPaths = false
        var path: String?
        var found: Set<String> = []
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " ", first != "#" {
                inPaths = line == "paths:"
                path = nil
            } else if inPaths, line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), let colon = line.firstIndex(of: ":") {
                let key = line.dropFirst(4)[..<colon]
                if methods.contains(key) { found.insert("\(key.uppercased()) \(path)") }
            }
        }
        return found
    }
}
