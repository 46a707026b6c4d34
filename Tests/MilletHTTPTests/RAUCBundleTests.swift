import CompressNIO
import Foundation
import MilletCore
import NIOCore
import MilletTesting
import Testing

/// Reading a RAUC bundle's manifest from the SquashFS image: what `rauc bundle` makes, and the
/// same bytes damaged, which must read as a RAUC bundle with nothing more, never trap or hang.
struct RAUCBundleTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "raucb"))
        return Array(try Data(contentsOf: url))
    }

    static func source(_ bytes: [UInt8]) -> ImageDescription.Source {
        ImageDescription.Source(
            read: { offset, count in Array(bytes[min(offset, bytes.count)..<min(offset + count, bytes.count)]) },
            inflate: { compressed, limit in
                var input = ByteBuffer(bytes: compressed)
                return Array(try input.decompress(with: .zlib(), maxSize: limit).readableBytesView)
            })
    }

    @Test(arguments: [("eco-lamp-2.1.1-uncompressed", "2.1.1"), ("eco-lamp-2.2.0-verity", "2.2.0")])
    func aBundleSaysWhatItsManifestSays(name: String, version: String) throws {
        let bytes = try Self.fixture(name)
        #expect(ImageDescription.read(bytes, source: Self.source(bytes))
                == ImageDescription(format: .rauc, version: version, hardwareCompatibility: ["eco-lamp-2"]))
        // Without a way to read further, the first bytes tell the format only.
        #expect(ImageDescription.read(Array(bytes.prefix(4096))) == ImageDescription(format: .rauc))
    }

    @Test(.timeLimit(.minutes(1)), arguments: [("eco-lamp-2.1.1-uncompressed", "2.1.1"), ("eco-lamp-2.2.0-verity", "2.2.0")])
    func aDamagedBundleReadsAsABundleAndNothingMore(name: String, version: String) throws {
        let original = try Self.fixture(name)
        // The SquashFS image's own length (its superblock's bytes_used): the signature and, in a
        // verity bundle, the hash tree come after it.
        let used = original[40..<48].reversed().reduce(0) { $0 << 8 | Int($1) }
        var random = SplitMix(seed: 20261204)
        for round in 0..<400 {
            var bytes = original
            // Damage the superblock and the tables at the end (where the structure is) more often than the data.
            for _ in 0..<(1 + round % 4) {
                let at = round % 2 == 0 ? Int(random.next() % 96) : used - 1 - Int(random.next() % UInt64(min(used, 4096)))
                bytes[at] = UInt8(truncatingIfNeeded: random.next())
            }
            let description = ImageDescription.read(bytes, source: Self.source(bytes))
            guard bytes.starts(with: Array("hsqs".utf8)) else { continue }
            // What the damage left readable is the manifest as written, or nothing at all.
            #expect(description.format == .rauc && [nil, version].contains(description.version))
        }
        // Cut short anywhere, it still reads.
        for length in stride(from: 0, to: original.count, by: 997) {
            let bytes = Array(original.prefix(length))
            _ = ImageDescription.read(bytes, source: Self.source(bytes))
        }
    }
}
