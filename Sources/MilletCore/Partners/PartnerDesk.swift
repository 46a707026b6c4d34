import Foundation

/// Partners: staff set up organisations with stores and API keys, and allocate units from the
/// brand's warehouses to their stores; a partner's key reads only its own organisation. Every
/// write is one transaction.
public struct PartnerDesk: Sendable {
    let store: any UnitOfWork
    let partners: any PartnerRepository
    let catalog: any CatalogRepository
    private let inventory: any InventoryRepository
    let markets: any MarketRepository
    let accounts: any AccountRepository
    /// The store's margin cap, which brands' prices are held to as the brand's own are.
    let pricing: PricingPolicy
    private let hasher: any PasswordHasher
    let clock: any MilletClock

    public init(store: any UnitOfWork, partners: any PartnerRepository, catalog: any CatalogRepository, inventory: any InventoryRepository,
                markets: any MarketRepository, accounts: any AccountRepository, hasher: any PasswordHasher, clock: any MilletClock,
                pricing: PricingPolicy = PricingPolicy()) {
        self.pricing = pricing
        self.accounts = accounts
        self.hasher = hasher
        self.store = store
        self.partners = partners
        self.catalog = catalog
        self.inventory = inventory
        self.markets = markets
        self.clock = clock
    }

    // MARK: Staff

    /// A new partner organisation.
    public func createOrganisation(name: String, kind: PartnerKind) async throws -> PartnerOrganisation {
        var check = Validator()
        check.requireLength(name.trimmed, 1...100, "name", "1 to 100 characters")
        check.requireSingleLine(name, "name")
        try check.check()
        let organisation = PartnerOrganisation(id: Identifier.make(), name: name.trimmed, kind: kind, createdAt: clock.now())
        try await store.transaction { tx in try await tx.insert(organisation) }
        return organisation
    }

    /// The organisation, or `not_found`.
    public func organisation(id: String) async throws -> PartnerOrganisation {
        guard Identifier.isWellFormed(id), let organisation = try await partners.organisation(id: id) else { throw DomainError.notFound(what: "partner") }
        return organisation
    }

    public func organisations() async throws -> [PartnerOrganisation] { try await partners.organisations() }

    /// A store of the organisation in a market.
    public func addStore(organisationId: String, name: String, address: String, city: String, phone: String, marketCode: String) async throws -> PartnerStore {
        let organisation = try await organisation(id: organisationId)
        let market = try await markets.requireMarket(marketCode)
        var check = Validator()
        for (field, value, limit) in [("name", name, 100), ("address", address, 200), ("city", city, 100)] {
            check.requireLength(value.trimmed, 1...limit, field, "1 to \(limit) characters")
            check.requireSingleLine(value, field)
        }
        let digits = phone.filter(\.isNumber).count
        check.require((6...20).contains(digits) && !phone.contains(where: \.isNewline), "phone", "6 to 20 digits")
        try check.check()
        let partnerStore = PartnerStore(id: Identifier.make(), organisationId: organisation.id, name: name.trimmed, address: address.trimmed,
                                        city: city.trimmed, phone: phone.trimmed, marketCode: market.code, createdAt: clock.now())
        try await store.transaction { tx in try await tx.insert(partnerStore) }
        return partnerStore
    }

    /// Issues a key with `scopes`: the token is answered this once; only its hash is kept.
    public func issueKey(organisationId: String, name: String, scopes: Set<PartnerScope>) async throws -> (key: PartnerKey, token: String) {
        let organisation = try await organisation(id: organisationId)
        var check = Validator()
        check.requireLength(name.trimmed, 1...100, "name", "1 to 100 characters")
        check.requireSingleLine(name, "name")
        check.require(!scopes.isEmpty, "scopes", "at least one of \(PartnerScope.allCases.map(\.rawValue).joined(separator: ", "))")
        try check.check()
        let id = Identifier.make(), issued = PartnerKey.issue(id: id)
        let key = PartnerKey(id: id, organisationId: organisation.id, name: name.trimmed, scopes: scopes, secretHash: issued.secretHash,
                             createdAt: clock.now(), revokedAt: nil)
        try await store.transaction { tx in try await tx.insert(key) }
        return (key, issued.token)
    }

