import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON-over-HTTP client for driving a running Millet server, as a device or staff would.
public struct JSONClient: Sendable {
    public let base: URL
    let session: URLSession

    public init(base: URL) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 30
        session = URLSession(configuration: configuration)
    }

    /// A failed request: its status and body.
    public struct Failure: Error, CustomStringConvertible {
        public let status: Int
        public let body: String
        public var description: String { "HTTP \(status): \(body.prefix(300))" }
    }

    /// Sends a request and answers status, headers and body bytes.
    public func send(_ method: String, _ path: String, token: String? = nil, json: Any? = nil, body: Data? = nil,
                     headers: [String: String] = [:]) async throws -> (status: Int, headers: [String: String], body: Data) {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
            request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http?.allHeaderFields ?? [:] { fields[String(describing: key).lowercased()] = String(describing: value) }
        return (http?.statusCode ?? 0, fields, data)
    }

    /// Sends a request that must answer 2xx with a JSON object.
    public func object(_ method: String, _ path: String, token: String? = nil, json: Any? = nil, body: Data? = nil) async throws -> [String: Any] {
        let answer = try await send(method, path, token: token, json: json, body: body)
        guard (200..<300).contains(answer.status) else { throw Failure(status: answer.status, body: String(decoding: answer.body, as: UTF8.self)) }
        return (try JSONSerialization.jsonObject(with: answer.body) as? [String: Any]) ?? [:]
    }
}
