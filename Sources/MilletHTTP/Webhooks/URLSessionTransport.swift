import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MilletCore

/// Sends webhook deliveries with Foundation's URLSession (libcurl on Linux): http and https,
/// ten seconds per attempt. A redirect is not followed: its 3xx is the receiver's answer, a
/// failed delivery tried again later.
public struct URLSessionTransport: WebhookTransport {
    let session: URLSession

    public init(timeout: TimeInterval = 10) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    /// Answers every redirect with "do not follow".
    final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
            completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    public func post(url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int {
        guard let target = URL(string: url) else { throw DomainError.invalid(field: "url", "is not a URL") }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (_, response) = try await session.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
