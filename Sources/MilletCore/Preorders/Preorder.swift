import Foundation

/// Where a pre-order is.
public enum PreorderStatus: String, Sendable, Codable, CaseIterable {
    /// Its place is held while the deposit order waits for payment.
    case awaitingDeposit = "awaiting_deposit"
    /// The deposit is paid: the unit will be built in its batch.
    case reserved
    /// The batch is packed: the balance order waits for payment.
    case balanceDue = "balance_due"
    /// Paid in full; the unit ships with its balance order.
    case complete
    /// Cancelled before packing (by the fan, or its deposit went unpaid); a paid deposit is refunded in full.
    case cancelled
    /// The balance went unpaid: the unit went back to stock and the deposit was refunded.
    case lapsed

    /// Whether it holds a place in its batch.
    public var holdsPlace: Bool { self == .awaitingDeposit || self == .reserved }
}

/// A fan's pre-order of one unit: its place in a batch, the order that took the deposit and,
/// once the batch is packed, the order that takes the balance and ships the unit.
public struct Preorder: Hashable, Sendable {
    public let id: String
    public let batchId: String
    public let accountId: String
    public let depositOrderId: String
    public var balanceOrderId: String?
    public var status: PreorderStatus
    /// Where the unit ships: the balance order's address.
    public let address: ShippingAddress
    public let createdAt: Date
    /// What the buyer chose the unit to be made with (none for a standard unit).
    public let options: [ChosenOption]

    public init(id: String, batchId: String, accountId: String, depositOrderId: String, balanceOrderId: String?, status: PreorderStatus,
                address: ShippingAddress, createdAt: Date, options: [ChosenOption] = []) {
        self.options = options
        self.id = id
        self.batchId = batchId
        self.accountId = accountId
        self.depositOrderId = depositOrderId
        self.balanceOrderId = balanceOrderId
        self.status = status
        self.address = address
        self.createdAt = createdAt
    }
}

extension Preorder {
    /// The unit's price: the batch's and what its options add.
    public func unitPrice(in batch: ProductionBatch) -> Int64 { batch.price + options.price }

    /// What pre-ordering paid: the batch's deposit, or the whole unit price for full payment.
    public func deposit(in batch: ProductionBatch) -> Int64 { batch.isFullPayment ? unitPrice(in: batch) : batch.deposit }

    /// What packing charges (before shipping).
    public func balance(in batch: ProductionBatch) -> Int64 { unitPrice(in: batch) - deposit(in: batch) }
}

/// Batches and pre-orders as stored.
public protocol PreorderRepository: Sendable {
    /// Stores a new batch, numbered after the SKU's last in the market (`number` is replaced).
    func createBatch(_ batch: ProductionBatch) async throws -> ProductionBatch
    func batch(id: String) async throws -> ProductionBatch?
    /// Batches, soonest to ship first: of these SKUs (all when `nil`), in the market (all when `nil`), open only or all.
    func batches(skuIds: [String]?, marketCode: String?, openOnly: Bool) async throws -> [ProductionBatch]
    func preorder(id: String) async throws -> Preorder?
    /// A fan's pre-orders, newest first.
    func preorders(accountId: String) async throws -> [Preorder]
    /// The batch's pre-orders holding a place, oldest first.
    func placedPreorders(batchId: String) async throws -> [Preorder]
    /// The units the batch builds, oldest pre-order first: those holding a place while it is
    /// open, and those that got a balance order once packed.
    func buildList(batchId: String) async throws -> [Preorder]
    /// Pre-orders and waiting-list joins per day over the days since `since`, by SKU and market:
    /// the live demand staff size the next batch by.
    func demand(since: Date) async throws -> [DemandDay]
    /// The fan's waiting-list entries, newest first.
    func waitlist(accountId: String) async throws -> [WaitlistEntry]
}

