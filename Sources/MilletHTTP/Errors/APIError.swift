import Foundation
import Hummingbird
import MilletCore

/// Every error Millet answers: a status and the body `{"error":{"code","message","fields"}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let fields: [String: String]
    public var headers: HTTPFields = [:]

    public init(status: HTTPResponse.Status, code: String, message: String, fields: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let fields: [String: String]
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: try body()))
    }

    /// Bodies of errors without fields (a flash-sale crowd's refusals: the same few, thousands of
    /// times a second) are encoded once.
    private static let encoded = BoundedCache<String, ByteBuffer>()

    private func body() throws -> ByteBuffer {
        let cacheKey = fields.isEmpty ? code + "\u{0}" + message : nil
        if let cacheKey, let hit = Self.encoded[cacheKey] { return hit }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let buffer = ByteBuffer(bytes: try encoder.encode(Body(error: .init(code: code, message: message, fields: fields))))
        if let cacheKey { Self.encoded.store(buffer, for: cacheKey) }
        return buffer
    }

    /// The one place domain refusals become HTTP statuses.
    public init(_ error: DomainError) {
        switch error {
        case .invalidInput(let message, let fields):
            self.init(status: .unprocessableContent, code: "invalid_input", message: message, fields: fields)
        case .notFound(let what):
            self.init(status: .notFound, code: "not_found", message: "\(what) not found")
        case .conflict(let code, let message):
            self.init(status: .conflict, code: code, message: message)
        case .unauthenticated(let message):
            self.init(status: .unauthorized, code: "unauthenticated", message: message)
            headers[.wwwAuthenticate] = "Bearer realm=\"millet\""
        case .forbidden(let message):
            self.init(status: .forbidden, code: "forbidden", message: message)
        case .throttled(let seconds):
            self.init(status: .tooManyRequests, code: "rate_limited", message: "too many attempts; retry in \(seconds) s")
        case .notEligible(let code, let message):
            self.init(status: .forbidden, code: code, message: message)
        case .rejected(let code, let message):
            self.init(status: .unprocessableContent, code: code, message: message)
        case .notYet(let code, let message, _):
            self.init(status: .conflict, code: code, message: message)
        case .overloaded(let seconds):
            self.init(status: .serviceUnavailable, code: "overloaded", message: "too busy right now; retry in \(seconds) s")
        }
        if let seconds = error.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
    }

    /// Maps any error thrown while answering: domain refusals, Hummingbird's own errors, and
    /// anything else as a 500 that leaks nothing.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as DomainError: return APIError(error)
        case let refusal as PurchaseRefusal: return APIError(refusal.domainError)
        case let error as HTTPResponseError:
            switch error.status {
            case .notFound: return APIError(status: .notFound, code: "not_found", message: "no such resource")
            case .contentTooLarge: return APIError(status: .contentTooLarge, code: "body_too_large", message: "the request body is too large")
            case .methodNotAllowed: return APIError(status: .methodNotAllowed, code: "method_not_allowed", message: "method not allowed")
            default:
                return APIError(status: error.status, code: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"), message: error.status.reasonPhrase)
            }
        default:
            return APIError(status: .internalServerError, code: "internal", message: "something went wrong on our side")
        }
    }
}
