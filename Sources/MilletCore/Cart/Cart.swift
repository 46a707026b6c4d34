/// A fan's cart in one market: SKUs and quantities, not yet priced.
public struct Cart: Hashable, Sendable, Codable {
    public let id: String
    public let marketCode: String
    public var items: [CartItem]

    public init(id: String, marketCode: String, items: [CartItem]) {
        self.id = id
        self.marketCode = marketCode
        self.items = items
    }

    /// The most of one SKU a cart may hold; a brand selling close to cost limits bulk buyers.
    public static let maxQuantityPerSKU = 10
    /// The most distinct SKUs a cart may hold.
    public static let maxLines = 50

    /// Checks a quantity a fan asked for.
    public static func validate(quantity: Int, field: String = "quantity") throws {
        guard (1...maxQuantityPerSKU).contains(quantity) else {
            throw DomainError.invalid(field: field, "must be between 1 and \(maxQuantityPerSKU)")
        }
    }

    /// Folds another cart's items into this one (a guest cart merged at log-in), capping each
    /// SKU at ``maxQuantityPerSKU``.
    public func merging(_ other: [CartItem]) -> [CartItem] {
        var quantities: [String: Int] = [:]
        var order: [String] = []
        for item in items + other {
            if quantities[item.skuId] == nil { order.append(item.skuId) }
            quantities[item.skuId, default: 0] += item.quantity
        }
        return order.prefix(Self.maxLines).map { CartItem(skuId: $0, quantity: min(quantities[$0]!, Self.maxQuantityPerSKU)) }
    }
}

/// One SKU in a cart.
public struct CartItem: Hashable, Sendable, Codable {
    public let skuId: String
    public let quantity: Int

    public init(skuId: String, quantity: Int) {
        self.skuId = skuId
        self.quantity = quantity
    }
}
