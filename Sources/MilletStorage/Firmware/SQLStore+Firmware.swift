import Foundation
import MilletCore
import SQLKit

extension SQLStore: FirmwareRepository {
    public func addBuild(_ build: FirmwareBuild) async throws {
        try await sqlTransaction { db in
            guard try await db.raw("SELECT id FROM device_models WHERE id = \(bind: build.modelId)").first() != nil else {
                throw DomainError.notFound(what: "device model")
            }
            let taken = try await db.raw("SELECT id FROM firmware_builds WHERE model_id = \(bind: build.modelId) AND version = \(bind: build.version)").first()
            guard taken == nil else { throw FirmwareBuild.versionTaken }
            try await db.raw("""
                INSERT INTO firmware_builds (id, model_id, version, sha256, size, min_source_version, release_id, notes, created_at)
                VALUES (\(bind: build.id), \(bind: build.modelId), \(bind: build.version), \(bind: build.sha256), \(bind: build.size),
                    \(bind: build.minSourceVersion), \(bind: build.releaseId), \(bind: build.notes), \(bind: build.createdAt.millis))
                """).run()
        }
    }

    public func build(id: String) async throws -> FirmwareBuild? {
        try await read { db in try await db.raw("SELECT * FROM firmware_builds WHERE id = \(bind: id)").first().map(Self.build(from:)) }
    }

    public func build(sha256: String) async throws -> FirmwareBuild? {
        try await read { db in try await db.raw("SELECT * FROM firmware_builds WHERE sha256 = \(bind: sha256) LIMIT 1").first().map(Self.build(from:)) }
    }

    public func builds(modelId: String) async throws -> [FirmwareBuild] {
        try await read { db in
            try await db.raw("SELECT * FROM firmware_builds WHERE model_id = \(bind: modelId) ORDER BY created_at DESC, id").all().map(Self.build(from:))
        }
    }

    public func build(modelId: String, version: String) async throws -> FirmwareBuild? {
        try await read { db in
            try await db.raw("SELECT * FROM firmware_builds WHERE model_id = \(bind: modelId) AND version = \(bind: version)").first().map(Self.build(from:))
        }
    }

    public func addSigningKey(_ key: SigningKey) async throws {
        try await read { db in
            try await db.raw("""
                INSERT INTO signing_keys (id, private_key, public_key, created_at) VALUES (\(bind: key.id), \(bind: key.privateKey), \(bind: key.publicKey),
                    \(bind: key.createdAt.millis))
                """).run()
        }
    }

    public func retireSigningKey(id: String, now: Date) async throws {
        try await sqlTransaction { db in
            let active = try await db.raw("SELECT id FROM signing_keys WHERE retired_at IS NULL").all().map { try $0.string("id") }
            guard active.contains(id) else { throw DomainError.notFound(what: "signing key") }
            guard active.count > 1 else { throw DomainError.conflict(code: "last_signing_key", message: "rotate in a new key before retiring the last one") }
            try await db.raw("UPDATE signing_keys SET retired_at = \(bind: now.millis) WHERE id = \(bind: id)").run()
        }
    }

    public func signingKeys() async throws -> [SigningKey] {
        try await read { db in
            try await db.raw("SELECT * FROM signing_keys ORDER BY created_at, id").all().map { row in
                SigningKey(
                    id: try row.string("id"), privateKey: try row.string("private_key"), publicKey: try row.string("public_key"),
                    createdAt: try row.date("created_at"), retiredAt: try row.optionalDate("retired_at"))
            }
        }
    }

    public func createRollout(_ rollout: Rollout) async throws {
        try await sqlTransaction { db in
            guard let build = try await db.raw("SELECT model_id FROM firmware_builds WHERE id = \(bind: rollout.buildId)").first() else {
                throw DomainError.invalid(field: "buildId", "no such build")
            }
            guard try build.string("model_id") == rollout.modelId else { throw DomainError.invalid(field: "buildId", "is for another model") }
            try await Self.save(db: db, rollout, insert: true)
            try await Self.event(db: db, rollout.id, action: "create", actor: "staff", detail: rollout.stages.map(String.init).joined(separator: ","), at: rollout.createdAt)
        }
    }

    public func rollout(id: String) async throws -> Rollout? {
        try await read { db in try await db.raw("SELECT * FROM rollouts WHERE id = \(bind: id)").first().map(Self.rollout(from:)) }
    }

    public func rollouts(modelId: String?) async throws -> [Rollout] {
        try await read { db in
            let rows = if let modelId {
                try await db.raw("SELECT * FROM rollouts WHERE model_id = \(bind: modelId) ORDER BY created_at DESC, id").all()
            } else {
                try await db.raw("SELECT * FROM rollouts ORDER BY created_at DESC, id").all()
            }
            return try rows.map(Self.rollout(from:))
        }
    }

