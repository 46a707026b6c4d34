import Foundation

/// One purchase the engine has decided and the journal must make durable: a `pending_payment`
/// order of one unit at the sale price.
public struct SalePurchase: Sendable {
    public let orderId: String
    public let sale: FlashSale
    public let accountId: String
    public let idempotencyKey: String
    public let address: ShippingAddress
    public let totals: OrderTotals
    public let skuCode: String
    public let productName: String
    public let now: Date
    /// The ``IdempotentRequest`` digest of the purchase: the sale and where it ships (a retry may
    /// carry a new purchase token). The engine has it before the purchase is made; without it,
    /// it is worked out here.
    public let requestHash: String

    public init(
        orderId: String, sale: FlashSale, accountId: String, idempotencyKey: String, address: ShippingAddress,
        totals: OrderTotals, skuCode: String, productName: String, now: Date, requestHash: String? = nil
    ) {
        self.requestHash = requestHash ?? Self.requestHash(saleId: sale.id, address: address)
        self.orderId = orderId
        self.sale = sale
        self.accountId = accountId
        self.idempotencyKey = idempotencyKey
        self.address = address
        self.totals = totals
        self.skuCode = skuCode
        self.productName = productName
        self.now = now
    }

    public var paymentDeadline: Date { now.addingTimeInterval(TimeInterval(sale.paymentWindowSeconds)) }

    /// The digest of a purchase of `saleId` shipped to `address`, known before the purchase is made.
    public static func requestHash(saleId: String, address: ShippingAddress) -> String {
        IdempotentRequest.fingerprint(["flash-sale", saleId, address.name, address.line1, address.city, address.postcode, address.phone])
    }
}

/// A fan asking for a place in a sale before it opens.
public struct SaleReservation: Sendable {
    public let saleId: String
    /// The fan reserving.
    public let accountId: String
    /// When the reservation was asked for: its `created_at`.
    public let now: Date

    /// A fan's reservation of a place in a sale.
    public init(saleId: String, accountId: String, now: Date) {
        self.saleId = saleId
        self.accountId = accountId
        self.now = now
    }
}

/// What a reservation did: whether it added the fan (`false` when the fan had reserved before)
/// and the sale's count of reservations as of it.
public struct ReservationOutcome: Equatable, Sendable {
    /// Whether this added the fan (`false`: the fan had reserved before).
    public let added: Bool
    /// The sale's count of reservations as of this one.
    public let reservations: Int64

    /// What a reservation did.
    public init(added: Bool, reservations: Int64) {
        self.added = added
        self.reservations = reservations
    }
}

extension FlashSaleRepository {
    /// One fan's reservation in its own transaction.
    public func reserve(saleId: String, accountId: String, now: Date) async throws -> (added: Bool, reservations: Int64) {
        let outcome = try await reserve([SaleReservation(saleId: saleId, accountId: accountId, now: now)])[0]
        return (outcome.added, outcome.reservations)
    }
}

/// What the journal did with one purchase.
public enum JournalOutcome: Equatable, Sendable {
    /// The order is stored under `number`, committed and durable.
    case created(orderId: String, number: String)
    /// This account used this idempotency key before: the first order's id.
    case replayed(orderId: String)
    /// The database already holds the account's limit (another node sold to it).
    case limitReached
    /// The node's lease was taken back (it was presumed dead); the unit was never sold.
    case leaseLost
    /// This account used this idempotency key before for another purchase; nothing was sold.
    case keyReused
}

/// A sale's figures as one read sees them, for deciding whether a node's sell-out is final.
public struct SellOutFigures: Equatable, Sendable {
    /// Units no node holds and nobody bought.
    public let pool: Int64
    /// Units in other nodes' live leases: purchases they may still be committing.
    public let leasedElsewhere: Int64
    /// Units ever bought in the sale (cancellations do not lower it).
    public let bought: Int64

    public init(pool: Int64, leasedElsewhere: Int64, bought: Int64) {
        self.pool = pool
        self.leasedElsewhere = leasedElsewhere
        self.bought = bought
    }

    /// Nothing is left in the pool or on any other node: every purchase has committed.
    public var final: Bool { pool == 0 && leasedElsewhere == 0 }
}

