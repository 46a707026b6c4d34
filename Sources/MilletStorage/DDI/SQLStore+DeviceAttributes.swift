import Foundation
import MilletCore
import SQLKit

extension SQLStore: DeviceAttributeRepository {
    public func attributes(deviceId: String) async throws -> [String: String]? {
        try await read { db in
            try await db.raw("SELECT data FROM device_attributes WHERE device_id = \(bind: deviceId)").first()
                .map { try Self.attributes(from: try $0.string("data")) }
        }
    }

    public func updateAttributes(deviceId: String, mode: DeviceAttributes.Mode, data: [String: String], at: Date) async throws -> [String: String] {
        try await sqlTransaction { [backend] db in
            // The row is locked (PostgreSQL) before it is read, so two updates apply one after the other.
            let lock: SQLQueryString = backend == .postgres ? " FOR UPDATE" : ""
            let stored = try await db.raw("SELECT data FROM device_attributes WHERE device_id = \(bind: deviceId)\(lock)").first()
                .map { try Self.attributes(from: try $0.string("data")) } ?? [:]
            let result = DeviceAttributes.apply(mode, data, to: stored)
            // Keys in order, so the same attributes are stored as the same text.
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let json = String(decoding: try encoder.encode(result), as: UTF8.self)
            try await db.raw("""
                INSERT INTO device_attributes (device_id, data, updated_at) VALUES (\(bind: deviceId), \(bind: json), \(bind: at.millis))
                ON CONFLICT (device_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at
                """).run()
            return result
        }
    }

    static func attributes(from json: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
    }
}
