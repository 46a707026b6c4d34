import Foundation

/// Decides every purchase attempt of one sale on one node, in memory: the phase, reservation,
/// per-account limit and the units this node has leased. A value: the engine owns one per sale.
///
/// The allocator never reaches the database. When its lease is spent it answers
/// ``Decision/needLease`` and the engine asks the database for a block; when the database had
/// nothing left, every later attempt is refused as sold out without asking again until the
/// sale's figures show units back in the pool.
public struct SaleAllocator: Sendable {
    public enum Decision: Equatable, Sendable {
        /// One unit is this attempt's; it must be committed or given back.
        case take
        case refuse(PurchaseRefusal)
        /// Ask the database for a block of units, then decide again.
        case needLease
    }

    public let sale: FlashSale
    /// Units this node may sell without asking the database.
    public private(set) var leased: Int64 = 0 {
        didSet { if leased > oldValue { unsettle() } }
    }
    /// The last lease request found the pool empty.
    public private(set) var poolEmpty = false {
        didSet { if !poolEmpty && oldValue { unsettle() } }
    }
    /// The sale's count of units ever bought when, sold out here, this node last found no unit
    /// left anywhere else and had read every buyer (``settle(bought:since:)``); `nil` while that is
    /// not known. Until it is, another node may still be committing a purchase under a key a fan
    /// also sent here, so a fan this node does not know as a buyer has the key looked up and is
    /// told to retry, not `sold_out`.
    public private(set) var settledAt: Int64?
    /// Goes up whenever units come back to this node or the settled sell-out is forgotten: a
    /// sell-out check that started under another generation may have missed a purchase.
    public private(set) var generation = 0
    /// When this few units of the last block are left, the next block is worth asking for.
    private var lowWater: Int64 = 0
    /// When this node last sold a unit; a node that holds units but sells none gives them back.
    public private(set) var lastTakeAt: Date?
    /// Units each account holds in this sale (committing or committed).
    public private(set) var perAccount: [String: Int] = [:]
    /// Accounts that reserved; required only for reserved-only sales.
    private var reserved: Set<String>

    public init(sale: FlashSale, reserved: Set<String> = [], perAccount: [String: Int] = [:]) {
        self.sale = sale
        self.reserved = reserved
        self.perAccount = perAccount
    }

    /// Why `accountId` may not buy at all now (phase or reservation), or `nil` when it may try.
    public func refusal(accountId: String, now: Date) -> PurchaseRefusal? {
        switch sale.phase(at: now) {
        case .upcoming: return .notStarted
        case .ended: return .ended
        case .open: break
        }
        return sale.reservedOnly && !reserved.contains(accountId) ? .notReserved : nil
    }

    public mutating func decide(accountId: String, now: Date) -> Decision {
        if let refusal = refusal(accountId: accountId, now: now) { return .refuse(refusal) }
        if perAccount[accountId, default: 0] >= sale.perAccountLimit { return .refuse(.limitReached) }
        if leased > 0 {
            leased -= 1
            lastTakeAt = now
            perAccount[accountId, default: 0] += 1
            return .take
        }
        return poolEmpty ? .refuse(.soldOut) : .needLease
    }

    /// This node holds no unit and the database had none at the last lease: refuse without asking.
    public var soldOut: Bool { poolEmpty && leased == 0 }

    /// Sold out here, and every buyer is known to this node: `sold_out` is final for anyone else.
    public var sellOutSettled: Bool { soldOut && settledAt != nil }

    /// No unit was left anywhere and every buyer was read while the sale's count of units ever
    /// bought stayed `bought`; taken only when nothing came back here since `generation` was read
    /// (the check began). Forgotten as soon as units come back (a lease or the pool).
    public mutating func settle(bought: Int64, since generation: Int) {
        if soldOut && generation == self.generation { settledAt = bought }
    }

    /// Units are somewhere again (here, in the pool or on another node): whether an account
    /// bought is not known until it settles.
    public mutating func unsettle() {
        settledAt = nil
        generation += 1
    }

    /// A quarter of the last block is left and the pool was not empty: leasing the next block now,
    /// while these units sell, spares buyers the wait for it (a lease is a transaction of its own).
    public var wantsLease: Bool { !poolEmpty && leased > 0 && leased <= lowWater }

