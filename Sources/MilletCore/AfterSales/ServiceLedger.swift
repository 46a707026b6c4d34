import Foundation

/// Service cases, sold serials and returned stock inside a ``Transaction``.
public protocol ServiceLedger: Sendable {
    /// Stores a new case with its lines and history.
    func insert(_ serviceCase: ServiceCase) async throws
    /// The case, its row locked until the commit.
    func serviceCase(id: String) async throws -> ServiceCase?
    /// Every case of an order, oldest first.
    func serviceCases(orderId: String) async throws -> [ServiceCase]
    /// The eco-chain brand whose products all the SKUs are (or, with none, whose unit the
    /// serial was sold as); `nil` for the store's own or a mix.
    func brand(ofSkus skuIds: [String], serial: String?) async throws -> String?
    /// Stores the case's status and what it settled, and appends `transition` to its history.
    func update(_ serviceCase: ServiceCase, adding transition: CaseTransition) async throws
    /// The sale of a serial.
    func serialRecord(serial: String) async throws -> SerialRecord?
    /// Records `newSerial` as sold in the same order to the same owner, its warranty counting
    /// from `warrantyFrom`, and marks `old` replaced by it; `conflict(serial_sold)` when the new
    /// serial went out before.
    func replace(_ old: SerialRecord, with newSerial: String, warrantyFrom: Date, at: Date) async throws
    /// Units that came back, graded: `resell` puts them on sale again in their warehouse,
    /// `refurbish` adds them to its refurbished stock, `scrap` only records them.
    func receiveReturned(_ lines: [CaseLine], warehouses: [String: String], grade: InspectionGrade, caseId: String, at: Date) async throws
    /// Takes one new unit of the SKU from the warehouse for an exchange; `conflict(out_of_stock)`.
    func takeReplacement(skuId: String, warehouseId: String) async throws
    func serviceCentre(id: String) async throws -> ServiceCentre?
    /// The market's centres by name, only active ones unless `includeInactive`.
    func serviceCentres(marketCode: String, includeInactive: Bool) async throws -> [ServiceCentre]
    /// Takes one of each stocked part from the centre's shelf; `conflict(part_out_of_stock)`.
    func consumeSpareParts(_ codes: [String], centreId: String) async throws
    /// Stores a plan bought for a unit.
    func insert(_ plan: PlanCover) async throws
    /// The plans bought for a unit, with their orders' status applied.
    func planCoversInLedger(serial: String) async throws -> [PlanCover]
    /// One plan, with its order's status applied.
    func planCoverInLedger(id: String) async throws -> PlanCover?
    /// Marks a plan cancelled.
    func cancelPlan(id: String) async throws
    /// Adds a photo to the case.
    func addPhoto(_ photo: CasePhoto, caseId: String) async throws
    /// Takes one of the centre's pickups on `day` if fewer than `capacity` are booked.
    func bookPickup(centreId: String, day: String, capacity: Int) async throws -> Bool
    /// Gives a booked pickup back.
    func releasePickup(centreId: String, day: String) async throws
    /// Puts a webhook delivery in the outbox for every endpoint that wants the event.
    func publish(_ event: WebhookEvent, data: [String: String], at: Date) async throws
}

/// Service cases as pages and the background check read them.
public protocol ServiceCaseRepository: Sendable {
    func serviceCase(id: String) async throws -> ServiceCase?
    /// A fan's cases, newest first.
    func serviceCases(accountId: String) async throws -> [ServiceCase]
    /// The staff queue: cases in `status` (every open one when `nil`) of a market (all when
    /// `nil`), the nearest deadline first.
    func serviceCases(status: CaseStatus?, marketCode: String?, limit: Int) async throws -> [ServiceCase]
    /// An eco-chain brand's cases, in `status` (every one when `nil`), newest first.
    func serviceCases(brandId: String, status: CaseStatus?, limit: Int) async throws -> [ServiceCase]
    /// Returns not refunded yet whose goods are on their way or in, past their deadline.
    func overdueReturnIds(now: Date, limit: Int) async throws -> [String]
    func serialRecord(serial: String) async throws -> SerialRecord?
    /// The units a fan owns now (sold to them and not replaced), newest first.
    func serialRecords(accountId: String) async throws -> [SerialRecord]
    /// The pickups booked for `day`, of one centre or all, by centre.
    func pickups(day: String, centreId: String?) async throws -> [ServiceCase]
}
