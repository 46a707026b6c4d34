import Foundation

/// What a partner's till sends for a sale: units of one SKU, by serial, at a price, to a buyer
/// whose warranty the units are registered to.
public struct StoreSaleRequest: Sendable {
    public let storeId: String
    public let skuId: String
    public let serials: [String]
    /// The price of one unit, tax included where the market shows it so, in minor units.
    public let unitPrice: Int64
    public let customerEmail: String
    public let customerName: String

    public init(storeId: String, skuId: String, serials: [String], unitPrice: Int64, customerEmail: String, customerName: String) {
        self.storeId = storeId
        self.skuId = skuId
        self.serials = serials
        self.unitPrice = unitPrice
        self.customerEmail = customerEmail
        self.customerName = customerName
    }
}

/// A sale at a partner's store: it drew on the store's allocations, and its units are the buyer's
/// with a warranty from the day of sale, through an order of the buyer's like an online one (a
/// store sale's order is `completed`: its money was taken at the till).
public struct StoreSale: Hashable, Sendable {
    public let id: String
    public let organisationId: String
    public let storeId: String
    public let skuId: String
    public let orderId: String
    public let accountId: String
    public let serials: [String]
    public let unitPrice: Int64
    public let currency: String
    public let soldAt: Date
    /// The units its buyer brought back to the store.
    public var returnedSerials: [String]
    /// The units still the buyer's.
    public var keptSerials: [String] { serials.filter { !returnedSerials.contains($0) } }

    public init(id: String, organisationId: String, storeId: String, skuId: String, orderId: String, accountId: String, serials: [String],
                unitPrice: Int64, currency: String, soldAt: Date, returnedSerials: [String] = []) {
        self.returnedSerials = returnedSerials
        self.id = id
        self.organisationId = organisationId
        self.storeId = storeId
        self.skuId = skuId
        self.orderId = orderId
        self.accountId = accountId
        self.serials = serials
        self.unitPrice = unitPrice
        self.currency = currency
        self.soldAt = soldAt
    }
}

/// What the ledger needs to record a store sale, worked out before its transaction.
public struct StoreSaleRecord: Sendable {
    public let sale: StoreSale
    /// The buyer's account, when made for this sale (no account had the email).
    public let newAccount: Account?
    public let market: Market
    public let totals: OrderTotals
    public let skuCode: String
    public let productName: String
    /// The store, as the order's address.
    public let store: PartnerStore
    public let idempotencyKey: String
    public let requestHash: String
    public let actor: String

    public init(sale: StoreSale, newAccount: Account?, market: Market, totals: OrderTotals, skuCode: String, productName: String, store: PartnerStore,
                idempotencyKey: String, requestHash: String, actor: String) {
        self.sale = sale
        self.newAccount = newAccount
        self.market = market
        self.totals = totals
        self.skuCode = skuCode
        self.productName = productName
        self.store = store
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
        self.actor = actor
    }
}
