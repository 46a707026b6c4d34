import Foundation
import Hummingbird
import MilletCore

struct OrganisationDTO: ResponseEncodable, Sendable {
    let id, name, kind: String
    let createdAt: Date
    /// The store's commission on an eco-chain brand's sales, in basis points.
    let commissionBasisPoints: Int

    init(_ organisation: PartnerOrganisation) {
        commissionBasisPoints = organisation.commissionBasisPoints
        id = organisation.id
        name = organisation.name
        kind = organisation.kind.rawValue
        createdAt = organisation.createdAt
    }
}

struct OrganisationList: ResponseEncodable, Sendable {
    let items: [OrganisationDTO]
}

struct PartnerStoreDTO: ResponseEncodable, Sendable {
    let id, organisationId, name, address, city, phone, market: String
    let createdAt: Date

    init(_ store: PartnerStore) {
        id = store.id
        organisationId = store.organisationId
        name = store.name
        address = store.address
        city = store.city
        phone = store.phone
        market = store.marketCode
        createdAt = store.createdAt
    }
}

struct PartnerStoreList: ResponseEncodable, Sendable {
    let items: [PartnerStoreDTO]
}

/// A key without its secret.
struct PartnerKeyDTO: ResponseEncodable, Sendable {
    let id, name: String
    let scopes: [String]
    let createdAt: Date
    let revokedAt: Date?

    init(_ key: PartnerKey) {
        id = key.id
        name = key.name
        scopes = key.scopes.map(\.rawValue).sorted()
        createdAt = key.createdAt
        revokedAt = key.revokedAt
    }
}

/// A key just issued: its token, shown this once.
struct IssuedKeyDTO: ResponseEncodable, Sendable {
    let key: PartnerKeyDTO
    let token: String
}

struct AllocationDTO: ResponseEncodable, Sendable {
    let id, organisationId, storeId, skuId, week, warehouseId: String
    let units, sold, returned, remaining: Int64

    init(_ allocation: Allocation) {
        id = allocation.id
        organisationId = allocation.organisationId
        storeId = allocation.storeId
        skuId = allocation.skuId
        week = allocation.week
        warehouseId = allocation.warehouseId
        units = allocation.units
        sold = allocation.sold
        returned = allocation.returned
        remaining = allocation.remaining
    }
}

struct AllocationList: ResponseEncodable, Sendable {
    let items: [AllocationDTO]
}

struct AllocationMoveDTO: Encodable, Sendable {
    let kind, actor: String
    let units: Int64
    let at: Date

    init(_ move: AllocationMove, seenByPartner: Bool = false) {
        kind = move.kind.rawValue
        actor = seenByPartner && move.actor.hasPrefix("staff:") ? "brand" : move.actor
        units = move.units
        at = move.at
    }
}

struct AllocationDetailDTO: ResponseEncodable, Sendable {
    let allocation: AllocationDTO
    let moves: [AllocationMoveDTO]
}

struct OrganisationDetailDTO: ResponseEncodable, Sendable {
    let organisation: OrganisationDTO
    let stores: [PartnerStoreDTO]
    let keys: [PartnerKeyDTO]
    let members: [PartnerMemberDTO]
    let allocations: [AllocationDTO]
}

struct PartnerSelfDTO: ResponseEncodable, Sendable {
    let organisation: OrganisationDTO
    let scopes: [String]
}

/// A sale at a partner's store: the buyer's order and the serials now under warranty.
struct StoreSaleDTO: ResponseEncodable, Sendable {
    let id, storeId, skuId, orderId, currency: String
    let serials: [String]
    /// The units its buyer brought back to the store.
    let returnedSerials: [String]
    let unitPrice: Int64
    let soldAt: Date

    init(_ sale: StoreSale) {
        returnedSerials = sale.returnedSerials
        id = sale.id
        storeId = sale.storeId
        skuId = sale.skuId
        orderId = sale.orderId
        currency = sale.currency
        serials = sale.serials
        unitPrice = sale.unitPrice
        soldAt = sale.soldAt
    }
}

struct StoreSaleList: ResponseEncodable, Sendable {
    let items: [StoreSaleDTO]
}

struct MinimumPriceDTO: ResponseEncodable, Sendable {
    let id, skuId, market: String
    let price: Int64
    let startsAt: Date
    let endsAt: Date?

    init(_ minimum: MinimumPrice) {
        id = minimum.id
        skuId = minimum.skuId
        market = minimum.marketCode
        price = minimum.price
        startsAt = minimum.startsAt
        endsAt = minimum.endsAt
    }
}

struct MinimumPriceList: ResponseEncodable, Sendable {
    let items: [MinimumPriceDTO]
}

struct PriceRefusalDTO: ResponseEncodable, Sendable {
    let organisationId, storeId, skuId, context, actor: String
    let price, minimum: Int64
    let at: Date