    public func liveRollouts() async throws -> [Rollout] {
        try await read { db in
            try await db.raw("""
                SELECT * FROM rollouts WHERE state IN (\(bind: RolloutState.active.rawValue), \(bind: RolloutState.completed.rawValue),
                    \(bind: RolloutState.rolledBack.rawValue)) ORDER BY id
                """).all().map(Self.rollout(from:))
        }
    }

    public func command(rolloutId: String, _ command: RolloutCommand, actor: String, now: Date, ifStage: Int? = nil) async throws -> Rollout {
        try await sqlTransaction { db in
            guard var rollout = try await db.raw("SELECT * FROM rollouts WHERE id = \(bind: rolloutId)").first().map(Self.rollout(from:)) else {
                throw DomainError.notFound(what: "rollout")
            }
            if let ifStage, rollout.stage != ifStage || rollout.state != .active { return rollout }
            if case .rollback(let target) = command {
                guard let build = try await db.raw("SELECT model_id FROM firmware_builds WHERE id = \(bind: target)").first(),
                      try build.string("model_id") == rollout.modelId
                else { throw DomainError.invalid(field: "buildId", "must be a build of the same model") }
            }
            try rollout.apply(command, now: now)
            try await Self.save(db: db, rollout, insert: false)
            var detail: String?
            switch command {
            case .halt(let reason): detail = reason
            case .rollback(let target): detail = target
            case .advance: detail = rollout.state == .completed ? "completed" : "\(rollout.percent)%"
            default: break
            }
            try await Self.event(db: db, rolloutId, action: command.name, actor: actor, detail: detail, at: now)
            return rollout
        }
    }

    public func report(rolloutId: String, deviceId: String, version: String, state: InstallState, code: String?, now: Date) async throws
        -> (tally: InstallTally, halted: Bool)
    {
        try await sqlTransaction { db in
            guard var rollout = try await db.raw("SELECT * FROM rollouts WHERE id = \(bind: rolloutId)").first().map(Self.rollout(from:)) else {
                throw DomainError.notFound(what: "rollout")
            }
            try await db.raw("""
                INSERT INTO install_reports (id, rollout_id, device_id, version, state, code, at)
                VALUES (\(bind: Identifier.make()), \(bind: rolloutId), \(bind: deviceId), \(bind: version), \(bind: state.rawValue), \(bind: code), \(bind: now.millis))
                """).run()
            try await db.raw("""
                INSERT INTO rollout_results (rollout_id, device_id, state) VALUES (\(bind: rolloutId), \(bind: deviceId), \(bind: state.rawValue))
                ON CONFLICT (rollout_id, device_id) DO UPDATE SET state = excluded.state
                """).run()
            if state == .installed {
                try await db.raw("""
                    UPDATE device_state SET version = \(bind: version), last_seen_at = \(bind: now.millis)
                    WHERE number = (SELECT number FROM devices WHERE id = \(bind: deviceId))
                    """).run()
            }
            let tally = try await Self.tally(db: db, rolloutId)
            guard rollout.shouldHalt(tally) else { return (tally, false) }
            let share = Double(tally.failed) / Double(tally.failed + tally.installed) * 100
            let reason = String(format: "%d of %d installs failed (%.1f%%), at or above the %.2f%% threshold", tally.failed,
                                tally.failed + tally.installed, share, Double(rollout.failureThresholdBasisPoints) / 100)
            try rollout.apply(.halt(reason: reason), now: now)
            try await Self.save(db: db, rollout, insert: false)
            try await Self.event(db: db, rolloutId, action: "halt", actor: "millet", detail: reason, at: now)
            return (tally, true)
        }
    }

    public func tally(rolloutId: String) async throws -> InstallTally {
        try await read { db in try await Self.tally(db: db, rolloutId) }
    }

    public func results(deviceId: String) async throws -> [String: InstallState] {
        try await read { db in
            var results: [String: InstallState] = [:]
            for row in try await db.raw("SELECT rollout_id, state FROM rollout_results WHERE device_id = \(bind: deviceId)").all() {
                results[try row.string("rollout_id")] = InstallState(rawValue: try row.string("state"))
            }
            return results
        }
    }

    public func reportTimeline(rolloutId: String) async throws -> [(minute: Date, installed: Int, failed: Int)] {
        try await read { db in
            var minutes: [Int64: (installed: Int, failed: Int)] = [:]
            for row in try await db.raw("""
                SELECT state, at FROM install_reports WHERE rollout_id = \(bind: rolloutId)
                    AND state IN (\(bind: InstallState.installed.rawValue), \(bind: InstallState.failed.rawValue)) ORDER BY at
                """).all() {
                let minute = try row.int("at") / 60_000 * 60_000
                var counts = minutes[minute] ?? (0, 0)
                if try row.string("state") == InstallState.failed.rawValue { counts.failed += 1 } else { counts.installed += 1 }
                minutes[minute] = counts
            }
            return minutes.keys.sorted().map { (Date(millis: $0), minutes[$0]!.installed, minutes[$0]!.failed) }
        }
    }

