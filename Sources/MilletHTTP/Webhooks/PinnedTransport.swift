import Foundation
import MilletCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Sends webhook deliveries over HTTP/1.1 (and TLS for https) to the very address the receiver
/// guard looked up and checked (``ReceiverGuard/addresses(for:)``): the connection never asks DNS
/// again, so a name that answers with a public address for the check and a private one a moment
/// later (DNS rebinding) still reaches only the public one. `Host` and, over TLS, the server name
/// and the certificate check use the URL's name. A redirect is not followed: its 3xx is the
/// receiver's answer, a failed delivery tried again later. Each attempt has `timeout` to finish.
public struct PinnedTransport: WebhookTransport {
    let receivers: ReceiverGuard
    let timeout: Duration

    public init(receivers: ReceiverGuard, timeout: Duration = .seconds(10)) {
        self.receivers = receivers
        self.timeout = timeout
    }

    /// Thrown when the receiver did not answer within the timeout.
    struct NoAnswer: Error, CustomStringConvertible {
        let description: String
    }

    public func post(url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), ["http", "https"].contains(scheme),
              var host = parts.host, !host.isEmpty
        else { throw DomainError.invalid(field: "url", "is not an http or https URL") }
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        let request = Request(
            tls: scheme == "https", host: host, port: parts.port ?? (scheme == "https" ? 443 : 80),
            path: (parts.percentEncodedPath.isEmpty ? "/" : parts.percentEncodedPath) + (parts.percentEncodedQuery.map { "?" + $0 } ?? ""),
            body: body, headers: headers, timeout: timeout)
        let receivers = receivers, timeout = timeout
        // The look-up, every connection tried and the exchange share the one timeout.
        return try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await request.send(to: try await receivers.addresses(for: url)) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw NoAnswer(description: "the receiver did not answer within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// One delivery attempt, as it goes on the wire.
    struct Request: Sendable {
        let tls: Bool
        let host: String
        let port: Int
        let path: String
        let body: [UInt8]
        let headers: [(String, String)]
        let timeout: Duration

        /// The TLS client context, with the system's trust roots; made once. A receiver that
        /// does not answer the closing handshake is not waited for long.
        static let context = Result {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.shutdownTimeout = .seconds(1)
            return try NIOSSLContext(configuration: configuration)
        }

        /// Connects to the first of `addresses` that takes the connection and answers the status.
        func send(to addresses: [[UInt8]]) async throws -> Int {
            var failure: (any Error)?
            for address in addresses {
                // Past the timeout the attempt is over: no next address.
                try Task.checkCancellation()
                let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
                do {
                    channel = try await connect(try Self.socketAddress(address, port: port))
                } catch {
                    failure = error
                    continue
                }
                return try await exchange(on: channel)
            }
            throw failure ?? DomainError.invalid(field: "url", "names a host that does not resolve")
        }

        /// An address from its 4 or 16 bytes.
        static func socketAddress(_ bytes: [UInt8], port: Int) throws -> SocketAddress {
            guard bytes.count == 16 else { return try SocketAddress(ipAddress: bytes.map(String.init).joined(separator: "."), port: port) }
            let groups = stride(from: 0, to: 16, by: 2).map { String(Int(bytes[$0]) << 8 | Int(bytes[$0 + 1]), radix: 16) }
            return try SocketAddress(ipAddress: groups.joined(separator: ":"), port: port)
        }

        private func connect(_ address: SocketAddress) async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
            let tls = tls ? try Self.context.get() : nil
            // The server name for TLS; an address written in the URL has none.
            let name = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(TimeAmount(min(timeout, .seconds(10))))
                .connect(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: name)) }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
                    }
                }
        }

        private func exchange(on channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>) async throws -> Int {
            try await channel.executeThenClose { inbound, outbound in
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
                let defaultPort = port == (tls ? 443 : 80)
                let name = host.contains(":") ? "[\(host)]" : host
                head.headers.add(name: "Host", value: defaultPort ? name : "\(name):\(port)")
                head.headers.add(name: "Content-Length", value: String(body.count))
                head.headers.add(name: "Connection", value: "close")
                for (field, value) in headers { head.headers.add(name: field, value: value) }
                try await outbound.write(.head(head))
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                try await outbound.write(.end(nil))
                for try await part in inbound {
                    if case .head(let response) = part { return Int(response.status.code) }
                }
                throw NoAnswer(description: "the receiver closed the connection without answering")
            }
        }
    }
}
