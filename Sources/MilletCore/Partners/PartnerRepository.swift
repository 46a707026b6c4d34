import Foundation

/// Partner organisations, their stores, keys and allocations as stored.
public protocol PartnerRepository: Sendable {
    func organisation(id: String) async throws -> PartnerOrganisation?
    /// Every organisation, by name.
    func organisations() async throws -> [PartnerOrganisation]
    func store(id: String) async throws -> PartnerStore?
    /// An organisation's stores, by name.
    func stores(organisationId: String) async throws -> [PartnerStore]
    func key(id: String) async throws -> PartnerKey?
    /// An organisation's keys, newest first.
    func keys(organisationId: String) async throws -> [PartnerKey]
    func allocation(id: String) async throws -> Allocation?
    /// Allocations of an organisation (every one when `nil`), latest week first.
    func allocations(organisationId: String?) async throws -> [Allocation]
    /// An allocation's moves, oldest first.
    func moves(allocationId: String) async throws -> [AllocationMove]
    /// Minimum prices of a SKU in a market (of every SKU and market when both are `nil`), latest start first.
    func minimumPrices(skuId: String?, marketCode: String?) async throws -> [MinimumPrice]
    /// Prices refused for being below the minimum, of an organisation (every one when `nil`), newest first.
    func priceRefusals(organisationId: String?) async throws -> [PriceRefusal]
    /// The prices an organisation's stores advertise.
    func advertisedPrices(organisationId: String) async throws -> [AdvertisedPrice]
    /// Daily sell-through reports from `since` (`2026-11-08`) on, of an organisation (every one when `nil`).
    func sellThroughDays(organisationId: String?, since: String) async throws -> [SellThroughDay]
    /// The account's membership of a partner, if any.
    func member(accountId: String) async throws -> PartnerMember?
    /// An organisation's members, managers first.
    func members(organisationId: String) async throws -> [PartnerMember]
    /// The review of a brand's product, if it was submitted.
    func review(productId: String) async throws -> ProductReview?
    /// Reviews of a brand's products (every brand's when `nil`), of one status when given; waiting ones oldest first, others newest first.
    func reviews(organisationId: String?, status: ProductReview.Status?) async throws -> [ProductReview]
    /// Orders with the brand's units paid, or refunded, from `from` up to `to`, oldest first (sales
    /// at partners' tills are not the store's to settle; refunds of late payments take nothing back).
    func settlementOrders(brandId: String, from: Date, to: Date) async throws -> [SettlementOrder]
    func storeSale(id: String) async throws -> StoreSale?
    /// An organisation's store sales, newest first.
    func storeSales(organisationId: String) async throws -> [StoreSale]
}

/// Partner writes inside a ``Transaction``.
public protocol PartnerLedger: Sendable {
    func insert(_ organisation: PartnerOrganisation) async throws
    func insert(_ store: PartnerStore) async throws
    func insert(_ key: PartnerKey) async throws
    /// Revokes the organisation's key; `false` when it has no such key not revoked yet.
    func revokeKey(id: String, organisationId: String, at: Date) async throws -> Bool
    /// Moves `units` of a SKU out of a warehouse's stock into the store's allocation for the week
    /// (made on the first move), and records the move: `conflict(not_enough_stock)` unless the
    /// warehouse has them available to sell, decided by the statement that takes them, so online
    /// stock and every allocation together never pass what is on hand.
    func allocate(_ allocation: Allocation, units: Int64, actor: String, at: Date) async throws -> Allocation
    /// Sends `units` of an allocation not sold back to its warehouse's stock, and records the
    /// move: `conflict(not_enough_allocated)` unless the store has them.
    func returnToWarehouse(allocationId: String, units: Int64, actor: String, at: Date) async throws -> Allocation
    /// Stores daily sell-through reports, each replacing what its store said of that SKU and day before.
    func report(_ days: [SellThroughDay]) async throws
    /// Adds a member, or changes the role of one of the same organisation.
    func insert(_ member: PartnerMember) async throws
    /// `false` when the account is not the organisation's member.
    func removeMember(organisationId: String, accountId: String) async throws -> Bool
    /// Stores a brand's product unpublished, with its SKUs, prices and review.
    func submit(_ product: Product, prices: [SKUPrice], review: ProductReview) async throws
    /// Stores a decision, publishing the product when approved.
    func decide(_ review: ProductReview) async throws
    func setCommission(organisationId: String, basisPoints: Int) async throws
    func insert(_ minimum: MinimumPrice) async throws
    /// Ends a minimum at `at` when it runs past it; `nil` for an unknown one or one ended before.
    func endMinimum(id: String, at: Date) async throws -> MinimumPrice?
    /// Keeps a refused price for staff.
    func log(_ refusal: PriceRefusal) async throws
    /// Stores what a store advertises a SKU for, replacing what it advertised before.
    func advertise(_ price: AdvertisedPrice) async throws
    /// The sale the organisation recorded with this idempotency key, if any;
    /// `idempotency_key_reused` when another request (`requestHash`) recorded it.
    func storeSale(organisationId: String, idempotencyKey: String, requestHash: String) async throws -> StoreSale?
    /// Records a store sale: draws its units from the store's allocations of the SKU, oldest week
    /// first (`conflict(not_enough_allocated)` when they have fewer left), stores the buyer's
    /// account when new, the buyer's completed order and each serial's sale with its warranty
    /// from the day of sale (`conflict(serial_sold)` for a serial sold before), and the sale.
    func record(_ record: StoreSaleRecord) async throws
    /// Takes a store sale's units back (see ``PartnerDesk/returnSale(id:serials:reason:for:)``)
    /// and answers the sale as it is now.
    func returnUnits(_ units: StoreSaleReturn) async throws -> StoreSale
}