    public func rolloutEvents(rolloutId: String) async throws -> [RolloutEvent] {
        try await read { db in
            try await db.raw("SELECT * FROM rollout_events WHERE rollout_id = \(bind: rolloutId) ORDER BY seq").all().map { row in
                RolloutEvent(action: try row.string("action"), actor: try row.string("actor"), detail: try row.optionalString("detail"), at: try row.date("at"))
            }
        }
    }

    static func tally(db: any SQLDatabase, _ rolloutId: String) async throws -> InstallTally {
        var tally = InstallTally()
        for row in try await db.raw("""
            SELECT state, CAST(COUNT(*) AS BIGINT) AS n FROM rollout_results WHERE rollout_id = \(bind: rolloutId) GROUP BY state
            """).all() {
            let count = Int(try row.int("n"))
            switch InstallState(rawValue: try row.string("state")) {
            case .downloading: tally.downloading = count
            case .installed: tally.installed = count
            case .failed: tally.failed = count
            case nil: break
            }
        }
        return tally
    }

    static func save(db: any SQLDatabase, _ r: Rollout, insert: Bool) async throws {
        let advance = r.advanceEvery.map { Int64($0) }
        if insert {
            try await db.raw("""
                INSERT INTO rollouts (id, build_id, model_id, channel, markets, source_versions, stages, stage, state, threshold_bp, min_reports,
                    advance_every_seconds, stage_started_at, halt_reason, rollback_build_id, created_at)
                VALUES (\(bind: r.id), \(bind: r.buildId), \(bind: r.modelId), \(bind: r.channel.rawValue), \(bind: r.markets.joined(separator: ",")),
                    \(bind: r.sourceVersions.joined(separator: ",")), \(bind: r.stages.map(String.init).joined(separator: ",")), \(bind: Int64(r.stage)),
                    \(bind: r.state.rawValue), \(bind: Int64(r.failureThresholdBasisPoints)), \(bind: Int64(r.minReports)), \(bind: advance),
                    \(bind: r.stageStartedAt.millis), \(bind: r.haltReason), \(bind: r.rollbackBuildId), \(bind: r.createdAt.millis))
                """).run()
        } else {
            try await db.raw("""
                UPDATE rollouts SET stage = \(bind: Int64(r.stage)), state = \(bind: r.state.rawValue), stage_started_at = \(bind: r.stageStartedAt.millis),
                    halt_reason = \(bind: r.haltReason), rollback_build_id = \(bind: r.rollbackBuildId)
                WHERE id = \(bind: r.id)
                """).run()
        }
    }

    static func event(db: any SQLDatabase, _ rolloutId: String, action: String, actor: String, detail: String?, at: Date) async throws {
        try await db.raw("""
            INSERT INTO rollout_events (rollout_id, seq, action, actor, detail, at)
            SELECT \(bind: rolloutId), COALESCE(MAX(seq), 0) + 1, \(bind: action), \(bind: actor), \(bind: detail), \(bind: at.millis)
            FROM rollout_events WHERE rollout_id = \(bind: rolloutId)
            """).run()
    }

    static func build(from row: any SQLRow) throws -> FirmwareBuild {
        FirmwareBuild(
            id: try row.string("id"), modelId: try row.string("model_id"), version: try row.string("version"), sha256: try row.string("sha256"),
            size: try row.int("size"), minSourceVersion: try row.optionalString("min_source_version"), releaseId: try row.optionalString("release_id"),
            notes: try row.optionalString("notes"), createdAt: try row.date("created_at"))
    }

    static func rollout(from row: any SQLRow) throws -> Rollout {
        func list(_ column: String) throws -> [String] { try row.string(column).split(separator: ",").map(String.init) }
        return Rollout(
            id: try row.string("id"), buildId: try row.string("build_id"), modelId: try row.string("model_id"),
            channel: UpdateChannel(rawValue: try row.string("channel")) ?? .stable, markets: try list("markets"),
            sourceVersions: try list("source_versions"), stages: try list("stages").compactMap { Int($0) }, stage: Int(try row.int("stage")),
            state: RolloutState(rawValue: try row.string("state")) ?? .paused, failureThresholdBasisPoints: Int(try row.int("threshold_bp")),
            minReports: Int(try row.int("min_reports")),
            advanceEvery: try row.decodeNil(column: "advance_every_seconds") ? nil : TimeInterval(try row.int("advance_every_seconds")),
            stageStartedAt: try row.date("stage_started_at"), haltReason: try row.optionalString("halt_reason"),
            rollbackBuildId: try row.optionalString("rollback_build_id"), createdAt: try row.date("created_at"))
    }
}