    init(_ refusal: PriceRefusal) {
        organisationId = refusal.organisationId
        storeId = refusal.storeId
        skuId = refusal.skuId
        context = refusal.context.rawValue
        actor = refusal.actor
        price = refusal.price
        minimum = refusal.minimum
        at = refusal.at
    }
}

struct PriceRefusalList: ResponseEncodable, Sendable {
    let items: [PriceRefusalDTO]
}

struct AdvertisedPriceDTO: ResponseEncodable, Sendable {
    let storeId, skuId: String
    let price: Int64
    let updatedAt: Date

    init(_ price: AdvertisedPrice) {
        storeId = price.storeId
        skuId = price.skuId
        self.price = price.price
        updatedAt = price.updatedAt
    }
}

struct AdvertisedPriceList: ResponseEncodable, Sendable {
    let items: [AdvertisedPriceDTO]
}

struct SellThroughReceipt: ResponseEncodable, Sendable {
    /// Lines stored (a day sent twice counts once).
    let lines: Int
}

struct SellThroughLineDTO: Encodable, Sendable {
    let storeId, skuId, latestDay: String
    let sold, returned, onHand: Int64
    let weeklyRate: Double
    let weeksOfCover: Double?
    let sellThroughPercent: Double
    let lowCover: Bool

    init(_ line: SellThroughLine) {
        storeId = line.storeId
        skuId = line.skuId
        latestDay = line.latestDay
        sold = line.sold
        returned = line.returned
        onHand = line.onHand
        weeklyRate = (line.weeklyRate * 10).rounded() / 10
        weeksOfCover = line.weeksOfCover.map { ($0 * 10).rounded() / 10 }
        sellThroughPercent = (line.sellThroughPercent * 10).rounded() / 10
        lowCover = line.lowCover
    }
}

struct SellThroughReportDTO: ResponseEncodable, Sendable {
    struct Day: Encodable, Sendable {
        let day: String
        let sold: Int64
    }

    let days: Int
    let lines: [SellThroughLineDTO]
    let daily: [Day]
}

struct PartnerMemberDTO: ResponseEncodable, Sendable {
    let accountId, email, role: String
    let addedAt: Date

    init(member: PartnerMember, email: String) {
        accountId = member.accountId
        self.email = email
        role = member.role.rawValue
        addedAt = member.addedAt
    }
}

struct ReviewDTO: ResponseEncodable, Sendable {
    let productId, organisationId, status, note: String
    let submittedAt: Date
    let decidedAt: Date?

    init(_ review: ProductReview) {
        productId = review.productId
        organisationId = review.organisationId
        status = review.status.rawValue
        note = review.note
        submittedAt = review.submittedAt
        decidedAt = review.decidedAt
    }
}

/// An eco-chain brand's product with its review.
struct BrandProductDTO: ResponseEncodable, Sendable {
    struct Variant: Encodable, Sendable {
        let id, code, colour, storage: String
    }

    let id, slug, name: String
    let published: Bool
    let skus: [Variant]
    let review: ReviewDTO

    init(_ product: Product, _ review: ProductReview) {
        id = product.id
        slug = product.slug
        name = product.text(in: "en").name
        published = product.published
        skus = product.skus.map { Variant(id: $0.id, code: $0.code, colour: $0.colour, storage: $0.storage) }
        self.review = ReviewDTO(review)
    }
}

struct BrandProductList: ResponseEncodable, Sendable {
    let items: [BrandProductDTO]
}

/// A brand's settlement statement: per currency, and per order.
struct SettlementDTO: ResponseEncodable, Sendable {
    struct Total: Encodable, Sendable {
        let currency: String
        let sales, commission, clawback, commissionReturned, payable: Int64
    }

    struct Line: Encodable, Sendable {
        let orderId, number, currency: String
        let paidAt: Date
        let sales, refunded, clawback: Int64
    }

    let organisationId: String
    let from, to: Date
    let commissionBasisPoints: Int
    let totals: [Total]
    let orders: [Line]

    init(_ statement: SettlementStatement) {
        organisationId = statement.organisationId
        from = statement.from
        to = statement.to
        commissionBasisPoints = statement.commissionBasisPoints
        totals = statement.totals.map { Total(currency: $0.currency, sales: $0.sales, commission: $0.commission, clawback: $0.clawback,
                                              commissionReturned: $0.commissionReturned, payable: $0.payable) }
        orders = statement.orders.map { Line(orderId: $0.orderId, number: $0.number, currency: $0.currency, paidAt: $0.placedAt,
                                             sales: statement.net[$0.orderId]?.sales ?? 0, refunded: $0.refunded,
                                             clawback: statement.net[$0.orderId]?.clawback ?? 0) }
    }
}
