import MilletCore
import SQLKit

extension SQLStore: CartRepository {
    public func cart(for owner: CartOwner, marketCode: String) async throws -> Cart {
        let key = Self.ownerKey(owner)
        return try await sqlTransaction { db in
            let id: String
            if let row = try await db.raw("SELECT id, market_code FROM carts WHERE owner = \(bind: key)").first() {
                id = try row.string("id")
                if try row.string("market_code") != marketCode {
                    try await db.raw("UPDATE carts SET market_code = \(bind: marketCode) WHERE id = \(bind: id)").run()
                }
            } else {
                id = Identifier.make()
                try await db.raw("INSERT INTO carts (id, owner, market_code) VALUES (\(bind: id), \(bind: key), \(bind: marketCode))").run()
            }
            let items = try await db.raw("SELECT sku_id, quantity FROM cart_items WHERE cart_id = \(bind: id) ORDER BY position")
                .all().map { CartItem(skuId: try $0.string("sku_id"), quantity: Int(try $0.int("quantity"))) }
            return Cart(id: id, marketCode: marketCode, items: items)
        }
    }

    public func setQuantity(cartId: String, skuId: String, quantity: Int) async throws {
        try await sqlTransaction { db in
            try await Self.setQuantity(db: db, cartId: cartId, skuId: skuId, quantity: quantity)
        }
    }

    public func mergeGuestCart(token: String, into accountId: String, marketCode: String) async throws {
        let guest = try await cart(for: .guest(token), marketCode: marketCode)
        guard !guest.items.isEmpty else { return }
        let mine = try await cart(for: .account(accountId), marketCode: marketCode)
        let merged = mine.merging(guest.items)
        try await sqlTransaction { db in
            for item in merged {
                try await Self.setQuantity(db: db, cartId: mine.id, skuId: item.skuId, quantity: item.quantity)
            }
            try await db.raw("DELETE FROM cart_items WHERE cart_id = \(bind: guest.id)").run()
            try await db.raw("DELETE FROM carts WHERE id = \(bind: guest.id)").run()
        }
    }

    static func setQuantity(db: any SQLDatabase, cartId: String, skuId: String, quantity: Int) async throws {
        if quantity <= 0 {
            try await db.raw("DELETE FROM cart_items WHERE cart_id = \(bind: cartId) AND sku_id = \(bind: skuId)").run()
            return
        }
        let lines = try await db.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM cart_items WHERE cart_id = \(bind: cartId) AND sku_id <> \(bind: skuId)").first()
        guard try lines!.int("n") < Int64(Cart.maxLines) else {
            throw DomainError.conflict(code: "cart_full", message: "a cart holds at most \(Cart.maxLines) different items")
        }
        try await db.raw("""
            INSERT INTO cart_items (cart_id, sku_id, quantity, position)
            VALUES (\(bind: cartId), \(bind: skuId), \(bind: Int64(quantity)),
                (SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM cart_items WHERE cart_id = \(bind: cartId)))
            ON CONFLICT (cart_id, sku_id) DO UPDATE SET quantity = excluded.quantity
            """).run()
    }

    static func ownerKey(_ owner: CartOwner) -> String {
        switch owner {
        case .account(let id): "account:\(id)"
        case .guest(let token): "guest:\(token)"
        }
    }
}
