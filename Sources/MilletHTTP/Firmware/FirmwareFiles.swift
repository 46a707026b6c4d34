import Crypto
import Foundation
import Hummingbird
import MilletCore
import Synchronization

/// Files on disk, stored once under their SHA-256 (`sha256/ab/abcdef…`): firmware images, and the
/// photos fans send with service cases. An upload streams to a temporary file while it is hashed,
/// so an image of any size never sits in memory.
public struct FirmwareFiles: Sendable {
    public let directory: String
    let fileIO = FileIO()

    public init(directory: String) {
        self.directory = directory
    }

    /// Where the image with this digest lives.
    public func path(sha256: String) -> String {
        "\(directory)/sha256/\(sha256.prefix(2))/\(sha256)"
    }

    /// Streams `body` to disk; answers its SHA-256 (hex) and size. An image already stored is kept once.
    func store(_ body: RequestBody, context: MilletRequestContext) async throws -> (sha256: String, size: Int64) {
        let temporary = "\(directory)/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let partial = "\(temporary)/\(Identifier.make())"
        let digest = Mutex((hasher: SHA256(), size: Int64(0)))
        do {
            let hashed = body.map { buffer -> ByteBuffer in
                buffer.withUnsafeReadableBytes { bytes in digest.withLock { $0.hasher.update(bufferPointer: bytes); $0.size += Int64(bytes.count) } }
                return buffer
            }
            try await fileIO.writeFile(contents: hashed, path: partial, context: context)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        let (sha256, size) = digest.withLock { (Secrets.hex($0.hasher.finalize()), $0.size) }
        guard size > 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw DomainError.invalid(field: "body", "must not be empty")
        }
        let final = path(sha256: sha256)
        try FileManager.default.createDirectory(atPath: (final as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: final) {
            try FileManager.default.removeItem(atPath: partial)
        } else {
            try FileManager.default.moveItem(atPath: partial, toPath: final)
        }
        return (sha256, size)
    }

    /// The image, whole or the byte range a `Range: bytes=a-b` header asks for (206), so an
    /// interrupted download resumes where it stopped.
    func response(sha256: String, size: Int64, range header: String?, context: MilletRequestContext) async throws -> Response {
        let file = path(sha256: sha256)
        guard FileManager.default.fileExists(atPath: file) else { throw DomainError.notFound(what: "file") }
        var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes", .eTag: "\"\(sha256)\""]
        guard let header else {
            headers[.contentLength] = String(size)
            return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: file, context: context))
        }
        guard let range = Self.byteRange(header, size: size) else {
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        headers[.contentLength] = String(range.count)
        let body = try await fileIO.loadFile(path: file, range: Int(range.lowerBound)...Int(range.upperBound), context: context)
        return Response(status: .partialContent, headers: headers, body: body)
    }

    /// Reads one `bytes=a-b`, `bytes=a-` or `bytes=-n` range within `size`; `nil` when unsatisfiable.
    static func byteRange(_ header: String, size: Int64) -> ClosedRange<Int64>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int64(last), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int64(first), start >= 0, start < size else { return nil }
        guard !last.isEmpty else { return start...(size - 1) }
        guard let end = Int64(last), end >= start else { return nil }
        return start...min(end, size - 1)
    }
}
