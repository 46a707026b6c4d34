import Foundation
import Synchronization

/// What a fan gets for a purchase: the order, and whether this key had already bought it.
public struct SaleOrder: Sendable {
    public let order: Order
    public let replayed: Bool
}

/// Sells flash-sale units at the speed of memory and answers a win only once it is durable.
///
/// Every attempt is decided by the sale's ``SaleAllocator`` without touching the database; only a
/// win goes to the ``SaleJournal``. Units come from the database in leased blocks, so several
/// nodes can sell one sale without ever selling more than it has.
public actor FlashSaleEngine {
    /// How purchases reach the database.
    public enum Strategy: String, Sendable {
        /// In-memory allocator, leased blocks and the group-commit journal: the default.
        case allocator
        /// One transaction per purchase that locks the sale row, as ordinary shops do. Kept as
        /// the benchmark's baseline: the same API and workload, the usual database path.
        case rowLock = "row-lock"
    }

    /// What the engine needs to know about a sale besides the sale itself.
    struct Loaded {
        var allocator: SaleAllocator
        /// `false` while fans may still be reserving the sale (a reserved-only sale loaded before
        /// ``FlashSaleEngine/reservationsSettle`` after its start): a fan missing from the
        /// allocator's reservations is looked up in the database before being refused.
        var reservationsSettled: Bool
        let market: Market
        let skuCode: String
        let productName: String

        /// A purchase of one unit of this sale, priced for its market; `request` is its digest when
        /// the caller has it already.
        func purchase(accountId: String, key: String, address: ShippingAddress, now: Date, request: String? = nil) throws -> SalePurchase {
            SalePurchase(
                orderId: Identifier.makeSequential(), sale: allocator.sale, accountId: accountId, idempotencyKey: key, address: address,
                totals: try OrderTotals.compute(lines: [(allocator.sale.price, 1)], market: market),
                skuCode: skuCode, productName: productName, now: now, requestHash: request)
        }
    }

    public let node: String
    public let strategy: Strategy
    public let leaseLifetime: TimeInterval
    /// Purchases waiting for the journal beyond which new attempts are shed with 503.
    public let maxInFlight: Int
    private let repository: any FlashSaleRepository
    private let catalog: any CatalogRepository
    private let orders: any OrderRepository
    private let markets: any MarketRepository
    private let clock: any MilletClock
    private let journal: SaleJournal
    private var admission: Admission
    private var loaded: [String: Loaded] = [:] {
        didSet { quick.withLock { $0.sales = loaded.mapValues { ($0.allocator.sale, $0.allocator.soldOut, $0.allocator.sellOutSettled) } } }
    }
    /// What ``quickPrecheck(saleId:accountId:idempotencyKey:)`` reads without entering the actor:
    /// each loaded sale with whether this node has sold out and whether that sell-out is settled
    /// (brought up to date after every change to `loaded`), and the orders this node answered, by ``winKey(accountId:idempotencyKey:)``,
    /// with their sale and request digest: replays answer from here. `buyers` holds `sale account`
    /// for every account this node knows bought a sale (read when it loaded, or sold here), whose
    /// keys are looked up even after a sell-out.
    private let quick = Mutex<QuickView>(QuickView())

    private struct QuickView {
        var sales: [String: (sale: FlashSale, soldOut: Bool, settled: Bool)] = [:]
        var wins: [String: (saleId: String, order: Order, requestHash: String)] = [:]
        /// Buyers by sale: `sale account`.
        var buyers: Set<String> = []

        static func buyer(_ saleId: String, _ accountId: String) -> String { saleId + " " + accountId }
    }
    private var loading: [String: Task<Loaded, any Error>] = [:]
    private var leasing: [String: Task<Void, any Error>] = [:]
    private var settling: [String: Task<Void, any Error>] = [:]
    private var sellOutChecks: [String: Task<Void, any Error>] = [:]
    /// By sale, the count of units ever bought through which the buyers were read into `quick`.
    private var buyersRead: [String: Int64] = [:]
    private var attempts: Set<String> = []
    /// Nonces of purchase tokens that bought an order (or are buying one now), with their sale.
    private var spentTokens: [String: String] = [:]
    private var inFlight = 0
    private var published: [String: SaleFigures] = [:]
    private var nextBatches: [String: FlashSale] = [:]

    public init(
        repository: any FlashSaleRepository, catalog: any CatalogRepository, orders: any OrderRepository, markets: any MarketRepository,
        clock: any MilletClock,
        node: String = Identifier.make(), admission: Admission = Admission(), leaseLifetime: TimeInterval = 5, maxInFlight: Int = 20_000,
        strategy: Strategy = .allocator
    ) {
        self.strategy = strategy
        self.repository = repository
        self.catalog = catalog
        self.orders = orders
        self.markets = markets
        self.clock = clock
        self.node = node
        self.admission = admission
        self.leaseLifetime = leaseLifetime
        self.maxInFlight = maxInFlight
        self.journal = SaleJournal(repository: repository, node: node)
    }

    /// Issues a signed single-use purchase token once the sale is open, to accounts that may buy.
    public func issueToken(saleId: String, accountId: String) async throws -> (token: String, expiresAt: Date, proofOfWorkBits: Int) {
        let now = clock.now()
        if let refusal = try await refusal(saleId, accountId: accountId, now: now) { throw refusal }
        let sale = try held(saleId).allocator.sale
        let issued = PurchaseToken.issue(sale: sale, accountId: accountId, now: now)
        return (issued.token, issued.expiresAt, sale.proofOfWorkBits)
    }

    /// The sold-out fast path: refuses at once, before the request body is even read, when the
    /// sale is not open, the account may not buy it, or this node knows every unit is gone. A key
    /// this node already answered passes, so its replay still gets its order.
    public func precheck(saleId: String, accountId: String, idempotencyKey: String) async throws {
        let key = Self.winKey(accountId: accountId, idempotencyKey: idempotencyKey)
        guard quick.withLock({ $0.wins[key] == nil }) else { return }
        if let refusal = try await refusal(saleId, accountId: accountId, now: clock.now()) {
            guard try await acknowledged(refusal, saleId: saleId, accountId: accountId, key: idempotencyKey, request: nil) == nil else { return }
            throw refusal
        }
        if try held(saleId).allocator.soldOut {
            guard try await acknowledged(.soldOut, saleId: saleId, accountId: accountId, key: idempotencyKey, request: nil) == nil else { return }
            throw await answer(.soldOut, saleId: saleId)
        }
    }

    /// The sold-out fast path without entering the actor: `true` when the attempt may go on, a
    /// thrown refusal when it may not, and `false` when only
    /// ``precheck(saleId:accountId:idempotencyKey:)`` can tell (a sale not loaded yet, a
    /// reserved-only or ended sale, a key this node already answered). Rejections after a sell-out
    /// no longer queue on the actor behind the purchases it is deciding.
    public nonisolated func quickPrecheck(saleId: String, accountId: String, idempotencyKey: String) throws -> Bool {
        let now = clock.now()
        let key = Self.winKey(accountId: accountId, idempotencyKey: idempotencyKey)
        let known = quick.withLock { view -> (sale: FlashSale, soldOut: Bool, settled: Bool, bought: Bool)? in
            guard view.wins[key] == nil, let sale = view.sales[saleId] else { return nil }
            return (sale.sale, sale.soldOut, sale.settled, view.buyers.contains(QuickView.buyer(saleId, accountId)))
        }
        guard let known, !known.sale.reservedOnly else { return false }
        switch known.sale.phase(at: now) {
        case .upcoming: throw PurchaseRefusal.notStarted
        case .ended: return false
        case .open:
            // A buyer's key may be one already answered (on another node, before a restart): the
            // actor looks it up. A fan not known as a buyer may yet be one until the sell-out
            // settles; each check reads the buyers since the last, so the retry will know.
            if known.soldOut && !known.bought { throw known.settled ? PurchaseRefusal.soldOut : PurchaseRefusal.inProgress }
            return !known.soldOut
        }
    }

    /// Why `accountId` may not buy now (phase or reservation), or `nil` when it may try. Until a
    /// reserved-only sale's reservations are settled, a fan the allocator does not know is looked
    /// up in the database, so a reservation made after this node loaded the sale (here or on
    /// another node) still counts.
    private func refusal(_ saleId: String, accountId: String, now: Date) async throws -> PurchaseRefusal? {
        // Temporaries only: see ``buy(saleId:accountId:key:address:request:now:)``.
        let refusal = try await load(saleId).allocator.refusal(accountId: accountId, now: now)
        guard refusal == .notReserved, loaded[saleId]?.reservationsSettled == false else { return refusal }
        let sale = try held(saleId).allocator.sale
        if now >= sale.startsAt.addingTimeInterval(Self.reservationsSettle) {
            try await settleReservations(saleId)
        } else if try await repository.hasReserved(saleId: saleId, accountId: accountId) {
            loaded[saleId]?.allocator.addReservation(accountId: accountId)
        }
        // Forgotten while the reservations were read: the sale ended long ago.
        guard let allocator = loaded[saleId]?.allocator else { return .ended }
        return allocator.refusal(accountId: accountId, now: now)
    }

    /// How long after a sale's start a reservation accepted just before it may still be
    /// committing. Reservations read after that are all there will be.
    public static let reservationsSettle: TimeInterval = 10

    /// Reads every reservation of the sale once more, now that none can be added; concurrent
    /// callers share the read.
    private func settleReservations(_ saleId: String) async throws {
        if let running = settling[saleId] { return try await running.value }
        let task = Task { () async throws -> Void in
            defer { self.settling[saleId] = nil }
            let accounts = try await repository.reservedAccounts(saleId: saleId)
            self.loaded[saleId]?.allocator.reservationsAre(accounts)
            self.loaded[saleId]?.reservationsSettled = true
        }
        settling[saleId] = task
        try await task.value
    }

    /// The order a key was already answered with, when a refusal might be for the buyer's own
    /// purchase: after the end (this node forgets its wins, ``tick()``), or once sold out or at
    /// the limit for an account this node knows bought (the key may have been answered on another
    /// node or before a restart; a sell-out check under way, which reads the latest buyers, is
    /// waited for first). Looked up in the database, so an acknowledged key answers its order
    /// whatever the sale's phase; `request`, when known, must match.
    private func acknowledged(_ refusal: PurchaseRefusal, saleId: String, accountId: String, key: String, request: String?) async throws -> Order? {
        switch refusal {
        case .ended: break
        case .soldOut, .limitReached:
            if refusal == .soldOut, let running = sellOutChecks[saleId] { try? await running.value }
            guard quick.withLock({ $0.buyers.contains(QuickView.buyer(saleId, accountId)) }) else { return nil }
        default: return nil
        }
        return try await orders.order(accountId: accountId, idempotencyKey: key, requestHash: request)
    }

    /// The refusal a fan gets once their key is known not to be answered yet: `sold_out` only
    /// when the sell-out is settled (``checkSellOut(_:)``); before, a purchase under the same
    /// key may still be committing on another node, and the retry will know.
    /// A check of the sell-out under way is waited for.
    private func answer(_ refusal: PurchaseRefusal, saleId: String) async -> PurchaseRefusal {
        guard refusal == .soldOut else { return refusal }
        if let running = sellOutChecks[saleId] { try? await running.value }
        return loaded[saleId]?.allocator.sellOutSettled == false ? .inProgress : refusal
    }

    /// Once this node has sold out of a sale, reads the buyers since its last read (so a key
    /// answered on another node is looked up here from then on), and checks whether the pool is
    /// empty and no other node holds units; when so, every purchase that took a unit has
    /// committed, so the buyers read are all there are and `sold_out` becomes final for anyone
    /// else. The figures are read again after the buyers: when a unit was bought anywhere
    /// meanwhile (the count of units ever bought moved), the buyers since are read too, for a
    /// few passes at most; a unit come back here meanwhile (the allocator's generation moved)
    /// leaves it unsettled until the next check. Only the buyers since the last read are read, and
    /// none when nothing was bought since. Answers the check's task (`nil` when this node is not
    /// sold out), registered at once: concurrent callers share it, and a refusal that comes next
    /// waits for it (``answer(_:saleId:)``). Nobody else awaits it, so an error leaves the sale
    /// unsettled and the next tick checks again.
    @discardableResult
    private func checkSellOut(_ saleId: String) -> Task<Void, any Error>? {
        if let running = sellOutChecks[saleId] { return running }
        guard let allocator = loaded[saleId]?.allocator, allocator.soldOut else { return nil }
        let generation = allocator.generation
        let task = Task { () async throws -> Void in
            defer { self.sellOutChecks[saleId] = nil }
            var before = try await repository.sellOut(saleId: saleId, node: node, now: clock.now(), leaseLifetime: leaseLifetime)
            for _ in 0..<3 {
                if before.final && self.loaded[saleId]?.allocator.settledAt == before.bought { return }
                // Every purchase up to `before.bought` had committed when `before` was read.
                let through = self.buyersRead[saleId] ?? -1
                if before.bought > through {
                    self.knowBuyers(try await repository.buyers(saleId: saleId, boughtAfter: through), of: saleId)
                    self.buyersRead[saleId] = before.bought
                }
                guard before.final else {
                    self.loaded[saleId]?.allocator.unsettle()
                    return
                }
                let after = try await repository.sellOut(saleId: saleId, node: node, now: clock.now(), leaseLifetime: leaseLifetime)
                if after == before {
                    self.loaded[saleId]?.allocator.settle(bought: before.bought, since: generation)
                    return
                }
                // Something was bought while the buyers were read (this node's last purchases
                // committing, most often): read the buyers since.
                before = after
            }
            // Still moving after a few passes: not settled until a later check finds it still.
            self.loaded[saleId]?.allocator.unsettle()
        }
        sellOutChecks[saleId] = task
        return task
    }

    /// Lets the fast path send these accounts' keys of the sale to be looked up.
    private nonisolated func knowBuyers(_ accounts: some Sequence<String>, of saleId: String) {
        let buyers = accounts.map { QuickView.buyer(saleId, $0) }
        quick.withLock { $0.buyers.formUnion(buyers) }
    }

    /// Buys one unit for `accountId` with a purchase token (and its proof of work when the sale
    /// asks for one). A repeated `idempotencyKey` answers the first order.
    public func purchase(
        saleId: String, accountId: String, ip: String, idempotencyKey: String, address: ShippingAddress, token: String?, proof: String? = nil
    ) async throws -> SaleOrder {
        let key = Self.winKey(accountId: accountId, idempotencyKey: idempotencyKey)
        let request = SalePurchase.requestHash(saleId: saleId, address: address)
        if let won = quick.withLock({ $0.wins[key] }) {
            try IdempotentRequest.check(stored: won.requestHash, given: request)
            return SaleOrder(order: won.order, replayed: true)
        }
        guard !attempts.contains(key) else { throw PurchaseRefusal.inProgress }
        let now = clock.now()
        guard admission.admit(accountId: accountId, ip: ip, now: now) else { throw PurchaseRefusal.rateLimited }
        guard inFlight < maxInFlight, !closing else { throw PurchaseRefusal.overloaded }
        if let refusal = try await refusal(saleId, accountId: accountId, now: now) {
            if let order = try await acknowledged(refusal, saleId: saleId, accountId: accountId, key: idempotencyKey, request: request) {
                return SaleOrder(order: order, replayed: true)
            }
            throw refusal
        }
        let sale = try held(saleId).allocator.sale
        guard let token else { throw PurchaseRefusal.invalidToken }
        let pass = try PurchaseToken.verify(token, sale: sale, accountId: accountId, now: now)
        guard PurchaseToken.proofHolds(token: token, proof: proof ?? "", bits: sale.proofOfWorkBits) else { throw PurchaseRefusal.proofOfWorkFailed }
        guard spentTokens[pass.nonce] == nil else { throw PurchaseRefusal.invalidToken }
        attempts.insert(key)
        spentTokens[pass.nonce] = saleId
        defer { attempts.remove(key) }
        do {
            let result = try await buy(saleId: saleId, accountId: accountId, key: idempotencyKey, address: address, request: request, now: now)
            quick.withLock {
                $0.wins[key] = (saleId, result.order, request)
                $0.buyers.insert(QuickView.buyer(saleId, accountId))
            }
            return result
        } catch {
            // Only a token that bought an order is spent.
            spentTokens[pass.nonce] = nil
            throw error
        }
    }

    private func buy(saleId: String, accountId: String, key: String, address: ShippingAddress, request: String, now: Date) async throws -> SaleOrder {
        // No copy of the sale's `Loaded` is kept here: while one is alive, every change the actor
        // makes to the allocator copies its per-account table, a cost that grows with every win.
        _ = try await load(saleId)
        if strategy == .rowLock {
            let purchase = try held(saleId).purchase(accountId: accountId, key: key, address: address, now: now, request: request)
            switch try await repository.commitOne(purchase) {
            case .created(_, let number): return SaleOrder(order: purchase.order(number: number), replayed: false)
            case .replayed(let orderId): return try await replayed(orderId)
            case .keyReused: throw IdempotentRequest.reused
            case .limitReached, .leaseLost: throw PurchaseRefusal.limitReached
            }
        }
        decide: while true {
            guard let decision = loaded[saleId]?.allocator.decide(accountId: accountId, now: now) else { throw PurchaseRefusal.ended }
            switch decision {
            case .refuse(let refusal):
                // A key of a buyer's answered before this node started (or on another node) still
                // answers its order.
                if let order = try await acknowledged(refusal, saleId: saleId, accountId: accountId, key: key, request: request) {
                    return SaleOrder(order: order, replayed: true)
                }
                throw await answer(refusal, saleId: saleId)
            case .needLease:
                try await refill(saleId)
            case .take:
                if wantsEarlyLease(saleId) { Task { await self.leaseEarly(saleId) } }
                // The last unit: learn whether the sell-out is settled before the next fan asks.
                if loaded[saleId]?.allocator.soldOut == true { checkSellOut(saleId) }
                break decide
            }
        }
        let purchase = try held(saleId).purchase(accountId: accountId, key: key, address: address, now: now, request: request)
        inFlight += 1
        defer { inFlight -= 1 }
        let outcome: JournalOutcome
        do {
            outcome = try await journal.write(purchase)
        } catch {
            loaded[saleId]?.allocator.giveBack(accountId: accountId)
            throw error
        }
        switch outcome {
        case .created(_, let number):
            return SaleOrder(order: purchase.order(number: number), replayed: false)
        case .replayed(let orderId):
            loaded[saleId]?.allocator.giveBack(accountId: accountId)
            return try await replayed(orderId)
        case .keyReused:
            loaded[saleId]?.allocator.giveBack(accountId: accountId)
            throw IdempotentRequest.reused
        case .limitReached:
            loaded[saleId]?.allocator.giveBack(accountId: accountId)
            throw PurchaseRefusal.limitReached
        case .leaseLost:
            // The database took this node's lease back: forget it and let the fan try again.
            _ = loaded[saleId]?.allocator.surrender()
            loaded[saleId]?.allocator.release(accountId: accountId)
            throw PurchaseRefusal.overloaded
        }
    }

    /// The sale as this node holds it. Every `await` may let ``forgetEnded(now:)`` drop a sale
    /// that ended long ago, so a caller that loaded it before a suspension asks again and gets
    /// `ended`, never a trap.
    private func held(_ saleId: String) throws -> Loaded {
        guard let sale = loaded[saleId] else { throw PurchaseRefusal.ended }
        return sale
    }

    /// The order an earlier request with the same key created.
    private func replayed(_ orderId: String) async throws -> SaleOrder {
        guard let order = try await orders.order(id: orderId) else { throw DomainError.notFound(what: "order") }
        return SaleOrder(order: order, replayed: true)
    }

    /// Buys one unit with an F-code: no contention, before or during the sale.
    public func redeem(fcode: String, saleId: String, accountId: String, idempotencyKey: String, address: ShippingAddress) async throws -> SaleOrder {
        let now = clock.now()
        let purchase = try await load(saleId).purchase(accountId: accountId, key: idempotencyKey, address: address, now: now)
        guard purchase.sale.phase(at: now) != .ended else { throw PurchaseRefusal.ended }
        switch try await repository.redeem(fcode: fcode, purchase: purchase) {
        case .created(_, let number):
            loaded[saleId]?.allocator.count(accountId: accountId)
            knowBuyers([accountId], of: saleId)
            return SaleOrder(order: purchase.order(number: number), replayed: false)
        case .replayed(let orderId):
            return try await replayed(orderId)
        case .keyReused:
            throw IdempotentRequest.reused
        case .limitReached, .leaseLost:
            throw PurchaseRefusal.limitReached
        }
    }

    /// An order of some sale was cancelled or expired: the buyer may buy again and the unit is
    /// back in the pool at once.
    public func released(_ release: SaleRelease) {
        loaded[release.saleId]?.allocator.release(accountId: release.accountId)
        loaded[release.saleId]?.allocator.poolIs(1)
    }

    /// The figures last read for a sale; viewers share them, no database read per viewer.
    public func figures(saleId: String) -> SaleFigures? { published[saleId] }

    /// The next scheduled sale of the same SKU in the same market, as of the last tick.
    public func nextBatch(after saleId: String) -> FlashSale? { nextBatches[saleId] }

    /// Called about every 250 ms: renews this node's leases, reads the figures of every current
    /// sale once, and gives back unsold leases of ended sales and of sales whose pool is empty
    /// while this node sells nothing, so no unit waits here while another node says sold out.
    public func tick() async throws {
        let now = clock.now()
        try await repository.renewLeases(node: node, now: now)
        let current = try await repository.sales(endingAfter: now.addingTimeInterval(-60), limit: 100)
        nextBatches = Dictionary(uniqueKeysWithValues: current.compactMap { sale in
            current.first { $0.skuId == sale.skuId && $0.marketCode == sale.marketCode && $0.startsAt >= sale.endsAt }.map { (sale.id, $0) }
        })
        var failed: (any Error)?
        for sale in current {
            let figures = try await repository.figures(saleId: sale.id, now: now, leaseLifetime: leaseLifetime)
            published[sale.id] = figures
            loaded[sale.id]?.allocator.poolIs(figures.pool)
            if figures.pool == 0 { checkSellOut(sale.id) }
            let hoarding = loaded[sale.id]?.allocator.isHoarding(poolIsEmpty: figures.pool == 0, now: now) ?? false
            if sale.phase(at: now) == .ended || hoarding, let unsold = loaded[sale.id]?.allocator.surrender(), unsold > 0 {
                do {
                    try await repository.returnLease(saleId: sale.id, node: node, units: unsold)
                } catch {
                    // Still in this node's lease: sold from here, or given back on a later tick.
                    loaded[sale.id]?.allocator.restore(unsold)
                    failed = failed ?? error
                }
            }
        }
        _ = try await repository.closeEndedSales(now: now)
        forgetEnded(now: now)
        // The other sales had their tick; the failure is reported now.
        if let failed { throw failed }
    }

    /// How long after its end a sale stays in memory: its unsold lease goes back on the first tick
    /// after the end, and its tokens expired at the end.
    public static let keepEnded: TimeInterval = 300

    /// Drops sales that ended over ``keepEnded`` ago, with their wins and spent nonces, so a node
    /// that runs launch after launch holds only the current ones.
    private func forgetEnded(now: Date) {
        let gone = Set(loaded.values.map(\.allocator.sale).filter { now.timeIntervalSince($0.endsAt) > Self.keepEnded }.map(\.id))
        guard !gone.isEmpty else { return }
        for saleId in gone {
            loaded[saleId] = nil
            published[saleId] = nil
            buyersRead[saleId] = nil
        }
        quick.withLock { view in
            view.wins = view.wins.filter { !gone.contains($0.value.saleId) }
            view.buyers = view.buyers.filter { !gone.contains(String($0.prefix { $0 != " " })) } // the sale before the space
        }
        spentTokens = spentTokens.filter { !gone.contains($0.value) }
    }

    /// The group-commit journal's transactions, the purchases in them, and the time spent
    /// committing them, for `/metrics` (read on the journal, not on this actor).
    public nonisolated func journalFigures() async -> (transactions: Int, purchases: Int, committing: Duration) {
        let figures = await journal.figures()
        return (figures.transactions, figures.entries, figures.committing)
    }

    /// Sales this node holds in memory, with their wins and spent nonces.
    public var salesInMemory: (sales: Int, wins: Int, spentTokens: Int) { (loaded.count, quick.withLock { $0.wins.count }, spentTokens.count) }

    /// How a purchase is known in `wins` and `attempts`: the account and its Idempotency-Key.
    static func winKey(accountId: String, idempotencyKey: String) -> String { accountId + " " + idempotencyKey }

    /// `true` once the node is shutting down: live streams end so shutdown is not held up. Read
    /// without entering the actor, by every live stream at every turn.
    public nonisolated var closing: Bool { shuttingDown.load(ordering: .relaxed) }
    private let shuttingDown = Atomic<Bool>(false)

    /// Stops selling and gives every unsold leased unit back, so no unit waits for a lease to expire.
    public func close() async {
        shuttingDown.store(true, ordering: .relaxed)
        for saleId in loaded.keys {
            guard let units = loaded[saleId]?.allocator.surrender(), units > 0 else { continue }
            try? await repository.returnLease(saleId: saleId, node: node, units: units)
        }
    }

    /// Journal counters: transactions written and purchases in them.
    public func journalCounters() async -> (transactions: Int, purchases: Int) {
        (await journal.transactions, await journal.committed)
    }

    /// The next block, leased while the last one still sells (``SaleAllocator/wantsLease``). A
    /// failed early lease is asked for again when the units run out.
    private func leaseEarly(_ saleId: String) async {
        // Asked again: another early lease may have come in since this one was started.
        guard wantsEarlyLease(saleId) else { return }
        try? await refill(saleId)
    }

    private func wantsEarlyLease(_ saleId: String) -> Bool {
        loaded[saleId]?.allocator.wantsLease == true && leasing[saleId] == nil
    }

    /// Leases a block for the sale; concurrent callers share one database round trip. The task
    /// runs on this actor and records the grant itself, so no caller sees it finished before the
    /// units are in the allocator.
    private func refill(_ saleId: String) async throws {
        if let running = leasing[saleId] { return try await running.value }
        let task = Task { () async throws -> Void in
            defer { self.leasing[saleId] = nil }
            let now = clock.now()
            let figures = try await repository.figures(saleId: saleId, now: now, leaseLifetime: leaseLifetime)
            // A quarter of what is left: with several nodes each takes a quarter of the remainder
            // in turn, so blocks shrink as the pool empties whether or not this node knows the others.
            let block = SaleAllocator.blockSize(pool: figures.pool, nodes: 1)
            let granted = block == 0 ? 0 : try await repository.lease(saleId: saleId, node: node, units: block, now: now, leaseLifetime: leaseLifetime)
            self.loaded[saleId]?.allocator.granted(granted)
            if granted == 0 { self.checkSellOut(saleId) }
        }
        leasing[saleId] = task
        try await task.value
    }

    /// Loads a sale once; concurrent callers share the read. Like ``refill(_:)``, the task stores
    /// what it loaded itself, so every caller finds it in `loaded` when it resumes.
    private func load(_ saleId: String) async throws -> Loaded {
        if let sale = loaded[saleId] { return sale }
        if let running = loading[saleId] { return try await running.value }
        let task = Task { () async throws -> Loaded in
            defer { self.loading[saleId] = nil }
            guard Identifier.isWellFormed(saleId), let sale = try await repository.sale(id: saleId) else {
                throw DomainError.notFound(what: "flash sale")
            }
            guard let market = try await markets.market(code: sale.marketCode), let sku = try await catalog.sku(id: sale.skuId),
                  let product = try await catalog.product(id: sku.productId)
            else { throw DomainError.notFound(what: "flash sale") }
            let readAt = clock.now()
            let reserved = sale.reservedOnly ? try await repository.reservedAccounts(saleId: saleId) : []
            let fresh = Loaded(
                allocator: SaleAllocator(sale: sale, reserved: reserved, perAccount: try await repository.buyers(saleId: saleId)),
                reservationsSettled: !sale.reservedOnly || readAt >= sale.startsAt.addingTimeInterval(Self.reservationsSettle),
                market: market, skuCode: sku.code, productName: product.text(in: market.defaultLanguage).name)
            if self.loaded[saleId] == nil {
                self.loaded[saleId] = fresh
                knowBuyers(fresh.allocator.perAccount.keys, of: saleId)
            }
            return self.loaded[saleId] ?? fresh
        }
        loading[saleId] = task
        return try await task.value
    }
}

extension SalePurchase {
    /// The order the journal stored for this purchase under `number`, as the API shows it.
    public func order(number: String) -> Order {
        Order(
            id: orderId, number: number, accountId: accountId, marketCode: sale.marketCode, currency: sale.currency, status: .pendingPayment,
            lines: [OrderLine(skuId: sale.skuId, skuCode: skuCode, productName: productName, warehouseId: sale.warehouseId,
                              quantity: 1, unitPrice: sale.price, lineTotal: sale.price)],
            totals: totals, shippingAddress: address, paymentDeadline: paymentDeadline, createdAt: now,
            timeline: [OrderTransition(from: nil, to: .pendingPayment, actor: "account:\(accountId)", note: "bought in the flash sale", at: now)])
    }
}
extension FlashSaleEngine: SaleUnitReturns {}
