import Foundation

/// The flash-sale use cases around the purchase (which is ``FlashSaleEngine``'s): the calendar,
/// a sale by id, its live figures, reservations, purchase tokens, scheduling and F-codes. Routes
/// and pages both call it, so the rules (reservations close at the start, no F-codes for an
/// ended sale) are written once.
public struct SaleDesk: Sendable {
    /// Decides purchases in memory and journals the wins.
    public let engine: FlashSaleEngine
    private let sales: any FlashSaleRepository
    private let scheduler: SaleScheduler
    private let clock: any MilletClock
    /// Sales read by id, kept for every later request: once staff create a sale nothing about it
    /// changes but its counters, which ``SaleFigures`` carry.
    public let knownSales = BoundedCache<String, FlashSale>()
    /// Reservations, group-committed: in the hour before a sale every fan reserves at once.
    public let reservations: GroupCommit<SaleReservation, ReservationOutcome>

    public init(engine: FlashSaleEngine, sales: any FlashSaleRepository, scheduler: SaleScheduler, clock: any MilletClock) {
        self.engine = engine
        self.sales = sales
        self.scheduler = scheduler
        self.clock = clock
        self.reservations = GroupCommit(executor: sales.journalExecutor) { try await sales.reserve($0) }
    }

    /// Sales that have not ended, soonest first.
    public func calendar(limit: Int = 100) async throws -> [FlashSale] {
        try await sales.sales(endingAfter: clock.now(), limit: limit)
    }

    /// The sale with this id, or `not_found`; read from the database once per node.
    public func sale(id: String) async throws -> FlashSale {
        if let known = knownSales[id] { return known }
        guard Identifier.isWellFormed(id), let sale = try await sales.sale(id: id) else { throw DomainError.notFound(what: "flash sale") }
        knownSales.store(sale, for: id)
        return sale
    }

    /// The sale's figures as the engine last published them, or read once when it has none yet.
    public func figures(saleId: String) async throws -> SaleFigures {
        if let published = await engine.figures(saleId: saleId) { return published }
        return try await sales.figures(saleId: saleId, now: clock.now(), leaseLifetime: engine.leaseLifetime)
    }

    /// Reserves the fan a place before the start, durably (group-committed with the other fans'
    /// reservations); `conflict(reservations_closed)` once it opened.
    public func reserve(_ sale: FlashSale, accountId: String) async throws -> (added: Bool, reservations: Int64) {
        let now = clock.now()
        guard sale.acceptsReservations(at: now) else {
            throw DomainError.conflict(code: "reservations_closed", message: "reservations close when the sale opens")
        }
        let outcome = try await reservations.write(SaleReservation(saleId: sale.id, accountId: accountId, now: now))
        return (outcome.added, outcome.reservations)
    }

    /// Whether the fan reserved a place.
    public func hasReserved(_ sale: FlashSale, accountId: String) async throws -> Bool {
        try await sales.hasReserved(saleId: sale.id, accountId: accountId)
    }

    /// A signed purchase token for the fan; a refusal (not open, not reserved) is thrown as is.
    /// The engine answers from the sale it holds in memory: at the open every fan asks at once,
    /// and none of them causes a database read.
    public func token(saleId: String, accountId: String) async throws -> (token: String, expiresAt: Date, proofOfWorkBits: Int) {
        try await engine.issueToken(saleId: saleId, accountId: accountId)
    }

    /// Schedules a sale, taking its units from one warehouse's stock; see ``SaleScheduler``.
    public func schedule(_ request: SaleRequest) async throws -> FlashSale {
        try await scheduler.schedule(request)
    }

    /// `count` F-codes from the sale's pool; none for a sale that has ended.
    public func issueFCodes(_ sale: FlashSale, count: Int) async throws -> [String] {
        let now = clock.now()
        guard sale.phase(at: now) != .ended else { throw PurchaseRefusal.ended }
        return try await sales.issueFCodes(saleId: sale.id, count: count, now: now)
    }
}
