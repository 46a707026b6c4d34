import Foundation

/// Who a partner is to the brand: its own retail stores, a retailer or operator selling its
/// products, or an eco-chain brand whose products sell through the brand's store.
public enum PartnerKind: String, Sendable, Codable, CaseIterable {
    case ownStore = "own_store"
    case retailer
    case ecoBrand = "eco_brand"
}

/// A partner organisation: every partner endpoint answers only about the caller's own.
public struct PartnerOrganisation: Hashable, Sendable {
    public let id: String
    public let name: String
    public let kind: PartnerKind
    public let createdAt: Date
    /// The store's commission on an eco-chain brand's sales, in basis points.
    public let commissionBasisPoints: Int

    public init(id: String, name: String, kind: PartnerKind, createdAt: Date, commissionBasisPoints: Int = 0) {
        self.commissionBasisPoints = commissionBasisPoints
        self.id = id
        self.name = name
        self.kind = kind
        self.createdAt = createdAt
    }
}

/// One of a partner's shops, in one market.
public struct PartnerStore: Hashable, Sendable {
    public let id: String
    public let organisationId: String
    public let name: String
    public let address: String
    public let city: String
    /// Where its customers reach it; it goes on the orders of its sales.
    public let phone: String
    public let marketCode: String
    public let createdAt: Date

    public init(id: String, organisationId: String, name: String, address: String, city: String, phone: String, marketCode: String, createdAt: Date) {
        self.phone = phone
        self.id = id
        self.organisationId = organisationId
        self.name = name
        self.address = address
        self.city = city
        self.marketCode = marketCode
        self.createdAt = createdAt
    }
}
