import Foundation

/// A CPIO archive in the "newc" format, as SWUpdate images are built: `(name, bytes)` entries in
/// order, then the trailer. Tests make SWUpdate images with it.
public enum CPIOArchive {
    public static func newc(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (number, (name, data)) in (entries + [("TRAILER!!!", [])]).enumerated() {
            let encoded = Array(name.utf8) + [0]
            // inode, mode, uid, gid, links, mtime, size, dev major and minor, rdev major and minor, name size, check
            let fields = [number + 1, 0o100644, 0, 0, 1, 0, data.count, 0, 0, 0, 0, encoded.count, 0]
            out += Array("070701".utf8) + fields.flatMap { Array(String(format: "%08X", $0).utf8) }
            out += encoded
            out += [UInt8](repeating: 0, count: (4 - out.count % 4) % 4)
            out += data
            out += [UInt8](repeating: 0, count: (4 - out.count % 4) % 4)
        }
        return out
    }
}