    /// Revokes a key of the organisation at once; `not_found` for another's or one revoked before.
    public func revokeKey(organisationId: String, keyId: String) async throws {
        let now = clock.now()
        guard Identifier.isWellFormed(keyId), try await store.transaction({ tx in try await tx.revokeKey(id: keyId, organisationId: organisationId, at: now) })
        else { throw DomainError.notFound(what: "key") }
    }

    /// Any partner's store, for staff.
    public func allStores(id: String) async throws -> PartnerStore? {
        guard Identifier.isWellFormed(id) else { return nil }
        return try await partners.store(id: id)
    }

    /// The organisation's stores and keys (without secrets).
    public func stores(organisationId: String) async throws -> [PartnerStore] { try await partners.stores(organisationId: organisationId) }
    public func keys(organisationId: String) async throws -> [PartnerKey] { try await partners.keys(organisationId: organisationId) }

    /// Allocations of an organisation, or of every one.
    public func allocations(organisationId: String?) async throws -> [Allocation] { try await partners.allocations(organisationId: organisationId) }

    /// Allocates `units` of a SKU from a warehouse of the store's market to the store for a week,
    /// in one transaction; `conflict(not_enough_stock)` when the warehouse has fewer available.
    public func allocate(storeId: String, skuId: String, week: String, warehouseId: String, units: Int64, by staff: Account) async throws -> Allocation {
        guard Identifier.isWellFormed(storeId), let partnerStore = try await partners.store(id: storeId) else { throw DomainError.notFound(what: "store") }
        var check = Validator()
        check.require((1...100_000).contains(units), "units", "1 to 100000")
        check.require(Allocation.isWeek(week), "week", "an ISO week such as \(Allocation.week(of: clock.now()))")
        check.require(Identifier.isWellFormed(skuId), "skuId", "unknown SKU")
        try check.check()
        guard try await catalog.sku(id: skuId) != nil else { throw DomainError.invalid(field: "skuId", "unknown SKU") }
        guard try await inventory.warehouses(marketCode: partnerStore.marketCode).contains(where: { $0.id == warehouseId }) else {
            throw DomainError.invalid(field: "warehouseId", "not a warehouse of \(partnerStore.marketCode)")
        }
        let allocation = Allocation(id: Identifier.make(), organisationId: partnerStore.organisationId, storeId: partnerStore.id, skuId: skuId, week: week,
                                    warehouseId: warehouseId, units: 0, sold: 0, returned: 0)
        let now = clock.now()
        return try await store.transaction { tx in try await tx.allocate(allocation, units: units, actor: "staff:\(staff.id)", at: now) }
    }

    /// Sends units of an allocation back to its warehouse, in one transaction.
    public func returnUnits(allocationId: String, units: Int64, by staff: Account) async throws -> Allocation {
        guard (1...100_000).contains(units) else { throw DomainError.invalid(field: "units", "1 to 100000") }
        guard Identifier.isWellFormed(allocationId), try await partners.allocation(id: allocationId) != nil else { throw DomainError.notFound(what: "allocation") }
        let now = clock.now()
        return try await store.transaction { tx in try await tx.returnToWarehouse(allocationId: allocationId, units: units, actor: "staff:\(staff.id)", at: now) }
    }

    /// An allocation with its moves (any organisation's), or `not_found`.
    public func allocation(id: String) async throws -> (Allocation, [AllocationMove]) {
        guard Identifier.isWellFormed(id), let allocation = try await partners.allocation(id: id) else { throw DomainError.notFound(what: "allocation") }
        return (allocation, try await partners.moves(allocationId: id))
    }

    // MARK: Partners

    /// The caller a partner token names, or `nil` for a malformed, unknown or revoked one.
    public func caller(token: String) async throws -> PartnerCaller? {
        guard let (id, secret) = PartnerKey.parse(token), let key = try await partners.key(id: id), key.opens(with: secret) else { return nil }
        return PartnerCaller(keyId: key.id, organisationId: key.organisationId, scopes: key.scopes)
    }

    /// The caller's store, or `not_found` (also for another partner's).
    public func store(id: String, for caller: PartnerCaller) async throws -> PartnerStore {
        guard Identifier.isWellFormed(id), let found = try await partners.store(id: id), found.organisationId == caller.organisationId else {
            throw DomainError.notFound(what: "store")
        }
        return found
    }

    /// The caller's allocation with its moves, or `not_found` (also for another partner's).
    public func allocation(id: String, for caller: PartnerCaller) async throws -> (Allocation, [AllocationMove]) {
        let (allocation, moves) = try await allocation(id: id)
        guard allocation.organisationId == caller.organisationId else { throw DomainError.notFound(what: "allocation") }
        return (allocation, moves)
    }

