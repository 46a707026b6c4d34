import Foundation

/// What a firmware image says of itself: a SWUpdate image (a CPIO archive whose first entry is
/// `sw-description`) gives its version and compatible hardware, read from its first bytes, when
/// its description is JSON; a RAUC bundle (a SquashFS image, its signature appended) gives the
/// version and compatible string of its `manifest.raucm`, read where the image holds it.
public struct ImageDescription: Equatable, Sendable {
    public enum Format: String, Sendable {
        case swupdate, rauc, raw
    }

    public let format: Format
    /// `software.version` of a JSON `sw-description`; `version` of a RAUC manifest's `[update]`.
    public let version: String?
    /// `software.hardware-compatibility` of a JSON `sw-description`; a RAUC manifest's one
    /// `compatible` string.
    public let hardwareCompatibility: [String]

    public init(format: Format, version: String? = nil, hardwareCompatibility: [String] = []) {
        self.format = format
        self.version = version
        self.hardwareCompatibility = hardwareCompatibility
    }

    /// The extension update agents look for in an artifact's name: SWUpdate takes only `.swu`.
    public var fileExtension: String {
        switch format {
        case .swupdate: "swu"
        case .rauc: "raucb"
        case .raw: "bin"
        }
    }

    /// How many of an image's first bytes ``read(_:)`` needs at most.
    public static let prefixLength = 1 << 20

    /// An image's bytes at any offset, for the formats whose facts are not at the start.
    public struct Source {
        /// `count` bytes at `offset`, fewer only at the end of the image.
        public let read: (_ offset: Int, _ count: Int) throws -> [UInt8]
        /// A zlib stream inflated, to at most `limit` bytes.
        public let inflate: (_ compressed: [UInt8], _ limit: Int) throws -> [UInt8]

        public init(read: @escaping (Int, Int) throws -> [UInt8], inflate: @escaping ([UInt8], Int) throws -> [UInt8]) {
            self.read = read
            self.inflate = inflate
        }
    }

    /// Reads an image's first bytes (up to ``prefixLength``) and, for a RAUC bundle, the
    /// manifest from `source`; what cannot be read is left out.
    public static func read(_ bytes: [UInt8], source: Source? = nil) -> ImageDescription {
        if bytes.starts(with: Array("hsqs".utf8)) {
            guard let source, let squashFS = try? SquashFS(source), let manifest = try? squashFS.file(named: "manifest.raucm", limit: 1 << 16) else {
                return ImageDescription(format: .rauc)
            }
            let update = raucUpdateSection(String(decoding: manifest, as: UTF8.self))
            return ImageDescription(format: .rauc, version: update["version"], hardwareCompatibility: update["compatible"].map { [$0] } ?? [])
        }
        guard bytes.starts(with: Array("070701".utf8)) || bytes.starts(with: Array("070702".utf8)) else { return ImageDescription(format: .raw) }
        // A CPIO "newc" header: 110 ASCII bytes, the file size at 54 and the name's at 94, both 8 hex digits.
        func field(_ offset: Int) -> Int? {
            guard bytes.count >= offset + 8 else { return nil }
            return Int(String(decoding: bytes[offset..<offset + 8], as: UTF8.self), radix: 16)
        }
        guard let size = field(54), let nameSize = field(94), nameSize > 0, bytes.count >= 110 + nameSize else {
            return ImageDescription(format: .swupdate)
        }
        let name = String(decoding: bytes[110..<110 + nameSize - 1], as: UTF8.self)
        let start = (110 + nameSize + 3) / 4 * 4
        guard name == "sw-description", bytes.count >= start + size,
              let description = try? JSONSerialization.jsonObject(with: Data(bytes[start..<start + size])) as? [String: Any],
              let software = description["software"] as? [String: Any]
        else { return ImageDescription(format: .swupdate) }
        return ImageDescription(
            format: .swupdate, version: software["version"] as? String,
            hardwareCompatibility: (software["hardware-compatibility"] as? [Any])?.compactMap { $0 as? String } ?? [])
    }

    /// The keys of a RAUC manifest's `[update]` section (a GLib key file: `#` comments, no quoting).
    static func raucUpdateSection(_ text: String) -> [String: String] {
        var section = "", keys: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
            } else if section == "update", !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") {
                let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { keys[line[..<equals].trimmingCharacters(in: .whitespaces)] = String(value.prefix(128)) }
            }
        }
        return keys
    }
}
