import Foundation
import MilletCore
import Synchronization
import Testing
@testable import MilletStorage

/// The order desk's use cases on every backend: each is one transaction, and refunds leave
/// through the outbox.
extension StorageConformanceTests {
    /// Pays an order through the desk as the provider's notice would.
    func pay(_ store: SQLStore, _ order: Order) async throws -> Payment {
        let payment = try await store.createPayment(orderId: order.id, provider: "sandbox", now: clock.now())
        let notice = PaymentNotice(eventId: "evt_\(order.id)", kind: .succeeded, paymentId: payment.id, amount: payment.amount, currency: payment.currency)
        #expect(try await store.desk(clock).receive(notice, provider: "sandbox").outcome == .orderPaid)
        return try #require(try await store.payment(id: payment.id))
    }

    func sandbox(_ store: SQLStore) -> SandboxPaymentProvider {
        SandboxPaymentProvider(secret: "desk-test", ledger: store, clock: clock)
    }

    @Test(arguments: Backends.all) func aRefusedSerialShipsNothing(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let first = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "serial-a-1").order
            let second = try await place(store, fan: fan, sku: sku, quantity: 2, market: market, key: "serial-b-1").order
            _ = try await pay(store, first)
            _ = try await pay(store, second)
            let desk = store.desk(clock)
            #expect(try await desk.ship(orderId: first.id, serials: ["ser-0001"], actor: "staff:x", note: "").status == .shipped)

