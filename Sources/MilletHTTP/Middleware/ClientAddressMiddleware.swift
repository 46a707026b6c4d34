import Hummingbird
import MilletCore
import NIOCore

/// The reverse proxies in front of the store (`--trusted-proxy`, env `MILLET_TRUSTED_PROXIES`):
/// addresses or CIDR networks such as `10.0.0.0/8` or `::1` (IPv4 peers, also when they come
/// as IPv4 inside IPv6, are matched against IPv4 networks only, so `::/0` takes no IPv4 peer). Behind them every request's peer is
/// a proxy, so the client is read from `X-Forwarded-For`, the way nginx's `real_ip_recursive`
/// does: from the right, past every trusted hop, to the first address no trusted proxy owns. A
/// client cannot pose as another by sending the header itself, since only what trusted hops
/// appended is believed. Empty (the default) believes no header.
public struct TrustedProxies: Sendable {
    /// Each network's address bytes (4 or 16) and prefix length.
    let networks: [(bytes: [UInt8], prefix: Int)]

    /// No trusted proxies: the peer is the client.
    public init() { networks = [] }

    /// Parses a comma-separated list of addresses and networks; `invalid_input` names a bad entry.
    public init(_ list: String) throws {
        networks = try list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { entry in
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(parts[0]) else { throw DomainError.invalid(field: "trusted proxy", "\(entry) is not an address") }
            // An IPv4 network written inside IPv6 (`::ffff:10.0.0.0/104`) is the IPv4 one (`/8`).
            let mapped = parts[0].contains(":") && bytes.count == 4 ? 96 : 0
            guard let written = parts.count == 2 ? Int(parts[1]) : (bytes.count * 8 + mapped), (mapped...(bytes.count * 8 + mapped)).contains(written) else {
                throw DomainError.invalid(field: "trusted proxy", "\(entry) has a prefix out of range")
            }
            return (bytes, written - mapped)
        }
    }

    public var isEmpty: Bool { networks.isEmpty }

    /// Whether a trusted network holds the address (IPv4 in IPv6 counts as IPv4).
    func contains(_ address: [UInt8]) -> Bool {
        networks.contains { network in
            guard network.bytes.count == address.count else { return false }
            let whole = network.prefix / 8, rest = network.prefix % 8
            guard address[..<whole] == network.bytes[..<whole] else { return false }
            guard rest > 0 else { return true }
            let mask = UInt8(0xff) << (8 - rest)
            return address[whole] & mask == network.bytes[whole] & mask
        }
    }

    /// The client's address: the peer's, or, while the hop being looked at is a trusted proxy,
    /// the address it says it forwarded for, read right to left across `forwardedFor` (every
    /// `X-Forwarded-For` line, in order). An entry that is not an address ends the walk.
    func client(peer: SocketAddress, forwardedFor: [String]) -> SocketAddress {
        guard !networks.isEmpty, var current = peer.addressBytes, contains(current) else { return peer }
        var client = peer
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard contains(current), let address = Self.address(hop), let bytes = address.addressBytes else { break }
            client = address
            current = bytes
        }
        return client
    }

    /// An address as `X-Forwarded-For` may write it: bare, `[v6]`, `[v6]:port` or `v4:port`.
    static func address(_ text: String) -> SocketAddress? {
        var host = text
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            host = String(host[host.index(after: host.startIndex)..<end])
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = String(host[..<colon])
        }
        return try? SocketAddress(ipAddress: host, port: 0)
    }

    static func bytes(_ text: String) -> [UInt8]? { (try? SocketAddress(ipAddress: text, port: 0))?.addressBytes }
}

/// Sets each request's ``MilletRequestContext/clientIP`` from `X-Forwarded-For` when the peer is
/// a trusted proxy (``TrustedProxies``), so log-in, registration and purchase limits count
/// clients, not the proxy.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = context.peer else { return try await next(request, context) }
        let client = proxies.client(peer: peer, forwardedFor: request.headers[values: .init("X-Forwarded-For")!])
        guard client != peer else { return try await next(request, context) }
        var context = context
        context.clientIP = MilletRequestContext.network(client)
        return try await next(request, context)
    }
}
