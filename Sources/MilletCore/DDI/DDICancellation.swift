import Foundation

/// A request to cancel a device's open action (hawkBit's `cancelAction`), and how its agent answered.
public enum DDICancellation: String, Sendable, CaseIterable {
    /// Staff asked; the agent has not answered yet.
    case asked
    /// The agent stopped: the device never installed the action's build.
    case canceled
    /// The agent went on (it had installed already, or cannot stop): its action stays open and
    /// its reports count as before.
    case refused

    /// What feedback on a `cancelAction` settles: `closed` with `success`, or `canceled`, is a
    /// cancellation; `rejected`, or `closed` with `failure`, a refusal; a step under way settles
    /// nothing yet.
    public init?(_ feedback: DDIFeedback) {
        switch (feedback.execution, feedback.finished) {
        case (.closed, .success), (.closed, .none), (.canceled, _): self = .canceled
        case (.closed, .failure), (.rejected, _): self = .refused
        default: return nil
        }
    }
}

/// Where requests to cancel and agents' answers are kept.
public protocol DDICancellationRepository: Sendable {
    /// The device's requests and answers, by rollout id.
    func cancellations(deviceId: String) async throws -> [String: DDICancellation]
    /// Asks every device with an open (downloading) result in the rollout to cancel, unless it
    /// answered before, and notes it in the rollout's history, in one transaction; answers how
    /// many were asked.
    func askCancellations(rolloutId: String, actor: String, at: Date) async throws -> Int
    /// Records the answer to a request still waiting while the device's result is still open,
    /// in one transaction; a cancellation also withdraws that result, so the rollout counts the
    /// device as never started. Answers whether it was recorded.
    @discardableResult
    func settleCancellation(rolloutId: String, deviceId: String, _ answer: DDICancellation, at: Date) async throws -> Bool
}
