import Foundation

/// How an agent answered a request to cancel an action (hawkBit's `cancelAction`).
public enum DDICancellation: String, Sendable, CaseIterable {
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

/// Where agents' answers to cancellations are kept.
public protocol DDICancellationRepository: Sendable {
    /// The device's answers, by rollout id.
    func cancellations(deviceId: String) async throws -> [String: DDICancellation]
    /// Records the answer in one transaction; a cancellation also withdraws the device's open
    /// (downloading) result in the rollout, so the rollout counts it as never started.
    func settleCancellation(rolloutId: String, deviceId: String, _ answer: DDICancellation, at: Date) async throws
}