            await #expect(throws: DomainError.conflict(code: "serial_sold", message: "serial SER-0001 went out in another order")) {
                try await desk.ship(orderId: second.id, serials: ["SER-0002", "SER-0001"], actor: "staff:x", note: "")
            }
            let after = try #require(try await store.order(id: second.id))
            #expect(after.status == .paid && after.timeline.map(\.to) == [.pendingPayment, .paid])
            #expect(try await store.read { db in try await SQLStore.saleOrder(db: db, serial: "SER-0002") } == nil)
            #expect(try await store.read { db in try await SQLStore.saleOrder(db: db, serial: "SER-0001") } == first.id)
            await #expect(throws: DomainError.self) {
                try await desk.ship(orderId: second.id, serials: ["S1", "SER-0009"], actor: "staff:x", note: "")
            }
            #expect(try await desk.ship(orderId: second.id, serials: ["SER-0002", "SER-0003"], actor: "staff:x", note: "").status == .shipped)
        }
    }

    @Test(arguments: Backends.all) func aSerialRefusedAfterTheOrderMovedShipsNothing(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "late-refusal-1").order
            _ = try await pay(store, order)
            // The serial is taken between the desk's check and its write, as a concurrent shipment would.
            let desk = OrderDesk(store: SerialTakenMeanwhile(store: store), orders: store, catalog: store, delivery: DeliveryOptions(methods: store, clock: clock), saleUnits: SaleUnitsHeard(), invoices: InvoiceIssuer(), clock: clock)
            await #expect(throws: DomainError.conflict(code: "serial_sold", message: "serial SER-0100 went out in another order")) {
                try await desk.ship(orderId: order.id, serials: ["SER-0100"], actor: "staff:x", note: "")
            }
            let after = try #require(try await store.order(id: order.id))
            #expect(after.status == .paid && after.timeline.map(\.to) == [.pendingPayment, .paid])
        }
    }

    @Test(arguments: Backends.all) func aSenderThatLostItsLeaseWritesNothing(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "lease-lost-1").order
            _ = try await pay(store, order)
            let requested = try #require(try await store.desk(clock).refund(orderId: order.id, amount: 500, reason: "dent", actor: "staff:x").refunds.first)
            let start = clock.now()
            let first = start.addingTimeInterval(RefundSender.lease)
            let slow = try #require(try await store.transaction { tx in try await tx.lease(refundId: requested.id, dueAt: start, until: first) })
            // The first sender's lease runs out; another takes the refund over and settles it.
            clock.advance(by: RefundSender.lease + 1)
            let second = clock.now().addingTimeInterval(RefundSender.lease)
            var fast = try #require(try await store.transaction { tx in try await tx.lease(refundId: requested.id, dueAt: first, until: second) })
            fast.record(.succeeded(reference: "re_fast"), now: clock.now(), policy: RefundRetryPolicy())
            let settled = fast, late = slow
            let fastWrote: Bool = try await store.transaction { tx in try await tx.update(settled, leasedUntil: second) }
            #expect(fastWrote)
            var timedOut = late
            timedOut.record(.failed(error: "timeout"), now: clock.now(), policy: RefundRetryPolicy())
            let lateAnswer = timedOut
            let slowWrote: Bool = try await store.transaction { tx in try await tx.update(lateAnswer, leasedUntil: first) }
            #expect(!slowWrote)
            let stored = try #require(try await store.order(id: order.id)?.refunds.first)
            #expect(stored.status == .succeeded && stored.providerReference == "re_fast")
        }
    }

    @Test(arguments: Backends.all) func partialRefundsNeverPassTheCaptureAndReachTheSandbox(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "partial-1").order
            let payment = try await pay(store, order)
            let desk = store.desk(clock)
            _ = try await desk.refund(orderId: order.id, amount: 1_000, reason: "scratched box", actor: "staff:x")
            _ = try await desk.refund(orderId: order.id, amount: 2_000, reason: "late delivery", actor: "staff:x")
            await #expect(throws: DomainError.self) {
                try await desk.refund(orderId: order.id, amount: payment.amount - 2_999, reason: "too much", actor: "staff:x")
            }
            await #expect(throws: DomainError.self) { try await desk.refund(orderId: order.id, amount: 0, reason: "zero", actor: "staff:x") }
            let rest = try await desk.refund(orderId: order.id, amount: payment.amount - 3_000, reason: "goodwill", actor: "staff:x")
            #expect(rest.status == .paid)
            #expect(rest.refunds.map(\.amount).sorted() == [1_000, 2_000, payment.amount - 3_000].sorted())
            #expect(rest.refunds.allSatisfy { $0.status == .requested && $0.paymentId == payment.id })
            #expect(rest.timeline.filter { $0.note.hasPrefix("refund of") }.count == 3)
            #expect(try await store.payment(id: payment.id)?.status == .refunded)
            await #expect(throws: DomainError.self) { try await desk.refund(orderId: order.id, amount: 1, reason: "more", actor: "staff:x") }

            let sender = RefundSender(store: store, refunds: store, provider: sandbox(store), invoices: InvoiceIssuer(), clock: clock)
            #expect(try await sender.sendDue() == 3)
            #expect(try await sender.sendDue() == 0)
            let books = try await store.sandboxRefunds(paymentId: payment.id, limit: 10)
            #expect(books.map(\.amount).reduce(0, +) == payment.amount)
            #expect(Set(books.map(\.idempotencyKey)) == Set(rest.refunds.map(\.id)))
            let settled = try #require(try await store.order(id: order.id))
            #expect(settled.refunds.allSatisfy { $0.status == .succeeded && $0.providerReference?.hasPrefix("re_") == true })
            #expect(settled.timeline.filter { $0.note.contains("succeeded") && $0.actor == "provider:sandbox" }.count == 3)
        }
    }

    @Test(arguments: Backends.all) func aCancelledPaidOrderIsRefundedOnceThroughRetries(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 2, market: market, key: "cancel-paid-1").order
            let payment = try await pay(store, order)
            let cancelled = try await store.desk(clock).cancel(orderId: order.id, actor: "staff:x", note: "out of stock at the carrier")
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.refunds.map(\.amount) == [payment.amount])
            try await expectStock(store, sku: sku, held: 0, sold: 0)

            // The provider fails twice (a timeout after it recorded the refund, then an outage),
            // then answers: one refund at the provider, three tries on the schedule.
            let provider = Flaky(sandbox(store), failures: 2)
            let sender = RefundSender(store: store, refunds: store, provider: provider, invoices: InvoiceIssuer(), clock: clock, policy: RefundRetryPolicy(delays: [5, 30]))
            #expect(try await sender.sendDue() == 0)
            #expect(try await sender.sendDue() == 0)
            var refund = try #require(try await store.order(id: order.id)?.refunds.first)
            #expect(refund.attempts == 1 && refund.status == .requested && refund.nextAttemptAt == clock.now().addingTimeInterval(5))
            clock.advance(by: 5)
            #expect(try await sender.sendDue() == 0)
            clock.advance(by: 30)
            #expect(try await sender.sendDue() == 1)
            refund = try #require(try await store.order(id: order.id)?.refunds.first)
            #expect(refund.attempts == 3 && refund.status == .succeeded && refund.lastError == nil)
            #expect(provider.calls == 3)
            #expect(try await store.sandboxRefunds(paymentId: payment.id, limit: 10).count == 1)
        }
    }

    @Test(arguments: Backends.all) func aDeclinedRefundFailsAndTheMoneyCanBeRefundedAgain(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "declined-1").order
            let payment = try await pay(store, order)
            _ = try await store.desk(clock).apply(.refund, orderId: order.id, serials: [], actor: "staff:x", note: "returned unopened")
            // The provider already returned this payment elsewhere: it declines Millet's refund.
            _ = try await sandbox(store).refund(RefundRequest(.requested(of: payment, amount: payment.amount, reason: "", actor: "", now: clock.now())))
            let sender = RefundSender(store: store, refunds: store, provider: sandbox(store), invoices: InvoiceIssuer(), clock: clock)
            #expect(try await sender.sendDue() == 1)
            let after = try #require(try await store.order(id: order.id))
            #expect(after.status == .refunded && after.refunds.map(\.status) == [.failed])
            #expect(after.refunds.first?.lastError == "more than the payment's amount")
            #expect(try await store.payment(id: payment.id)?.status == .captured)
            #expect(try await store.desk(clock).refund(orderId: order.id, amount: payment.amount, reason: "again", actor: "staff:x").refunds.count == 2)
        }
    }
}

