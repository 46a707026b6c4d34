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
        guard Self.isCompressible(response.headers[.contentType]), response.headers[.cacheControl]?.contains("no-transform") != true else {
            return response
        }
        // Whether or not this answer is compressed, another client's may be.
        response.headers[.vary] = response.headers[.vary].map { $0.contains("Accept-Encoding") ? $0 : $0 + ", Accept-Encoding" } ?? "Accept-Encoding"
        guard response.status == .ok, response.headers[.contentEncoding] == nil,
              let length = response.body.contentLength, (Self.minimumSize...Self.maximumSize).contains(length),
              Self.acceptsGzip(request.headers[.acceptEncoding])
        else { return response }
        let collected = Collected()
        try await response.body.write(CollectingWriter(into: collected))
        var plain = collected.buffer
        let packed = try plain.compress(with: .gzip())
        response.headers[.contentEncoding] = "gzip"
        // Ranges and the validator describe the plain bytes, not these.
        response.headers[.acceptRanges] = nil
        if let tag = response.headers[.eTag] {
            response.headers[.eTag] = (tag.hasPrefix("W/") ? tag : "W/" + tag).replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "W/", with: "W/\"") + "-gzip\""
        }
        response.body = ResponseBody(byteBuffer: packed)
        return response
    }

    /// Whether `Accept-Encoding` gives gzip a weight above 0: its own entry, or else `*`'s.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var weights: [String: Double] = [:]
        for part in header.lowercased().split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = pieces.first else { continue }
            weights[coding] = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
        }
        return (weights["gzip"] ?? weights["*"] ?? 0) > 0
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
