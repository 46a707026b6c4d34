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

    public func askCancellations(rolloutId: String, actor: String, at: Date) async throws -> Int {
        try await sqlTransaction { db in
            let asked = try await db.raw("""
                INSERT INTO ddi_cancellations (rollout_id, device_id, answer, at)
                SELECT rollout_id, device_id, \(bind: DDICancellation.asked.rawValue), \(bind: at.millis) FROM rollout_results
                WHERE rollout_id = \(bind: rolloutId) AND state = \(bind: InstallState.downloading.rawValue)
                ON CONFLICT (device_id, rollout_id) DO NOTHING
                RETURNING device_id
                """).all().count
            try await Self.event(db: db, rolloutId, action: "cancel", actor: actor, detail: "\(asked)", at: at)
            return asked
        }
    }

    public func settleCancellation(rolloutId: String, deviceId: String, _ answer: DDICancellation, at: Date) async throws -> Bool {
        try await sqlTransaction { db in
            let settled = try await db.raw("""
                UPDATE ddi_cancellations SET answer = \(bind: answer.rawValue), at = \(bind: at.millis)
                WHERE rollout_id = \(bind: rolloutId) AND device_id = \(bind: deviceId) AND answer = \(bind: DDICancellation.asked.rawValue)
                    AND EXISTS (SELECT 1 FROM rollout_results WHERE rollout_id = \(bind: rolloutId) AND device_id = \(bind: deviceId)
                        AND state = \(bind: InstallState.downloading.rawValue))
                RETURNING device_id
                """).all().count == 1
            guard settled, answer == .canceled else { return settled }
            try await db.raw("""
                DELETE FROM rollout_results WHERE rollout_id = \(bind: rolloutId) AND device_id = \(bind: deviceId)
                    AND state = \(bind: InstallState.downloading.rawValue)
                """).run()
            return true
        }
    }
}
