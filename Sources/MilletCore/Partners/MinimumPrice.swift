import Foundation

/// One honest price: the least a partner may advertise or sell a SKU for in a market over a
/// period, in minor units. Where periods overlap, the highest applies.
public struct MinimumPrice: Hashable, Sendable {
    public let id: String
    public let skuId: String
    public let marketCode: String
    public let price: Int64
    public let startsAt: Date
    /// `nil`: until further notice.
    public let endsAt: Date?
    public let createdAt: Date

    public init(id: String, skuId: String, marketCode: String, price: Int64, startsAt: Date, endsAt: Date?, createdAt: Date) {
        self.id = id
        self.skuId = skuId
        self.marketCode = marketCode
        self.price = price
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdAt = createdAt
    }

    /// Whether it applies at `date`.
    public func applies(at date: Date) -> Bool { startsAt <= date && endsAt.map { date < $0 } ?? true }
}

extension [MinimumPrice] {
    /// The minimum in force at `date`: the highest of those that apply, or `nil`.
    public func minimum(at date: Date) -> Int64? { filter { $0.applies(at: date) }.map(\.price).max() }
}

/// A partner's price refused for being below the minimum, kept for staff to see.
public struct PriceRefusal: Hashable, Sendable {
    public enum Context: String, Sendable, Codable {
        /// A sale at the till.
        case sale
        /// A price the store advertises.
        case advertised
    }

    public let organisationId: String
    public let storeId: String
    public let skuId: String
    public let price: Int64
    public let minimum: Int64
    public let context: Context
    public let actor: String
    public let at: Date

    public init(organisationId: String, storeId: String, skuId: String, price: Int64, minimum: Int64, context: Context, actor: String, at: Date) {
        self.organisationId = organisationId
        self.storeId = storeId
        self.skuId = skuId
        self.price = price
        self.minimum = minimum
        self.context = context
        self.actor = actor
        self.at = at
    }
}

/// A price a partner's store advertises for a SKU.
public struct AdvertisedPrice: Hashable, Sendable {
    public let organisationId: String
    public let storeId: String
    public let skuId: String
    public let price: Int64
    public let updatedAt: Date

    public init(organisationId: String, storeId: String, skuId: String, price: Int64, updatedAt: Date) {
        self.organisationId = organisationId
        self.storeId = storeId
        self.skuId = skuId
        self.price = price
        self.updatedAt = updatedAt
    }
}
