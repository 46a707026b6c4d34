import MilletCore
import SQLKit

extension SQLStore {
    /// A setting the server keeps for itself, or `nil`.
    public func setting(_ name: String) async throws -> String? {
        try await read { db in try await db.raw("SELECT value FROM settings WHERE name = \(bind: name)").first()?.string("value") }
    }

    /// Keeps `value` under `name` unless a value is there already; answers the value that stands,
    /// so two nodes starting at once agree on one.
    public func keepSetting(_ name: String, _ value: String) async throws -> String {
        try await sqlTransaction { db in
            try await db.raw("INSERT INTO settings (name, value) VALUES (\(bind: name), \(bind: value)) ON CONFLICT (name) DO NOTHING").run()
            return try await db.raw("SELECT value FROM settings WHERE name = \(bind: name)").first()!.string("value")
        }
    }
}