/// A provider that fails its first `failures` refunds or captures as a network would, then passes them on.
final class Flaky: PaymentProvider {
    struct Outage: Error {}
    let inner: any PaymentProvider
    private let state: Mutex<(failures: Int, calls: Int)>
    var name: String { inner.name }
    var calls: Int { state.withLock { $0.calls } }

    init(_ inner: any PaymentProvider, failures: Int) {
        self.inner = inner
        self.state = Mutex((failures, 0))
    }

    func payURL(for payment: Payment) -> String { inner.payURL(for: payment) }
    func verifyWebhook(signature: String?, body: [UInt8], now: Date) throws -> PaymentNotice {
        try inner.verifyWebhook(signature: signature, body: body, now: now)
    }

    func refund(_ request: RefundRequest) async throws -> String {
        try await pass { try await inner.refund(request) }
    }

    func capture(_ request: CaptureRequest) async throws -> String {
        try await pass { try await inner.capture(request) }
    }

    private func pass(_ send: () async throws -> String) async throws -> String {
        let fail = state.withLock { state -> Bool in
            state.calls += 1
            guard state.failures > 0 else { return false }
            state.failures -= 1
            return true
        }
        // The first failure reaches the provider before the answer is lost, as a timeout does.
        if fail && calls == 1 { _ = try await send() }
        if fail { throw Outage() }
        return try await send()
    }
}

/// The store, but a serial is taken by another order between the desk's check and its write.
struct SerialTakenMeanwhile: UnitOfWork {
    let store: SQLStore

    func transaction<R: Sendable>(_ body: @escaping @Sendable (any Transaction) async throws -> R) async throws -> R {
        try await store.transaction { tx in try await body(Taken(inner: tx)) }
    }

