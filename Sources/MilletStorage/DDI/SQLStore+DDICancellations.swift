import Foundation
import MilletCore
import SQLKit

extension SQLStore: DDICancellationRepository {
    public func cancellations(deviceId: String) async throws -> [String: DDICancellation] {
        try await read { db in
            var answers: [String: DDICancellation] = [:]
            for row in try await db.raw("SELECT rollout_id, answer FROM ddi_cancellations WHERE device_id = \(bind: deviceId)").all() {
                answers[try row.string("rollout_id")] = DDICancellation(rawValue: try row.string("answer"))
            }
            return answers
        }
    }

    public func settleCancellation(rolloutId: String, deviceId: String, _ answer: DDICancellation, at: Date) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO ddi_cancellations (rollout_id, device_id, answer, at)
                VALUES (\(bind: rolloutId), \(bind: deviceId), \(bind: answer.rawValue), \(bind: at.millis))
                ON CONFLICT (device_id, rollout_id) DO UPDATE SET answer = excluded.answer, at = excluded.at
                """).run()
            guard answer == .canceled else { return }
            try await db.raw("""
                DELETE FROM rollout_results WHERE rollout_id = \(bind: rolloutId) AND device_id = \(bind: deviceId)
                    AND state = \(bind: InstallState.downloading.rawValue)
                """).run()
        }
    }
}
