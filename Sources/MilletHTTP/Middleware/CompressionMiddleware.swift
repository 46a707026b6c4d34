import CompressNIO
import Hummingbird
import NIOCore

/// Gzips answers worth it when the client accepts gzip: text, JSON, YAML, XML, SVG and scripts
/// of at least ``minimumSize`` bytes with a known length and status 200. The live event stream,
/// firmware images and ranges go as they are.
struct CompressionMiddleware: RouterMiddleware {
    typealias Context = MilletRequestContext
    static let minimumSize = 1_024
    /// Bodies larger than this are sent as they are rather than held in memory to compress.
    static let maximumSize = 4 << 20

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard Self.acceptsGzip(request.headers[.acceptEncoding]) else { return response }
        guard response.status == .ok, response.headers[.contentEncoding] == nil,
              let length = response.body.contentLength, (Self.minimumSize...Self.maximumSize).contains(length),
              Self.isCompressible(response.headers[.contentType])
        else { return response }
        let collected = Collected()
        try await response.body.write(CollectingWriter(into: collected))
        var plain = collected.buffer
        let packed = try plain.compress(with: .gzip())
        response.headers[.contentEncoding] = "gzip"
        response.headers[.vary] = response.headers[.vary].map { $0.contains("Accept-Encoding") ? $0 : $0 + ", Accept-Encoding" } ?? "Accept-Encoding"
        response.body = ResponseBody(byteBuffer: packed)
        return response
    }

    /// Whether `Accept-Encoding` lists gzip (or `*`) with a weight above 0.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.lowercased().split(separator: ",").contains { part in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.first == "gzip" || pieces.first == "*" else { return false }
            let weight = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return weight > 0
        }
    }

    static func isCompressible(_ contentType: String?) -> Bool {
        guard let type = contentType?.lowercased() else { return false }
        if type.hasPrefix("text/event-stream") { return false }
        return type.hasPrefix("text/") || ["application/json", "application/yaml", "application/xml", "image/svg+xml", "application/javascript"]
            .contains { type.hasPrefix($0) }
    }

    private final class Collected: @unchecked Sendable {
        var buffer = ByteBuffer()
    }

    private struct CollectingWriter: ResponseBodyWriter {
        let into: Collected
        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            into.buffer.writeBuffer(&buffer)
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
