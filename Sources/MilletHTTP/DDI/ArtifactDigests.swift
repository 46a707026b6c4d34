import Crypto
import Foundation
import MilletCore
import NIOPosix
import Synchronization

/// The SHA-1 and MD5 of firmware images, which DDI lists beside the SHA-256 (SWUpdate checks the
/// SHA-1). Worked out from the stored file once per build and node, on NIO's blocking pool, and
/// kept: a build's bytes never change. When a rollout starts, its devices ask at once: they all
/// wait for the one reading of the image.
final class ArtifactDigests: Sendable {
    struct Digests: Sendable {
        let sha1, md5, sha256: String
    }

    private let known = BoundedCache<String, Digests>()
    private let reading = Mutex<[String: Task<Digests, any Error>]>([:])

    func digests(of build: FirmwareBuild, files: FirmwareFiles) async throws -> Digests {
        if let digests = known[build.sha256] { return digests }
        let task = reading.withLock { reading in
            if let running = reading[build.sha256] { return running }
            let task = Task { () async throws -> Digests in
                defer { _ = self.reading.withLock { $0.removeValue(forKey: build.sha256) } }
                let digests = try await Self.read(build, files: files)
                self.known.store(digests, for: build.sha256)
                return digests
            }
            reading[build.sha256] = task
            return task
        }
        return try await task.value
    }

    private static func read(_ build: FirmwareBuild, files: FirmwareFiles) async throws -> Digests {
        let path = files.path(sha256: build.sha256)
        let (sha1, md5) = try await NIOThreadPool.singleton.runIfActive { () throws -> (String, String) in
            guard let handle = FileHandle(forReadingAtPath: path) else { throw DomainError.notFound(what: "firmware image") }
            defer { try? handle.close() }
            var sha1 = Insecure.SHA1(), md5 = Insecure.MD5()
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                sha1.update(data: chunk)
                md5.update(data: chunk)
            }
            return (Secrets.hex(sha1.finalize()), Secrets.hex(md5.finalize()))
        }
        return Digests(sha1: sha1, md5: md5, sha256: build.sha256)
    }

    /// The name a build's image is listed and downloaded under: model and version, with the
    /// extension agents look for (`.swu` for SWUpdate; SWUpdate skips any other name).
    static func fileName(of build: FirmwareBuild) -> String {
        let safe = { (text: String) in String(text.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" }) }
        return "\(safe(build.modelId))-\(safe(build.version)).swu"
    }
}
