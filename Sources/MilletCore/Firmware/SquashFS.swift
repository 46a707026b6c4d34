import Foundation

/// Just enough of SquashFS 4.0 to read one small file from an image's root directory: how a RAUC
/// bundle's `manifest.raucm` is found. The image is read at offsets (``Source``), so only the
/// superblock, the root's directory listing, one inode and the file's blocks are read, wherever
/// in a large bundle they are. Metadata and data compressed with gzip (zlib) are inflated by
/// the source; an image of another compressor reads nothing.
struct SquashFS {
    typealias Source = ImageDescription.Source

    /// Not the SquashFS this reads, or a structure that points outside the image.
    struct Malformed: Error {}

    private let source: Source
    private let blockSize: Int
    private let rootInode: UInt64
    private let inodeTable, directoryTable, fragmentTable: Int
    private let bytesUsed: Int

    /// The image's superblock, when it is SquashFS 4.0 compressed with gzip (or not at all).
    init?(_ source: Source) throws {
        let superblock = try source.read(0, 96)
        guard superblock.count == 96, superblock.starts(with: Array("hsqs".utf8)) else { return nil }
        let fields = Bytes(superblock)
        guard try fields.u16(28) == 4, try fields.u16(20) == 1 else { return nil }
        self.source = source
        blockSize = Int(try fields.u32(12))
        rootInode = try fields.u64(32)
        bytesUsed = try fields.offset(40)
        inodeTable = try fields.offset(64)
        directoryTable = try fields.offset(72)
        fragmentTable = try fields.offset(80)
        guard (4096...(1 << 20)).contains(blockSize) else { throw Malformed() }
    }

    /// The file with this name in the root directory, if it is a regular file of at most `limit` bytes.
    func file(named name: String, limit: Int) throws -> [UInt8]? {
        let root = try inode(rootInode)
        guard case .directory(let block, let offset, let size) = root else { throw Malformed() }
        guard size <= 1 << 20 else { throw Malformed() }
        var listing = Bytes(try metadata(table: directoryTable, block: block, offset: offset, count: size))
        while listing.remaining >= 12 {
            let count = Int(try listing.next32()) + 1, start = try listing.next32()
            _ = try listing.next32()
            for _ in 0..<count {
                let entryOffset = try listing.next16()
                _ = try listing.next16()
                _ = try listing.next16()
                let nameLength = Int(try listing.next16()) + 1
                let entryName = try listing.next(nameLength)
                guard entryName == Array(name.utf8) else { continue }
                guard case .file(let file) = try inode(UInt64(start) << 16 | UInt64(entryOffset)), file.size <= limit else { return nil }
                return try contents(of: file)
            }
        }
        return nil
    }

    private struct FileInode {
        let blocksStart: Int
        let fragment: UInt32
        let fragmentOffset: Int
        let size: Int
        let blockSizes: [UInt32]
    }

    private enum Inode {
        case directory(block: Int, offset: Int, size: Int)
        case file(FileInode)
        case other
    }

    private func inode(_ reference: UInt64) throws -> Inode {
        let block = Int(reference >> 16), offset = Int(reference & 0xFFFF)
        // The largest header read here: an extended file's, 56 bytes, before its block sizes.
        let head = Bytes(try metadata(table: inodeTable, block: block, offset: offset, count: 56, exact: false))
        switch try head.u16(0) {
        case 1: // basic directory: listing block, links, size (u16), offset (u16)
            return .directory(block: Int(try head.u32(16)), offset: Int(try head.u16(26)), size: max(Int(try head.u16(24)) - 3, 0))
        case 8: // extended directory: links, size (u32), listing block, parent, index count, offset (u16)
            return .directory(block: Int(try head.u32(24)), offset: Int(try head.u16(34)), size: max(Int(try head.u32(20)) - 3, 0))
        case 2: // basic file: blocks start, fragment, fragment offset, size (u32), block sizes
            return .file(try file(reference, header: 32, blocksStart: Int(try head.u32(16)), fragment: try head.u32(20),
                                  fragmentOffset: Int(try head.u32(24)), size: Int(try head.u32(28))))
        case 9: // extended file: blocks start (u64), size (u64), sparse, links, fragment, fragment offset, xattr, block sizes
            return .file(try file(reference, header: 56, blocksStart: try head.offset(16), fragment: try head.u32(44),
                                  fragmentOffset: Int(try head.u32(48)), size: try head.offset(24)))
        default:
            return .other
        }
    }

    private func file(_ reference: UInt64, header: Int, blocksStart: Int, fragment: UInt32, fragmentOffset: Int, size: Int) throws -> FileInode {
        guard size <= 1 << 30 else { throw Malformed() }
        let blocks = fragment == 0xFFFF_FFFF ? (size + blockSize - 1) / blockSize : size / blockSize
        guard blocks <= 1024 else { throw Malformed() }
        let raw = Bytes(try metadata(table: inodeTable, block: Int(reference >> 16), offset: Int(reference & 0xFFFF), count: header + blocks * 4))
        let sizes = try (0..<blocks).map { try raw.u32(header + $0 * 4) }
        return FileInode(blocksStart: blocksStart, fragment: fragment, fragmentOffset: fragmentOffset, size: size, blockSizes: sizes)
    }