/// An order of a sale that was cancelled, expired or refunded, so its unit left the buyer.
public struct SaleRelease: Equatable, Sendable {
    public let saleId: String
    public let accountId: String

    public init(saleId: String, accountId: String) {
        self.saleId = saleId
        self.accountId = accountId
    }
}

/// Stored sales, reservations, F-codes, node leases and the purchase journal.
public protocol FlashSaleRepository: Sendable {
    /// Stores a sale and takes its units from the warehouse's stock in the same transaction;
    /// throws `conflict(out_of_stock)` and stores nothing when the warehouse has too few.
    func createSale(_ sale: FlashSale) async throws
    func sale(id: String) async throws -> FlashSale?
    /// Sales that end after `after`, soonest first (the public calendar).
    func sales(endingAfter after: Date, limit: Int) async throws -> [FlashSale]
    /// The sale's counters now; leases not renewed within `leaseLifetime` do not count.
    func figures(saleId: String, now: Date, leaseLifetime: TimeInterval) async throws -> SaleFigures

    /// Registers interest, many fans in one transaction; answers, in order, whether each added a
    /// reservation (`false` when the account had already reserved) and the sale's count of
    /// reservations as of it.
    func reserve(_ reservations: [SaleReservation]) async throws -> [ReservationOutcome]
    func hasReserved(saleId: String, accountId: String) async throws -> Bool
    func reservedAccounts(saleId: String) async throws -> Set<String>
    /// Units each account holds in the sale (orders waiting for payment or paid).
    func buyers(saleId: String) async throws -> [String: Int]
    /// Accounts whose last purchase raised the sale's ``SellOutFigures/bought`` count past
    /// `count`, whether or not they still hold the unit (a cancelled order's key still answers
    /// its order): every buyer since a node last read them; all of them for a negative `count`.
    func buyers(saleId: String, boughtAfter count: Int64) async throws -> [String]

    /// Leases up to `units` from the pool to `node` (after taking back leases not renewed within
    /// `leaseLifetime`); returns how many it got, zero when the pool is empty.
    func lease(saleId: String, node: String, units: Int64, now: Date, leaseLifetime: TimeInterval) async throws -> Int64
    /// What a node that sold out reads to learn whether the sell-out is final: the pool, the units
    /// other nodes hold in leases renewed within `leaseLifetime`, and the count of units ever
    /// bought, all as of one moment.
    func sellOut(saleId: String, node: String, now: Date, leaseLifetime: TimeInterval) async throws -> SellOutFigures
    /// Marks every lease of `node` as alive.
    func renewLeases(node: String, now: Date) async throws
    /// Gives `units` of the node's lease back to the pool.
    func returnLease(saleId: String, node: String, units: Int64) async throws

    /// Makes purchases durable in one transaction (group commit) and answers one outcome per
    /// purchase, in order. Units come out of `node`'s lease.
    func commit(_ purchases: [SalePurchase], node: String) async throws -> [JournalOutcome]
    /// Creates one purchase in its own transaction: the path of an ordinary shop, one row lock per
    /// order, kept as the benchmark's baseline.
    func commitOne(_ purchase: SalePurchase) async throws -> JournalOutcome

    /// Issues F-codes, each taking one unit out of the pool into its own allotment.
    func issueFCodes(saleId: String, count: Int, now: Date) async throws -> [String]
    /// Buys one unit with an F-code; `conflict(fcode_used)` when it was used, `not_found` when unknown.
    func redeem(fcode: String, purchase: SalePurchase) async throws -> JournalOutcome

    /// The sale and buyer of an order, when the order was bought in a sale.
    func saleRelease(orderId: String) async throws -> SaleRelease?
    /// Gives the unsold units of every sale that has ended back to the store; returns their ids.
    func closeEndedSales(now: Date) async throws -> [String]

    /// Where ``commit(_:node:)`` runs its statements, when the database has a thread of its own
    /// for them; the journal's writer runs there too, so no step of a group commit waits behind
    /// request work for one of the threads all tasks share.
    var journalExecutor: (any TaskExecutor)? { get }
}
