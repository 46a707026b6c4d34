import Foundation
import MilletCore
import SQLKit

extension SQLStore {
    public func options(productId: String) async throws -> ProductOptions {
        try await read { db in
            let json = try await db.raw("SELECT options FROM product_options WHERE product_id = \(bind: productId)").first()?.string("options")
            return ProductOptions(productId: productId, options: try json.map { try OptionsJSON.decode([ProductOption].self, $0) } ?? [])
        }
    }

    public func setOptions(_ options: ProductOptions) async throws {
        let json = try OptionsJSON.encode(options.options)
        try await read { db in
            try await db.raw("""
                INSERT INTO product_options (product_id, options) VALUES (\(bind: options.productId), \(bind: json))
                ON CONFLICT (product_id) DO UPDATE SET options = excluded.options
                """).run()
        }
    }
}

/// Options as stored: JSON text with sorted keys, the same on both databases.
enum OptionsJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    /// The options a stored row's `options` column holds.
    static func chosen(_ row: any SQLRow) throws -> [ChosenOption] {
        try decode([ChosenOption].self, try row.string("options"))
    }
}