    struct Taken: Transaction {
        let inner: any Transaction
        func recordSale(serials: [String], orderId: String, accountId: String, skuId: String?, at: Date) async throws {
            throw DomainError.conflict(code: "serial_sold", message: "serial \(serials[0]) went out in another order")
        }
        func saleOrder(serial: String) async throws -> String? { try await inner.saleOrder(serial: serial) }
        func order(id: String) async throws -> Order? { try await inner.order(id: id) }
        func apply(_ event: OrderEvent, orderId: String, actor: String, note: String, now: Date) async throws -> OrderEffect {
            try await inner.apply(event, orderId: orderId, actor: actor, note: note, now: now)
        }
        func note(orderId: String, actor: String, note: String, at: Date) async throws { try await inner.note(orderId: orderId, actor: actor, note: note, at: at) }
        func saleRelease(orderId: String) async throws -> SaleRelease? { try await inner.saleRelease(orderId: orderId) }
        func payment(id: String) async throws -> Payment? { try await inner.payment(id: id) }
        func payments(orderId: String) async throws -> [Payment] { try await inner.payments(orderId: orderId) }
        func setStatus(_ status: PaymentStatus, paymentId: String) async throws { try await inner.setStatus(status, paymentId: paymentId) }
        func claim(_ notice: PaymentNotice, provider: String, now: Date) async throws -> Bool { try await inner.claim(notice, provider: provider, now: now) }
        func settle(noticeId: String, outcome: PaymentOutcome) async throws { try await inner.settle(noticeId: noticeId, outcome: outcome) }
        func insert(_ refund: Refund) async throws { try await inner.insert(refund) }
        func refunds(orderId: String) async throws -> [Refund] { try await inner.refunds(orderId: orderId) }
        func update(_ refund: Refund, leasedUntil: Date) async throws -> Bool { try await inner.update(refund, leasedUntil: leasedUntil) }
        func lease(refundId: String, dueAt: Date, until: Date) async throws -> Refund? { try await inner.lease(refundId: refundId, dueAt: dueAt, until: until) }
        func authorize(paymentId: String, captureAt: Date) async throws { try await inner.authorize(paymentId: paymentId, captureAt: captureAt) }
        func leaseCapture(paymentId: String, dueAt: Date, until: Date) async throws -> PendingCapture? {
            try await inner.leaseCapture(paymentId: paymentId, dueAt: dueAt, until: until)
        }
        func recordCapture(_ capture: PendingCapture, settled: Bool, reference: String?, leasedUntil: Date) async throws -> Bool {
            try await inner.recordCapture(capture, settled: settled, reference: reference, leasedUntil: leasedUntil)
        }
        func insert(_ shipment: Shipment) async throws { try await inner.insert(shipment) }
        func shipments(orderId: String) async throws -> [Shipment] { try await inner.shipments(orderId: orderId) }
        func shipment(carrier: String, trackingNumber: String) async throws -> Shipment? { try await inner.shipment(carrier: carrier, trackingNumber: trackingNumber) }
        func record(_ scan: ShipmentScan, on shipment: Shipment) async throws { try await inner.record(scan, on: shipment) }
        func claim(carrierNotice eventId: String, carrier: String, now: Date) async throws -> Bool {
            try await inner.claim(carrierNotice: eventId, carrier: carrier, now: now)
        }
        func nextSequence(market: String, kind: InvoiceKind) async throws -> Int64 { try await inner.nextSequence(market: market, kind: kind) }
        func insert(_ invoice: Invoice) async throws { try await inner.insert(invoice) }
        func invoices(orderId: String) async throws -> [Invoice] { try await inner.invoices(orderId: orderId) }
        func market(code: String) async throws -> Market? { try await inner.market(code: code) }
        func notify(_ notice: Notice) async throws { try await inner.notify(notice) }
        func insertAccount(_ account: Account, language: String?) async throws { try await inner.insertAccount(account, language: language) }
        func accountInLedger(id: String) async throws -> Account? { try await inner.accountInLedger(id: id) }
        func insertAccountToken(hash: String, accountId: String, purpose: AccountTokenPurpose, expiresAt: Date, now: Date) async throws {
            try await inner.insertAccountToken(hash: hash, accountId: accountId, purpose: purpose, expiresAt: expiresAt, now: now)
        }
        func consumeAccountToken(hash: String, purpose: AccountTokenPurpose, now: Date) async throws -> String? {
            try await inner.consumeAccountToken(hash: hash, purpose: purpose, now: now)
        }
        func setPassword(accountId: String, hash: String, now: Date) async throws { try await inner.setPassword(accountId: accountId, hash: hash, now: now) }
        func setEmail(accountId: String, email: String, now: Date) async throws { try await inner.setEmail(accountId: accountId, email: email, now: now) }
        func markEmailVerified(accountId: String, now: Date) async throws { try await inner.markEmailVerified(accountId: accountId, now: now) }
        func insert(_ serviceCase: ServiceCase) async throws { try await inner.insert(serviceCase) }
        func serviceCase(id: String) async throws -> ServiceCase? { try await inner.serviceCase(id: id) }
        func serviceCases(orderId: String) async throws -> [ServiceCase] { try await inner.serviceCases(orderId: orderId) }
        func brand(ofSkus skuIds: [String], serial: String?) async throws -> String? { try await inner.brand(ofSkus: skuIds, serial: serial) }
        func update(_ serviceCase: ServiceCase, adding transition: CaseTransition) async throws { try await inner.update(serviceCase, adding: transition) }
        func serialRecord(serial: String) async throws -> SerialRecord? { try await inner.serialRecord(serial: serial) }
        func replace(_ old: SerialRecord, with newSerial: String, warrantyFrom: Date, at: Date) async throws {
            try await inner.replace(old, with: newSerial, warrantyFrom: warrantyFrom, at: at)
        }
        func receiveReturned(_ lines: [CaseLine], warehouses: [String: String], grade: InspectionGrade, caseId: String, at: Date) async throws {
            try await inner.receiveReturned(lines, warehouses: warehouses, grade: grade, caseId: caseId, at: at)
        }
        func takeReplacement(skuId: String, warehouseId: String) async throws { try await inner.takeReplacement(skuId: skuId, warehouseId: warehouseId) }
        func publish(_ event: WebhookEvent, data: [String: String], at: Date) async throws { try await inner.publish(event, data: data, at: at) }
        func serviceCentre(id: String) async throws -> ServiceCentre? { try await inner.serviceCentre(id: id) }
        func serviceCentres(marketCode: String, includeInactive: Bool) async throws -> [ServiceCentre] {
            try await inner.serviceCentres(marketCode: marketCode, includeInactive: includeInactive)
        }
        func addPhoto(_ photo: CasePhoto, caseId: String) async throws { try await inner.addPhoto(photo, caseId: caseId) }
        func consumeSpareParts(_ codes: [String], centreId: String) async throws { try await inner.consumeSpareParts(codes, centreId: centreId) }
        func place(_ draft: OrderDraft) async throws -> Order { try await inner.place(draft) }
        func insert(_ plan: PlanCover) async throws { try await inner.insert(plan) }
        func planCoversInLedger(serial: String) async throws -> [PlanCover] { try await inner.planCoversInLedger(serial: serial) }
        func cancelPlan(id: String) async throws { try await inner.cancelPlan(id: id) }
        func planCoverInLedger(id: String) async throws -> PlanCover? { try await inner.planCoverInLedger(id: id) }
        func bookPickup(centreId: String, day: String, capacity: Int) async throws -> Bool {
            try await inner.bookPickup(centreId: centreId, day: day, capacity: capacity)
        }
        func releasePickup(centreId: String, day: String) async throws { try await inner.releasePickup(centreId: centreId, day: day) }
        func takePlace(skuId: String, marketCode: String, now: Date) async throws -> ProductionBatch? {
            try await inner.takePlace(skuId: skuId, marketCode: marketCode, now: now)
        }
        func campaignsDue(now: Date) async throws -> [ProductionBatch] { try await inner.campaignsDue(now: now) }
        func join(_ entry: WaitlistEntry) async throws { try await inner.join(entry) }
        func insert(_ organisation: PartnerOrganisation) async throws { try await inner.insert(organisation) }
        func insert(_ store: PartnerStore) async throws { try await inner.insert(store) }
        func insert(_ key: PartnerKey) async throws { try await inner.insert(key) }
        func revokeKey(id: String, organisationId: String, at: Date) async throws -> Bool { try await inner.revokeKey(id: id, organisationId: organisationId, at: at) }
        func allocate(_ allocation: Allocation, units: Int64, actor: String, at: Date) async throws -> Allocation {
            try await inner.allocate(allocation, units: units, actor: actor, at: at)
        }
        func returnToWarehouse(allocationId: String, units: Int64, actor: String, at: Date) async throws -> Allocation {
            try await inner.returnToWarehouse(allocationId: allocationId, units: units, actor: actor, at: at)
        }
        func storeSale(organisationId: String, idempotencyKey: String, requestHash: String) async throws -> StoreSale? {
            try await inner.storeSale(organisationId: organisationId, idempotencyKey: idempotencyKey, requestHash: requestHash)
        }
        func record(_ record: StoreSaleRecord) async throws { try await inner.record(record) }
        func returnUnits(_ units: StoreSaleReturn) async throws -> StoreSale { try await inner.returnUnits(units) }
        func insert(_ minimum: MinimumPrice) async throws { try await inner.insert(minimum) }
        func setCommission(organisationId: String, basisPoints: Int) async throws {
            try await inner.setCommission(organisationId: organisationId, basisPoints: basisPoints)
        }
        func endMinimum(id: String, at: Date) async throws -> MinimumPrice? { try await inner.endMinimum(id: id, at: at) }
        func report(_ days: [SellThroughDay]) async throws { try await inner.report(days) }
        func insert(_ member: PartnerMember) async throws { try await inner.insert(member) }
        func submit(_ product: Product, prices: [SKUPrice], review: ProductReview) async throws { try await inner.submit(product, prices: prices, review: review) }
        func decide(_ review: ProductReview) async throws { try await inner.decide(review) }
        func removeMember(organisationId: String, accountId: String) async throws -> Bool {
            try await inner.removeMember(organisationId: organisationId, accountId: accountId)
        }
        func log(_ refusal: PriceRefusal) async throws { try await inner.log(refusal) }
        func advertise(_ price: AdvertisedPrice) async throws { try await inner.advertise(price) }
        func leaveWaitlist(accountId: String, skuId: String, marketCode: String) async throws -> Bool {
            try await inner.leaveWaitlist(accountId: accountId, skuId: skuId, marketCode: marketCode)
        }
        func waitingToTell(now: Date, limit: Int) async throws -> [(WaitlistEntry, ProductionBatch)] { try await inner.waitingToTell(now: now, limit: limit) }
        func markTold(accountId: String, skuId: String, marketCode: String, at: Date) async throws {
            try await inner.markTold(accountId: accountId, skuId: skuId, marketCode: marketCode, at: at)
        }
        func batchInLedger(id: String) async throws -> ProductionBatch? { try await inner.batchInLedger(id: id) }
        func update(_ batch: ProductionBatch) async throws { try await inner.update(batch) }
        func insert(_ preorder: Preorder) async throws { try await inner.insert(preorder) }
        func preorderInLedger(id: String) async throws -> Preorder? { try await inner.preorderInLedger(id: id) }
        func preorder(accountId: String, idempotencyKey: String, requestHash: String) async throws -> Preorder? {
            try await inner.preorder(accountId: accountId, idempotencyKey: idempotencyKey, requestHash: requestHash)
        }
        func preorder(ofOrder orderId: String) async throws -> Preorder? { try await inner.preorder(ofOrder: orderId) }
        func placedPreorders(batchId: String) async throws -> [Preorder] { try await inner.placedPreorders(batchId: batchId) }
        func update(_ preorder: Preorder) async throws { try await inner.update(preorder) }
        func lateBatches(now: Date) async throws -> [ProductionBatch] { try await inner.lateBatches(now: now) }
        func markToldLate(batchId: String, at: Date) async throws { try await inner.markToldLate(batchId: batchId, at: at) }
        func receive(skuId: String, warehouseId: String, marketCode: String, units: Int) async throws {
            try await inner.receive(skuId: skuId, warehouseId: warehouseId, marketCode: marketCode, units: units)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func staffFindOrdersByAPartOfTheirNumberOrTheirBuyersEmailOrName(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "search-1").order
            for query in [String(order.number.suffix(5)).lowercased(), fan.email.uppercased(), String(fan.displayName.prefix(3))] {
                #expect(try await store.orders(status: nil, matching: query, offset: 0, limit: 10).map(\.id) == [order.id], "\(query)")
            }
            for query in ["%", "_", "nobody"] { #expect(try await store.orders(status: nil, matching: query, offset: 0, limit: 10).isEmpty, "\(query)") }
            #expect(try await store.orders(status: .paid, matching: fan.email, offset: 0, limit: 10).isEmpty)
        }
    }
}