/// Batches and pre-orders inside a ``Transaction``.
public protocol PreorderLedger: Sendable {
    /// Takes a place in the first open batch of the SKU in the market that has one and takes
    /// pre-orders at `now` (a campaign until its deadline; soonest to ship first), or answers
    /// `nil`: the place is counted in the batch at once.
    func takePlace(skuId: String, marketCode: String, now: Date) async throws -> ProductionBatch?
    /// Campaigns whose funding deadline passed with no outcome yet, at most 100, earliest first.
    func campaignsDue(now: Date) async throws -> [ProductionBatch]
    /// The batch, its row locked.
    func batchInLedger(id: String) async throws -> ProductionBatch?
    /// Stores the batch's window, slips and status.
    func update(_ batch: ProductionBatch) async throws
    /// Stores a new pre-order.
    func insert(_ preorder: Preorder) async throws
    /// The pre-order, its row locked.
    func preorderInLedger(id: String) async throws -> Preorder?
    /// The pre-order the fan placed with this idempotency key (its deposit order's);
    /// `idempotency_key_reused` when another request (`requestHash`) placed it.
    func preorder(accountId: String, idempotencyKey: String, requestHash: String) async throws -> Preorder?
    /// The pre-order an order takes money for, if any.
    func preorder(ofOrder orderId: String) async throws -> Preorder?
    /// The batch's pre-orders holding a place, oldest first.
    func placedPreorders(batchId: String) async throws -> [Preorder]
    /// Stores the pre-order's status and balance order.
    func update(_ preorder: Preorder) async throws
    /// Open batches whose window ended before `now` with their buyers not told since it ended
    /// (a slip moves the window, so a slipped batch is told again only once its new window ends).
    func lateBatches(now: Date) async throws -> [ProductionBatch]
    /// Records that the batch's buyers were told it is late.
    func markToldLate(batchId: String, at: Date) async throws
    /// Puts a fan on a waiting list, or back on it (joined now, not told).
    func join(_ entry: WaitlistEntry) async throws
    /// Takes a fan off a waiting list; `false` when they were not on it.
    func leaveWaitlist(accountId: String, skuId: String, marketCode: String) async throws -> Bool
    /// Fans waiting, not told yet, for a SKU in a market that has a batch taking pre-orders at
    /// `now` with a place (the first such batch with each), at most `limit`, earliest joined first.
    func waitingToTell(now: Date, limit: Int) async throws -> [(WaitlistEntry, ProductionBatch)]
    /// Records that the fan was told a batch opened.
    func markTold(accountId: String, skuId: String, marketCode: String, at: Date) async throws
    /// Receives built units of a SKU into a warehouse of the market; `invalid(warehouseId)` for
    /// one of another market or none.
    func receive(skuId: String, warehouseId: String, marketCode: String, units: Int) async throws
}

extension Preorder {
    /// What one of its orders moving from `from` to `to` does to the pre-order, whichever desk
    /// moved it: the deposit paid reserves the unit; the deposit order cancelled or refunded
    /// before packing (unpaid at its deadline, or by the fan, or by staff) cancels it and frees its
    /// place; the balance paid completes it; the balance order cancelled unpaid lapses it, and
    /// cancelled or refunded after payment (a return) closes it. `nil`: nothing changes. Whoever
    /// closes a balance order refunds the deposit too (``OrderDesk``).
    public func afterOrder(_ orderId: String, movedFrom from: OrderStatus, to: OrderStatus) -> PreorderStatus? {
        if orderId == depositOrderId {
            switch (status, to) {
            case (.awaitingDeposit, .paid): return .reserved
            case (.awaitingDeposit, .cancelled), (.reserved, .cancelled), (.reserved, .refunded): return .cancelled
            default: return nil
            }
        }
        if orderId == balanceOrderId {
            switch (status, to) {
            case (.balanceDue, .paid): return .complete
            case (.balanceDue, .cancelled): return .lapsed
            case (.complete, .cancelled), (.complete, .refunded): return .cancelled
            default: return nil
            }
        }
        return nil
    }
}
