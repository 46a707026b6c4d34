import Foundation

/// What a device's update agent says of itself through hawkBit's `configData` (hardware
/// revision, MAC address, ...): names and values, both text.
public enum DeviceAttributes {
    /// How new attributes meet the stored ones.
    public enum Mode: String, Sendable, CaseIterable {
        /// Added, a name already stored taking the new value (hawkBit's default).
        case merge
        /// Instead of every stored one.
        case replace
        /// The names given are dropped.
        case remove
    }

    /// `invalid` unless there are at most 100 names of 1 to 128 characters with values of at
    /// most 512, no control or text-direction characters in either.
    public static func validate(_ data: [String: String]) throws {
        var check = Validator()
        check.require(data.count <= 100, "data", "must hold at most 100 attributes")
        check.require(data.allSatisfy { (1...128).contains($0.key.count) && $0.value.count <= 512 }, "data",
                      "names must be 1 to 128 characters and values at most 512")
        check.require(data.allSatisfy { !($0.key + $0.value).unicodeScalars.contains(where: Validator.isHidden) }, "data",
                      "must not contain control or text-direction characters")
        try check.check()
    }

    /// The attributes after `data` arrives in `mode` on `stored`.
    public static func apply(_ mode: Mode, _ data: [String: String], to stored: [String: String]) -> [String: String] {
        switch mode {
        case .merge: stored.merging(data) { $1 }
        case .replace: data
        case .remove: stored.filter { data[$0.key] == nil }
        }
    }
}

/// Where devices' attributes are kept.
public protocol DeviceAttributeRepository: Sendable {
    /// The device's attributes; `nil` when its agent never sent any.
    func attributes(deviceId: String) async throws -> [String: String]?
    /// Applies `data` in `mode` to the stored attributes in one transaction; answers the result.
    func updateAttributes(deviceId: String, mode: DeviceAttributes.Mode, data: [String: String], at: Date) async throws -> [String: String]
}
