import Foundation

/// What a firmware image says of itself, read from its first bytes: a SWUpdate image (a CPIO
/// archive whose first entry is `sw-description`) gives its version and compatible hardware when
/// its description is JSON; a RAUC bundle (a SquashFS image) is known by its magic only.
public struct ImageDescription: Equatable, Sendable {
    public enum Format: String, Sendable {
        case swupdate, rauc, raw
    }

    public let format: Format
    /// `software.version` of a JSON `sw-description`.
    public let version: String?
    /// `software.hardware-compatibility` of a JSON `sw-description`.
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

    /// Reads an image's first bytes (up to ``prefixLength``).
    public static func read(_ bytes: [UInt8]) -> ImageDescription {
        if bytes.starts(with: Array("hsqs".utf8)) { return ImageDescription(format: .rauc) }
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
}
