import MilletCore
import SQLKit

extension SQLStore: CatalogRepository {
    public func save(_ product: Product) async throws {
        try await sqlTransaction { db in try await Self.save(db: db, product) }
    }

    /// Creates or replaces a product with its texts and SKUs inside the caller's transaction.
    static func save(db: any SQLDatabase, _ product: Product) async throws {
            try await db.raw("""
                INSERT INTO products (id, slug, published, image_path, brand_id)
                VALUES (\(bind: product.id), \(bind: product.slug), \(bind: Int64(product.published ? 1 : 0)), \(bind: product.imagePath), \(bind: product.brandId))
                ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, published = excluded.published,
                    image_path = excluded.image_path
                """).run()
            try await db.raw("DELETE FROM product_texts WHERE product_id = \(bind: product.id)").run()
            for (language, text) in product.texts.sorted(by: { $0.key < $1.key }) {
                try await db.raw("""
                    INSERT INTO product_texts (product_id, language, name, description)
                    VALUES (\(bind: product.id), \(bind: language), \(bind: text.name), \(bind: text.description))
                    """).run()
            }
            for (position, sku) in product.skus.enumerated() {
                try await db.raw("""
                    INSERT INTO skus (id, product_id, code, colour, storage, position, weight_grams)
                    VALUES (\(bind: sku.id), \(bind: product.id), \(bind: sku.code), \(bind: sku.colour),
                        \(bind: sku.storage), \(bind: Int64(position)), \(bind: Int64(sku.weightGrams)))
                    ON CONFLICT (id) DO UPDATE SET code = excluded.code, colour = excluded.colour,
                        storage = excluded.storage, position = excluded.position, weight_grams = excluded.weight_grams
                    """).run()
            }
    }

    public func product(id: String) async throws -> Product? {
        try await read { db in
            guard let row = try await db.raw("SELECT * FROM products WHERE id = \(bind: id)").first() else { return nil }
            return try await Self.product(from: row, db: db)
        }
    }

    public func product(slug: String) async throws -> Product? {
        try await read { db in
            guard let row = try await db.raw("SELECT * FROM products WHERE slug = \(bind: slug)").first() else { return nil }
            return try await Self.product(from: row, db: db)
        }
    }

    public func products(includeUnpublished: Bool, offset: Int, limit: Int) async throws -> [Product] {
        try await read { db in
            let rows = try await db.raw("""
                SELECT * FROM products WHERE published = 1 OR \(bind: Int64(includeUnpublished ? 1 : 0)) = 1
                ORDER BY slug LIMIT \(bind: Int64(limit)) OFFSET \(bind: Int64(offset))
                """).all()
            var products: [Product] = []
            for row in rows { products.append(try await Self.product(from: row, db: db)) }
            return products
        }
    }

    public func setPublished(productId: String, _ published: Bool) async throws {
        try await read { db in
            try await db.raw("UPDATE products SET published = \(bind: Int64(published ? 1 : 0)) WHERE id = \(bind: productId)").run()
        }
    }

    public func sku(id: String) async throws -> SKU? {
        try await read { db in
            try await db.raw("SELECT * FROM skus WHERE id = \(bind: id)").first().map(Self.sku(from:))
        }
    }

    public func setPrice(_ price: SKUPrice) async throws {
        try await read { db in try await Self.setPrice(db: db, price) }
    }

    /// Creates or replaces a SKU's price inside the caller's transaction.
    static func setPrice(db: any SQLDatabase, _ price: SKUPrice) async throws {
            try await db.raw("""
                INSERT INTO sku_prices (sku_id, market_code, price_minor, bom_minor, logistics_minor, duty_minor)
                VALUES (\(bind: price.skuId), \(bind: price.marketCode), \(bind: price.shelfPrice),
                    \(bind: price.cost.billOfMaterials), \(bind: price.cost.logistics), \(bind: price.cost.duty))
                ON CONFLICT (sku_id, market_code) DO UPDATE SET price_minor = excluded.price_minor,
                    bom_minor = excluded.bom_minor, logistics_minor = excluded.logistics_minor, duty_minor = excluded.duty_minor
                """).run()
    }

    public func price(skuId: String, marketCode: String) async throws -> SKUPrice? {
        try await read { db in
            try await db.raw("SELECT * FROM sku_prices WHERE sku_id = \(bind: skuId) AND market_code = \(bind: marketCode)")
                .first().map(Self.price(from:))
        }
    }

    public func prices(productId: String, marketCode: String) async throws -> [SKUPrice] {
        try await read { db in
            try await db.raw("""
                SELECT p.* FROM sku_prices p JOIN skus s ON s.id = p.sku_id
                WHERE s.product_id = \(bind: productId) AND p.market_code = \(bind: marketCode) ORDER BY s.position
                """).all().map(Self.price(from:))
        }
    }

    static func product(from row: any SQLRow, db: any SQLDatabase) async throws -> Product {
        let id = try row.string("id")
        var texts: [String: ProductText] = [:]
        for text in try await db.raw("SELECT * FROM product_texts WHERE product_id = \(bind: id)").all() {
            texts[try text.string("language")] = ProductText(name: try text.string("name"), description: try text.string("description"))
        }
        let skus = try await db.raw("SELECT * FROM skus WHERE product_id = \(bind: id) ORDER BY position").all().map(sku(from:))
        return Product(
            id: id, slug: try row.string("slug"), published: try row.bool("published"),
            imagePath: try row.string("image_path"), texts: texts, skus: skus, brandId: try row.optionalString("brand_id"))
    }

    static func sku(from row: any SQLRow) throws -> SKU {
        SKU(id: try row.string("id"), productId: try row.string("product_id"), code: try row.string("code"),
            colour: try row.string("colour"), storage: try row.string("storage"), weightGrams: Int(try row.int("weight_grams")))
    }

    static func price(from row: any SQLRow) throws -> SKUPrice {
        SKUPrice(
            skuId: try row.string("sku_id"), marketCode: try row.string("market_code"), shelfPrice: try row.int("price_minor"),
            cost: CostBasis(billOfMaterials: try row.int("bom_minor"), logistics: try row.int("logistics_minor"), duty: try row.int("duty_minor")))
    }
}