    private func contents(of file: FileInode) throws -> [UInt8] {
        var bytes: [UInt8] = [], position = file.blocksStart
        for stored in file.blockSizes {
            let length = Int(stored & 0xFF_FFFF)
            guard length > 0 else {
                bytes += [UInt8](repeating: 0, count: max(0, min(blockSize, file.size - bytes.count)))
                continue
            }
            bytes += try data(at: position, length: length, compressed: stored & 0x100_0000 == 0)
            position += length
        }
        if file.fragment != 0xFFFF_FFFF {
            let entry = Bytes(try fragmentEntry(Int(file.fragment)))
            let stored = try entry.u32(8)
            let fragment = try data(at: try entry.offset(0), length: Int(stored & 0xFF_FFFF), compressed: stored & 0x100_0000 == 0)
            let tail = file.size - bytes.count
            guard tail >= 0, file.fragmentOffset + tail <= fragment.count else { throw Malformed() }
            bytes += fragment[file.fragmentOffset..<file.fragmentOffset + tail]
        }
        guard bytes.count >= file.size else { throw Malformed() }
        return Array(bytes.prefix(file.size))
    }

    /// A fragment's entry: where its block starts (u64) and its stored size (u32).
    private func fragmentEntry(_ index: Int) throws -> [UInt8] {
        let pointer = Bytes(try read(fragmentTable + index / 512 * 8, 8))
        return try metadata(table: try pointer.offset(0), block: 0, offset: index % 512 * 16, count: 16)
    }

    private func data(at offset: Int, length: Int, compressed: Bool) throws -> [UInt8] {
        guard length <= blockSize else { throw Malformed() }
        let stored = try read(offset, length)
        return compressed ? try source.inflate(stored, blockSize) : stored
    }

    /// `count` bytes of a metadata table (blocks of up to 8 KiB, each after a two-byte header:
    /// its stored size, with the top bit set when it is not compressed), starting `offset` bytes
    /// into the block that starts `block` bytes into the table. With `exact` false, fewer bytes
    /// when the table ends first.
    private func metadata(table: Int, block: Int, offset: Int, count: Int, exact: Bool = true) throws -> [UInt8] {
        var position = table + block, bytes: [UInt8] = [], skip = offset
        // Every block but the last holds 8 KiB: more blocks than that takes is a damaged image.
        var blocks = (offset + count) / 8192 + 2
        while bytes.count < count {
            blocks -= 1
            guard blocks >= 0 else { throw Malformed() }
            guard position < bytesUsed - 2 else { if exact { throw Malformed() } else { break } }
            let header = Bytes(try read(position, 2))
            let word = try header.u16(0), length = Int(word & 0x7FFF)
            guard length > 0, length <= 8192 else { throw Malformed() }
            let stored = try read(position + 2, length)
            let plain = word & 0x8000 != 0 ? stored : try source.inflate(stored, 8192)
            if skip >= plain.count { skip -= plain.count } else { bytes += plain[skip...]; skip = 0 }
            position += 2 + length
        }
        return Array(bytes.prefix(count))
    }

    private func read(_ offset: Int, _ count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= bytesUsed else { throw Malformed() }
        let bytes = try source.read(offset, count)
        guard bytes.count == count else { throw Malformed() }
        return bytes
    }
}

/// Little-endian fields of a byte array, read by offset or in order.
private struct Bytes {
    let bytes: [UInt8]
    var cursor = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - cursor }

    func u16(_ at: Int) throws -> UInt16 { UInt16(try int(at, 2)) }
    func u32(_ at: Int) throws -> UInt32 { UInt32(try int(at, 4)) }
    func u64(_ at: Int) throws -> UInt64 { try int(at, 8) }
    /// A u64 taken as an offset into the image.
    func offset(_ at: Int) throws -> Int {
        let value = try u64(at)
        guard value < 1 << 48 else { throw SquashFS.Malformed() }
        return Int(value)
    }

    mutating func next16() throws -> UInt16 { defer { cursor += 2 }; return try u16(cursor) }
    mutating func next32() throws -> UInt32 { defer { cursor += 4 }; return try u32(cursor) }
    mutating func next(_ count: Int) throws -> [UInt8] {
        guard count >= 0, cursor + count <= bytes.count else { throw SquashFS.Malformed() }
        defer { cursor += count }
        return Array(bytes[cursor..<cursor + count])
    }

    private func int(_ at: Int, _ width: Int) throws -> UInt64 {
        guard at >= 0, at + width <= bytes.count else { throw SquashFS.Malformed() }
        return (0..<width).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[at + $1]) }
    }
}
