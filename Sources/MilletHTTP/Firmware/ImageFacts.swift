import CompressNIO
import Crypto
import Foundation
import MilletCore
import NIOCore
import NIOPosix
import Synchronization

/// What Millet knows of a stored firmware image beyond its SHA-256: its SHA-1 and MD5, which DDI
/// lists (SWUpdate checks the SHA-1), and what the image says of itself (``ImageDescription``:
/// the format, and the version and hardware a SWUpdate image or RAUC bundle names), for staff and for the name agents
/// download it under. Worked out from the stored file in one reading, once per build and node, on
/// NIO's blocking pool, and kept: a build's bytes never change. When a rollout starts, its
/// devices ask at once: they all wait for the one reading.
public final class ImageFacts: Sendable {
    public struct Facts: Sendable {
        let sha1, md5, sha256: String
        public let description: ImageDescription
    }

    private let known = BoundedCache<String, Facts>()
    private let reading = Mutex<[String: Task<Facts, any Error>]>([:])

    public init() {}

    func facts(of build: FirmwareBuild, files: FirmwareFiles) async throws -> Facts {
        if let facts = known[build.sha256] { return facts }
        let task = reading.withLock { reading in
            if let running = reading[build.sha256] { return running }
            let task = Task { () async throws -> Facts in
                defer { _ = self.reading.withLock { $0.removeValue(forKey: build.sha256) } }
                let facts = try await Self.read(build, files: files)
                self.known.store(facts, for: build.sha256)
                return facts
            }
            reading[build.sha256] = task
            return task
        }
        return try await task.value
    }

    private static func read(_ build: FirmwareBuild, files: FirmwareFiles) async throws -> Facts {
        let path = files.path(sha256: build.sha256)
        return try await NIOThreadPool.singleton.runIfActive { () throws -> Facts in
            guard let handle = FileHandle(forReadingAtPath: path) else { throw DomainError.notFound(what: "firmware image") }
            defer { try? handle.close() }
            var sha1 = Insecure.SHA1(), md5 = Insecure.MD5(), prefix: [UInt8] = []
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                sha1.update(data: chunk)
                md5.update(data: chunk)
                if prefix.count < ImageDescription.prefixLength { prefix += chunk.prefix(ImageDescription.prefixLength - prefix.count) }
            }
            let description = ImageDescription.read(prefix, source: source(handle))
            return Facts(sha1: Secrets.hex(sha1.finalize()), md5: Secrets.hex(md5.finalize()), sha256: build.sha256, description: description)
        }
    }

    /// The open image read at offsets, zlib inflated with CompressNIO.
    private static func source(_ handle: FileHandle) -> ImageDescription.Source {
        ImageDescription.Source(
            read: { offset, count in
                try handle.seek(toOffset: UInt64(offset))
                return Array(try handle.read(upToCount: count) ?? Data())
            },
            inflate: { compressed, limit in
                var input = ByteBuffer(bytes: compressed)
                let output = try input.decompress(with: .zlib(), maxSize: limit)
                return Array(output.readableBytesView)
            })
    }

    /// The name a build's image is listed and downloaded under: model and version, with the
    /// extension its format calls for (`.swu` for a SWUpdate image; SWUpdate skips other names).
    static func fileName(of build: FirmwareBuild, _ description: ImageDescription) -> String {
        let safe = { (text: String) in String(text.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" }) }
        return "\(safe(build.modelId))-\(safe(build.version)).\(description.fileExtension)"
    }
}
