import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Two-step payments on every backend: the provider authorizes, the capture outbox takes the
/// money, and the order desk decides what each answer means for the order.
extension StorageConformanceTests {
    /// The fan's choice on the sandbox's pay page, delivered as the signed webhook it sends.
    /// `waiting` is how long the fan stays on the pay page before choosing.
    func choose(
        _ choice: SandboxPaymentProvider.Choice, _ store: SQLStore, _ order: Order, waiting: TimeInterval = 0
    ) async throws -> (PaymentOutcome, Payment) {
        let payment = try await store.createPayment(orderId: order.id, provider: "sandbox", now: clock.now())
        clock.advance(by: waiting)
        let provider = sandbox(store)
        let signed = try await provider.choose(choice, for: payment)
        let notice = try provider.verifyWebhook(signature: signed.signature, body: signed.body, now: clock.now())
        return try await store.desk(clock).receive(notice, provider: "sandbox")
    }

    func captureSender(_ store: SQLStore, provider: any PaymentProvider, delays: [TimeInterval] = [5, 30]) -> CaptureSender {
        CaptureSender(desk: store.desk(clock), store: store, captures: store, provider: provider, clock: clock, policy: RefundRetryPolicy(delays: delays))
    }

    func sandboxCaptures(_ store: SQLStore, paymentId: String) async throws -> Int64 {
        try await store.read { db in
            try await db.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sandbox_captures WHERE payment_id = \(bind: paymentId)").first()!.int("n")
        }
    }

    @Test(arguments: Backends.all) func anAuthorizedPaymentIsCapturedOnceThroughRetriesEvenPastTheDeadline(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "capture-1").order
            let (outcome, payment) = try await choose(.pay, store, order)
            #expect(outcome == .captureScheduled && payment.status == .authorized)
            #expect(try await store.order(id: order.id)?.status == .pendingPayment)

            // The fan paid in time: the deadline passing while Millet captures expires nothing.
            clock.advance(by: order.paymentDeadline.timeIntervalSince(clock.now()) + 1)
            #expect(try await store.desk(clock).expireOverdue().isEmpty)

            // The provider times out after capturing, then is down, then answers: one capture.
            let provider = Flaky(sandbox(store), failures: 2)
            let sender = captureSender(store, provider: provider)
            #expect(try await sender.sendDue() == 0)
            #expect(try await sender.sendDue() == 0)
            let waiting = try await store.dueCaptures(provider: "sandbox", now: clock.now().addingTimeInterval(5), limit: 10)
            #expect(waiting.map(\.attempts) == [1] && waiting.first?.lastError?.contains("did not answer") == true)
            clock.advance(by: 5)
            #expect(try await sender.sendDue() == 0)
            clock.advance(by: 30)
            #expect(try await sender.sendDue() == 1)
            #expect(try await sender.sendDue() == 0)
            #expect(provider.calls == 3)
            #expect(try await sandboxCaptures(store, paymentId: payment.id) == 1)
            #expect(try await store.payment(id: payment.id)?.status == .captured)
            let paid = try #require(try await store.order(id: order.id))
            #expect(paid.status == .paid && paid.timeline.map(\.to) == [.pendingPayment, .pendingPayment, .paid])
            try await expectStock(store, sku: sku, held: 0, sold: 1)
        }
    }

    @Test(arguments: Backends.all) func aDeclinedCaptureFailsThePaymentAndTheDeadlineRunsAgain(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "capture-declined-1").order
            let (_, payment) = try await choose(.declineCapture, store, order)
            #expect(try await captureSender(store, provider: sandbox(store)).sendDue() == 1)
            #expect(try await store.payment(id: payment.id)?.status == .failed)
            let after = try #require(try await store.order(id: order.id))
            #expect(after.status == .pendingPayment && after.timeline.last?.note.contains("declined by the issuer") == true)
            #expect(try await sandboxCaptures(store, paymentId: payment.id) == 0)

            clock.advance(by: order.paymentDeadline.timeIntervalSince(clock.now()) + 1)
            #expect(try await store.desk(clock).expireOverdue() == [order.id])
            try await expectStock(store, sku: sku, held: 0, sold: 0)
        }
    }

    @Test(arguments: Backends.all) func anOrderCancelledBeforeItsCaptureIsNeverCharged(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "capture-cancelled-1").order
            let (_, payment) = try await choose(.pay, store, order)
            _ = try await store.desk(clock).cancel(orderId: order.id, actor: "account:\(fan.id)", note: "changed my mind")
            #expect(try await captureSender(store, provider: sandbox(store)).sendDue() == 0)
            #expect(try await store.payment(id: payment.id)?.status == .voided)
            #expect(try await sandboxCaptures(store, paymentId: payment.id) == 0)
            let after = try #require(try await store.order(id: order.id))
            #expect(after.status == .cancelled && after.refunds.isEmpty && after.timeline.last?.note.contains("released uncaptured") == true)
            #expect(try await store.dueCaptures(provider: "sandbox", now: clock.now().addingTimeInterval(3600), limit: 10).isEmpty)
        }
    }

    @Test(arguments: Backends.all) func anAuthorizationAfterTheDeadlineIsVoidedAndTheOrderCancelled(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "capture-late-1").order
            let (outcome, payment) = try await choose(.pay, store, order, waiting: order.paymentDeadline.timeIntervalSince(clock.now()) + 1)
            #expect(outcome == .voided && payment.status == .voided)
            #expect(try await store.order(id: order.id)?.status == .cancelled)
            #expect(try await captureSender(store, provider: sandbox(store)).sendDue() == 0)
            try await expectStock(store, sku: sku, held: 0, sold: 0)
        }
    }

    @Test(arguments: Backends.all) func aCaptureSenderThatLostItsLeaseWritesNothing(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "capture-lease-1").order
            _ = try await choose(.pay, store, order)
            let desk = store.desk(clock)
            let due = try #require(try await store.dueCaptures(provider: "sandbox", now: clock.now(), limit: 10).first)
            let first = clock.now().addingTimeInterval(CaptureSender.lease)
            let slow = try #require(try await desk.leaseCapture(due, until: first))
            // The first sender's lease runs out; another takes the capture over and settles it.
            clock.advance(by: CaptureSender.lease + 1)
            let second = clock.now().addingTimeInterval(CaptureSender.lease)
            let fast = try #require(try await desk.leaseCapture(slow, until: second))
            #expect(try await desk.settleCapture(fast, answer: .captured(reference: "ch_fast"), leasedUntil: second))
            #expect(try await !desk.settleCapture(slow, answer: .declined(reason: "late"), leasedUntil: first))
            #expect(try await store.payment(id: due.paymentId)?.status == .captured)
            #expect(try await store.order(id: order.id)?.status == .paid)
        }
    }
}
