import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MilletCore
import NIOPosix

/// Resolves a receiver's host and refuses it when any of its addresses is not public
/// (``ReceiverAddress``), unless private receivers are allowed: when staff register it, and again
/// before every delivery, where ``PinnedTransport`` connects to the address checked, so a name
/// that later points inside the network (DNS rebinding) is caught. Deliveries do not follow
/// redirects, so a public receiver cannot send them on inside the network.
public struct ReceiverGuard: Sendable {
    /// Whether loopback, private and link-local receivers are let through (on-premises receivers).
    public let allowPrivate: Bool
    /// Looks a host up: its addresses as bytes (``resolve(_:)`` unless a test names its own).
    let resolver: @Sendable (String) async -> [[UInt8]]

    /// A guard that refuses non-public receivers unless `allowPrivate`.
    public init(allowPrivate: Bool, resolver: @escaping @Sendable (String) async -> [[UInt8]] = ReceiverGuard.resolve) {
        self.allowPrivate = allowPrivate
        self.resolver = resolver
    }

    /// `invalid_input` on `url` when the URL's host resolves to nothing or to a non-public address.
    public func check(url: String) async throws {
        guard !allowPrivate else { return }
        _ = try await addresses(for: url)
    }

    /// The addresses of the URL's host, for a delivery to connect to; `invalid_input` when there
    /// are none, or when one is not public and private receivers are not allowed.
    public func addresses(for url: String) async throws -> [[UInt8]] {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { throw DomainError.invalid(field: "url", "has no host") }
        let addresses = await resolver(host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host)
        guard !addresses.isEmpty else { throw DomainError.invalid(field: "url", "names a host that does not resolve") }
        guard allowPrivate || addresses.allSatisfy(ReceiverAddress.isPublic) else {
            throw DomainError.invalid(field: "url", "must not point at a loopback, private or link-local address")
        }
        return addresses
    }

    /// The host's IPv4 and IPv6 addresses, as bytes (a literal address answers itself). The
    /// lookup blocks, so it runs on NIO's blocking pool, not on a thread that answers requests.
    public static func resolve(_ host: String) async -> [[UInt8]] {
        (try? await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
            defer { freeaddrinfo(list) }
            var found: [[UInt8]] = []
            var next: UnsafeMutablePointer<addrinfo>? = first
            while let entry = next {
                if entry.pointee.ai_family == AF_INET, let raw = entry.pointee.ai_addr {
                    var address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    found.append(withUnsafeBytes(of: &address) { Array($0) })
                } else if entry.pointee.ai_family == AF_INET6, let raw = entry.pointee.ai_addr {
                    var address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    found.append(withUnsafeBytes(of: &address) { Array($0) })
                }
                next = entry.pointee.ai_next
            }
            return found
        }) ?? []
    }
}

/// A transport that checks the receiver's addresses before each delivery it hands on; for a
/// transport that does not connect by itself (``PinnedTransport`` checks as it connects).
struct GuardedTransport: WebhookTransport {
    let inner: any WebhookTransport
    let receivers: ReceiverGuard

    func post(url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int {
        try await receivers.check(url: url)
        return try await inner.post(url: url, body: body, headers: headers)
    }
}