    // MARK: One honest price

    /// Sets a minimum price of a SKU in a market from `startsAt` (until `endsAt`, or further notice).
    public func setMinimumPrice(skuId: String, marketCode: String, price: Int64, startsAt: Date, endsAt: Date?) async throws -> MinimumPrice {
        let market = try await markets.requireMarket(marketCode)
        var check = Validator()
        check.require(price > 0 && price < 1 << 40, "price", "a positive amount in minor units")
        check.require(endsAt.map { $0 > startsAt } ?? true, "endsAt", "after startsAt")
        check.require(Identifier.isWellFormed(skuId), "skuId", "unknown SKU")
        try check.check()
        guard try await catalog.sku(id: skuId) != nil else { throw DomainError.invalid(field: "skuId", "unknown SKU") }
        let minimum = MinimumPrice(id: Identifier.make(), skuId: skuId, marketCode: market.code, price: price, startsAt: startsAt, endsAt: endsAt,
                                   createdAt: clock.now())
        try await store.transaction { tx in try await tx.insert(minimum) }
        return minimum
    }

    /// Ends a minimum now (one set by mistake, or no longer wanted); `not_found` for an unknown
    /// one or one that ended before.
    public func endMinimumPrice(id: String) async throws -> MinimumPrice {
        let now = clock.now()
        guard Identifier.isWellFormed(id), let ended = try await store.transaction({ tx in try await tx.endMinimum(id: id, at: now) }) else {
            throw DomainError.notFound(what: "minimum price")
        }
        return ended
    }

    public func minimumPrices() async throws -> [MinimumPrice] { try await partners.minimumPrices(skuId: nil, marketCode: nil) }
    public func priceRefusals(organisationId: String?) async throws -> [PriceRefusal] { try await partners.priceRefusals(organisationId: organisationId) }
    public func advertisedPrices(for caller: PartnerCaller) async throws -> [AdvertisedPrice] {
        try await partners.advertisedPrices(organisationId: caller.organisationId)
    }

    /// Refuses a partner's price below the minimum in force in the store's market, after keeping
    /// the refusal for staff in its own transaction: `rejected(below_minimum_price)`.
    private func holdToMinimum(_ price: Int64, skuId: String, at partnerStore: PartnerStore, context: PriceRefusal.Context, actor: String) async throws {
        let now = clock.now()
        guard let minimum = try await partners.minimumPrices(skuId: skuId, marketCode: partnerStore.marketCode).minimum(at: now), price < minimum else { return }
        let refusal = PriceRefusal(organisationId: partnerStore.organisationId, storeId: partnerStore.id, skuId: skuId, price: price, minimum: minimum,
                                   context: context, actor: actor, at: now)
        try await store.transaction { tx in try await tx.log(refusal) }
        throw DomainError.rejected(code: "below_minimum_price", message: "\(price) is below the minimum advertised price \(minimum) in \(partnerStore.marketCode)")
    }

    /// Sets what one of the caller's stores advertises a SKU for: refused (and kept for staff)
    /// below the minimum in force.
    public func advertise(storeId: String, skuId: String, price: Int64, for caller: PartnerCaller) async throws -> AdvertisedPrice {
        let partnerStore = try await store(id: storeId, for: caller)
        var check = Validator()
        check.require(price > 0 && price < 1 << 40, "price", "a positive amount in minor units")
        check.require(Identifier.isWellFormed(skuId), "skuId", "unknown SKU")
        try check.check()
        guard try await catalog.sku(id: skuId) != nil else { throw DomainError.invalid(field: "skuId", "unknown SKU") }
        try await holdToMinimum(price, skuId: skuId, at: partnerStore, context: .advertised, actor: "partner:\(caller.keyId)")
        let advertised = AdvertisedPrice(organisationId: caller.organisationId, storeId: partnerStore.id, skuId: skuId, price: price, updatedAt: clock.now())
        try await store.transaction { tx in try await tx.advertise(advertised) }
        return advertised
    }

    // MARK: Store sales

