import Foundation

/// Sends the capture outbox to the payment provider: every authorized payment whose capture is
/// due, with the payment id as the provider's idempotency key, retried on the
/// ``RefundRetryPolicy`` schedule while the provider does not answer. The order desk decides what
/// a lease and an answer mean for the order (``OrderDesk/leaseCapture(_:until:)``,
/// ``OrderDesk/settleCapture(_:answer:leasedUntil:)``); as with refunds, a capture is leased to
/// one sender at a time and a sender whose lease ran out writes nothing.
public struct CaptureSender: Sendable {
    private let desk: OrderDesk
    private let store: any UnitOfWork
    private let captures: any CaptureRepository
    private let provider: any PaymentProvider
    private let clock: any MilletClock
    private let policy: RefundRetryPolicy
    /// How long a node has to finish one send before another node may try the capture again.
    public static let lease: TimeInterval = 60

    public init(
        desk: OrderDesk, store: any UnitOfWork, captures: any CaptureRepository, provider: any PaymentProvider, clock: any MilletClock,
        policy: RefundRetryPolicy = RefundRetryPolicy()
    ) {
        self.desk = desk
        self.store = store
        self.captures = captures
        self.provider = provider
        self.clock = clock
        self.policy = policy
    }

    /// Sends every due capture once; answers how many settled (captured or declined).
    @discardableResult
    public func sendDue(limit: Int = 100) async throws -> Int {
        var settled = 0
        for due in try await captures.dueCaptures(provider: provider.name, now: clock.now(), limit: limit) {
            let leasedUntil = clock.now().addingTimeInterval(Self.lease)
            guard var capture = try await desk.leaseCapture(due, until: leasedUntil) else { continue }
            let answer: CaptureAnswer
            do {
                answer = .captured(reference: try await provider.capture(CaptureRequest(capture)))
            } catch let declined as CaptureDeclined {
                answer = .declined(reason: declined.reason)
            } catch {
                // No answer: try again later with the same key; the order keeps waiting.
                capture.attempts += 1
                capture.lastError = "the provider did not answer (\(type(of: error)))"
                capture.nextAttemptAt = clock.now().addingTimeInterval(policy.delay(afterAttempt: capture.attempts))
                _ = try await store.transaction { [capture] tx in
                    try await tx.recordCapture(capture, settled: false, reference: nil, leasedUntil: leasedUntil)
                }
                continue
            }
            capture.attempts += 1
            if try await desk.settleCapture(capture, answer: answer, leasedUntil: leasedUntil) { settled += 1 }
        }
        return settled
    }
}