    /// Units arrived from the database; zero means the pool is empty.
    public mutating func granted(_ units: Int64) {
        leased += units
        poolEmpty = units == 0
        lowWater = units / 4
    }

    /// The sale's figures were read again: units may be back in the pool.
    public mutating func poolIs(_ pool: Int64) {
        if pool > 0 { poolEmpty = false }
    }

    /// A taken unit was not committed (the database refused it): the unit and the account's
    /// place come back.
    public mutating func giveBack(accountId: String) {
        leased += 1
        release(accountId: accountId)
    }

    /// One of the account's orders in this sale was cancelled; its unit went back to the pool.
    public mutating func release(accountId: String) {
        if let count = perAccount[accountId] { perAccount[accountId] = count > 1 ? count - 1 : nil }
    }

    /// The account's reservation was found in the database after this allocator was made.
    public mutating func addReservation(accountId: String) {
        self.reserved.insert(accountId)
    }

    /// Every reservation of the sale, read again once no more can come in.
    public mutating func reservationsAre(_ accounts: Set<String>) {
        reserved = accounts
    }

    /// An F-code bought a unit for the account outside the allocator.
    public mutating func count(accountId: String) {
        perAccount[accountId, default: 0] += 1
    }

    /// Units leased and unsold, taken back to be returned to the pool.
    public mutating func surrender() -> Int64 {
        defer { leased = 0 }
        return leased
    }

    /// Surrendered units the database did not take back: they are this node's again.
    public mutating func restore(_ units: Int64) {
        leased += units
    }

    /// `true` when the shared pool is empty and this node has held unsold units for `idle`
    /// seconds: other nodes may be turning fans away while these units wait here.
    public func isHoarding(poolIsEmpty: Bool, now: Date, idle: TimeInterval = 0.5) -> Bool {
        poolIsEmpty && leased > 0 && now.timeIntervalSince(lastTakeAt ?? .distantPast) >= idle
    }

    /// How many units to lease at once: large blocks while the pool is deep, down to one unit as
    /// it empties, so no node sits on units while another says sold out.
    public static func blockSize(pool: Int64, nodes: Int, maximum: Int64 = 512) -> Int64 {
        guard pool > 0 else { return 0 }
        return max(1, min(maximum, pool / Int64(4 * max(nodes, 1))))
    }
}

/// A token bucket: `capacity` attempts at once, refilled at `perSecond`.
public struct TokenBucket: Sendable {
    public let capacity: Double
    public let perSecond: Double
    private var tokens: Double
    private var last: Date

    public init(capacity: Double, perSecond: Double, now: Date) {
        self.capacity = capacity
        self.perSecond = perSecond
        self.tokens = capacity
        self.last = now
    }

    /// Takes one token if there is one.
    public mutating func take(now: Date) -> Bool {
        let elapsed = max(0, now.timeIntervalSince(last))
        tokens = min(capacity, tokens + elapsed * perSecond)
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Per-account and per-IP token buckets in front of every purchase.
public struct Admission: Sendable {
    public let perAccount: (capacity: Double, perSecond: Double)
    public let perIP: (capacity: Double, perSecond: Double)
    private var accounts: [String: TokenBucket] = [:]
    private var addresses: [String: TokenBucket] = [:]

    public init(perAccount: (capacity: Double, perSecond: Double) = (5, 2), perIP: (capacity: Double, perSecond: Double) = (200, 100)) {
        self.perAccount = perAccount
        self.perIP = perIP
    }

    /// `true` when both the account and the address still have a token.
    public mutating func admit(accountId: String, ip: String, now: Date) -> Bool {
        if accounts.count > 1_000_000 { accounts.removeAll(keepingCapacity: true) }
        if addresses.count > 100_000 { addresses.removeAll(keepingCapacity: true) }
        var account = accounts[accountId] ?? TokenBucket(capacity: perAccount.capacity, perSecond: perAccount.perSecond, now: now)
        var address = addresses[ip] ?? TokenBucket(capacity: perIP.capacity, perSecond: perIP.perSecond, now: now)
        let admitted = account.take(now: now) && address.take(now: now)
        accounts[accountId] = account
        addresses[ip] = address
        return admitted
    }
}