    /// Records a sale at one of the caller's stores, once per idempotency key, in one
    /// transaction: the price is held to the minimum in force; the units come from the store's
    /// allocations; the buyer (by email; an account
    /// is made when none has it, which its owner takes over by resetting the password) gets an
    /// order and each serial a warranty from today, as an online sale would. `not_found` for
    /// another partner's store.
    public func sell(_ request: StoreSaleRequest, idempotencyKey: String, for caller: PartnerCaller) async throws -> StoreSale {
        let partnerStore = try await store(id: request.storeId, for: caller)
        let market = try await markets.requireMarket(partnerStore.marketCode)
        let serials = try OrderDesk.validate(serials: request.serials)
        let email = Registration.normalise(email: request.customerEmail)
        var check = Validator()
        check.require((1...50).contains(serials.count), "serials", "1 to 50 serials, one for each unit sold")
        check.require(request.unitPrice > 0 && request.unitPrice < 1 << 40, "unitPrice", "a positive amount in minor units")
        check.require(Registration.isEmail(email), "customerEmail", "the buyer's email address, where the warranty is registered")
        check.requireLength(request.customerName.trimmed, 1...60, "customerName", "1 to 60 characters, as an account's name")
        check.requireSingleLine(request.customerName, "customerName")
        check.require(Identifier.isWellFormed(request.skuId), "skuId", "unknown SKU")
        try check.check()
        guard let sku = try await catalog.sku(id: request.skuId), let product = try await catalog.product(id: sku.productId) else {
            throw DomainError.invalid(field: "skuId", "unknown SKU")
        }
        let requestHash = IdempotentRequest.fingerprint(["store-sale", partnerStore.id, sku.id, String(request.unitPrice), email] + serials)
        // A retry answers the sale it made, whatever changed since.
        if let earlier = try await store.transaction({ tx in
            try await tx.storeSale(organisationId: caller.organisationId, idempotencyKey: idempotencyKey, requestHash: requestHash)
        }) { return earlier }
        try await holdToMinimum(request.unitPrice, skuId: sku.id, at: partnerStore, context: .sale, actor: "partner:\(caller.keyId)")
        let now = clock.now()
        var newAccount: Account?
        let buyer: Account
        if let known = try await accounts.account(email: email) {
            guard !known.role.isStaff else { throw DomainError.invalid(field: "customerEmail", "a staff account cannot buy at a partner's till") }
            buyer = known
        } else {
            buyer = Account(id: Identifier.make(), email: email, displayName: request.customerName.trimmed, role: .customer,
                            passwordHash: try await hasher.hash(Secrets.hex(bytes: 24)), createdAt: now)
            newAccount = buyer
        }
        let sale = StoreSale(id: Identifier.make(), organisationId: caller.organisationId, storeId: partnerStore.id, skuId: sku.id,
                             orderId: Identifier.makeSequential(), accountId: buyer.id, serials: serials, unitPrice: request.unitPrice,
                             currency: market.currency.code, soldAt: now)
        let record = StoreSaleRecord(
            sale: sale, newAccount: newAccount, market: market,
            totals: try OrderTotals.compute(lines: [(request.unitPrice, serials.count)], market: market, shipping: 0), skuCode: sku.code,
            productName: "\(product.text(in: market.defaultLanguage).name) (\(sku.colour), \(sku.storage))", store: partnerStore,
            idempotencyKey: idempotencyKey, requestHash: requestHash, actor: "partner:\(caller.keyId)")
        do {
            return try await store.transaction { tx in
                if let earlier = try await tx.storeSale(organisationId: caller.organisationId, idempotencyKey: idempotencyKey, requestHash: requestHash) {
                    return earlier
                }
                try await tx.record(record)
                return sale
            }
        } catch let refusal as DomainError {
            // The same till's retry racing the first attempt answers the sale that attempt made.
            if let earlier = try await store.transaction({ tx in
                try await tx.storeSale(organisationId: caller.organisationId, idempotencyKey: idempotencyKey, requestHash: requestHash)
            }) { return earlier }
            throw refusal
        }
    }

    /// The caller's store sale, or `not_found` (also for another partner's).
    public func storeSale(id: String, for caller: PartnerCaller) async throws -> StoreSale {
        guard Identifier.isWellFormed(id), let sale = try await partners.storeSale(id: id), sale.organisationId == caller.organisationId else {
            throw DomainError.notFound(what: "sale")
        }
        return sale
    }

    /// The caller's store sales, newest first.
    public func storeSales(for caller: PartnerCaller) async throws -> [StoreSale] {
        try await partners.storeSales(organisationId: caller.organisationId)
    }
}
