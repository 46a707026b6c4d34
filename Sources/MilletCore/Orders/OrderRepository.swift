import Foundation

/// An order ready to be stored: lines priced, totals computed, stock not yet held.
public struct OrderDraft: Sendable {
    public let id: String
    public let accountId: String
    public let market: Market
    public let lines: [(skuId: String, skuCode: String, productName: String, quantity: Int, unitPrice: Int64)]
    public let totals: OrderTotals
    public let shippingAddress: ShippingAddress
    public let idempotencyKey: String
    public let now: Date
    public let shipping: OrderShipping?
    public let buyerTaxId: String?
    /// The ``IdempotentRequest`` digest of the request that placed it, when it came from one.
    public let requestHash: String?
    /// The auction whose unit it buys: the unit the auction holds, no new hold; its order's
    /// cancellation before payment leaves the unit with the auction for the next offer.
    public let auctionId: String?
    /// When it cancels itself unless paid, when not the market's payment window from `now`.
    public let deadline: Date?
    /// The pre-order it takes the deposit or the balance of: its moves move the pre-order.
    public let preorderId: String?
    /// Hold its goods in this warehouse (a packed batch's), not the market's fullest.
    public let holdIn: String?

    public init(
        id: String, accountId: String, market: Market,
        lines: [(skuId: String, skuCode: String, productName: String, quantity: Int, unitPrice: Int64)],
        totals: OrderTotals, shippingAddress: ShippingAddress, idempotencyKey: String, now: Date, shipping: OrderShipping? = nil,
        buyerTaxId: String? = nil, requestHash: String? = nil, auctionId: String? = nil, preorderId: String? = nil, holdIn: String? = nil, deadline: Date? = nil
    ) {
        self.preorderId = preorderId
        self.holdIn = holdIn
        self.auctionId = auctionId
        self.deadline = deadline
        self.requestHash = requestHash
        self.id = id
        self.accountId = accountId
        self.market = market
        self.lines = lines
        self.totals = totals
        self.shippingAddress = shippingAddress
        self.idempotencyKey = idempotencyKey
        self.now = now
        self.shipping = shipping
        self.buyerTaxId = buyerTaxId
    }

    /// When the order cancels itself unless paid.
    public var paymentDeadline: Date { deadline ?? now.addingTimeInterval(TimeInterval(market.paymentWindowMinutes * 60)) }
}

/// Stored orders: placing and reading. Every method is one transaction; every other change
/// to an order is a use case of ``OrderDesk``.
public protocol OrderRepository: Sendable {
    /// Holds stock for every line and stores the order, or holds nothing and throws
    /// `conflict(out_of_stock)`. The same account and idempotency key return the first order
    /// with `created == false`. Empties `clearingCart` when given.
    func place(_ draft: OrderDraft, clearingCart cartId: String?) async throws -> (order: Order, created: Bool)
    func order(id: String) async throws -> Order?
    /// The order an account placed with an idempotency key, if any; `idempotency_key_reused`
    /// when it was placed by another request than the one `requestHash` digests.
    func order(accountId: String, idempotencyKey: String, requestHash: String?) async throws -> Order?
    /// An account's orders, newest first.
    func orders(accountId: String, offset: Int, limit: Int) async throws -> [Order]
    /// Every order, newest first, optionally of one status and matching `query` (the staff
    /// console): a part of its number, or of its buyer's email or name, in any case (of ASCII
    /// letters on SQLite, whose `LOWER` folds only those; of every letter on PostgreSQL).
    func orders(status: OrderStatus?, matching query: String?, offset: Int, limit: Int) async throws -> [Order]
    /// Unpaid orders whose payment deadline is at or before `now`, earliest first. Changes to an
    /// order go through ``OrderDesk``.
    func overdueOrderIds(now: Date, limit: Int) async throws -> [String]
    /// How many orders are in each status.
    func countsByStatus() async throws -> [OrderStatus: Int]
}
