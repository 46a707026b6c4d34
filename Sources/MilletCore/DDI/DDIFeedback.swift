import Crypto
import Foundation

/// What an update agent speaking Eclipse hawkBit's Direct Device Integration (DDI) API reports
/// on an action: `status.execution`, `status.result.finished` and the details, and what a Millet
/// rollout counts of it, the same as a Millet device's install report.
public struct DDIFeedback: Sendable, Equatable {
    /// Where the agent is with the action (`status.execution`).
    public enum Execution: String, Sendable, CaseIterable {
        case closed, proceeding, canceled, scheduled, rejected, resumed, downloaded, download
    }

    /// How it ended, once `closed` (`status.result.finished`).
    public enum Finished: String, Sendable, CaseIterable {
        case success, failure, none
    }

    public let execution: Execution
    public let finished: Finished
    public let details: [String]

    /// Feedback as read from the wire.
    public init(execution: Execution, finished: Finished, details: [String]) {
        self.execution = execution
        self.finished = finished
        self.details = details
    }

    /// Reads the wire values; `invalid` names the field that is not one of DDI's.
    public init(execution: String, finished: String, details: [String]) throws {
        guard let execution = Execution(rawValue: execution) else {
            throw DomainError.invalid(field: "status.execution", "must be one of \(Execution.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let finished = Finished(rawValue: finished) else {
            throw DomainError.invalid(field: "status.result.finished", "must be success, failure or none")
        }
        self.init(execution: execution, finished: finished, details: details)
    }

    /// The install state the rollout counts: `closed` with `success` is installed, `closed` with
    /// `failure` failed, any step under way downloading; a cancellation, a refusal or a `closed`
    /// that names no result counts nothing.
    public var installState: InstallState? {
        switch (execution, finished) {
        case (.closed, .success): .installed
        case (.closed, .failure): .failed
        case (.closed, .none), (.canceled, _), (.rejected, _): nil
        default: .downloading
        }
    }

    /// A failure's code for the rollout's history: its first detail that says something, cut to 64
    /// characters (an install report's code is 1 to 64).
    public var code: String? {
        guard installState == .failed else { return nil }
        return details.lazy.map { String($0.trimmed.prefix(64)) }.first { !$0.isEmpty }
    }
}

/// DDI's numbers for Millet's things: agents read an action's `id` as a JSON integer.
public enum DDIAction {
    /// The number of the action that installs `buildId` through a rollout: 28 bits of
    /// SHA-256(rollout id, build id), never 0 (SWUpdate reads the id as a 32-bit integer). A
    /// rollout's own build and the build it rolls back to are two actions with two numbers, so
    /// feedback on one is never taken for the other. An action is looked up among the rollouts of
    /// the device's model only: two of those sharing a number is a chance of one in 2^28 per pair.
    public static func number(rolloutId: String, buildId: String) -> Int64 {
        let digest = SHA256.hash(data: Data("\(rolloutId) \(buildId)".utf8))
        let bits = digest.prefix(4).reduce(Int64(0)) { $0 << 8 | Int64($1) } >> 4
        return max(bits, 1)
    }

    /// A poll's `sleep`, `HH:MM:SS`, as agents parse it: at most 23:59:59, at least a second.
    public static func sleep(seconds: Int) -> String {
        let clamped = min(max(seconds, 1), 86_399)
        return String(format: "%02d:%02d:%02d", clamped / 3600, clamped / 60 % 60, clamped % 60)
    }
}
