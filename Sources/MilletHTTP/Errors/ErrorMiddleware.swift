import Hummingbird
import Logging
import MilletCore

/// Turns every error into Millet's error answer: JSON under `/api` and on the device routes of
/// hawkBit's API (``DDIController``), an HTML page elsewhere.
/// Unknown errors are logged with the request id and answered as a bare 500.
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = MilletRequestContext
    let pages: PageRenderer

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status == .internalServerError {
                context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            }
            if DDIController.matches(request.uri.path) {
                // hawkBit agents authenticate with a target or gateway token, not a bearer token.
                var response = try apiError.response(from: request, context: context)
                if response.status == .unauthorized {
                    response.headers[values: .wwwAuthenticate] = ["TargetToken realm=\"millet\"", "GatewayToken realm=\"millet\""]
                }
                return response
            }
            if request.uri.path.hasPrefix("/api/") || request.uri.path == "/metrics" {
                return try apiError.response(from: request, context: context)
            }
            return try pages.errorPage(apiError, request: request, context: context)
        }
    }
}
