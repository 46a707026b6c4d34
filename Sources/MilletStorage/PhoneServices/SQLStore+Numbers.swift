import Foundation
import MilletCore
import SQLKit

extension SQLStore: NumberRepository {
    public func recordReport(_ report: NumberReport, now: Date) async throws -> NumberLabel {
        try await sqlTransaction { [backend] db in
            var label = try await Self.lockedLabel(db: db, backend: backend, report.number, now: now)
            try await db.raw("""
                INSERT INTO number_reports (number_hash, device_id, account_id, network, category, at)
                VALUES (\(bind: report.number.hash), \(bind: report.deviceId), \(bind: report.accountId), \(bind: report.network),
                    \(bind: report.category.rawValue), \(bind: report.at.millis))
                ON CONFLICT (number_hash, device_id) DO UPDATE SET account_id = excluded.account_id, network = excluded.network,
                    category = excluded.category, at = excluded.at
                """).run()
            let before = label
            label = label.reassessed(try await Self.reports(db: db, report.number), now: now)
            return try await Self.save(db: db, label, was: before, now: now)
        }
    }

    public func label(number: PhoneNumber) async throws -> NumberLabel? {
        try await read { db in
            try await db.raw("SELECT * FROM number_labels WHERE number_hash = \(bind: number.hash)").first().map(Self.label(from:))
        }
    }

    public func labels(hashPrefix: String) async throws -> [NumberLabel] {
        // Hex digits sort below "g": the prefix's range of the primary key.
        try await read { db in
            try await db.raw("""
                SELECT * FROM number_labels WHERE number_hash >= \(bind: hashPrefix) AND number_hash < \(bind: hashPrefix + "g")
                    AND (business_name IS NOT NULL OR (suspended = 0 AND category IS NOT NULL))
                ORDER BY number_hash LIMIT 1000
                """).all().map(Self.label(from:))
        }
    }

    public func labelChanges(market: String?, since: Int64, limit: Int) async throws -> [NumberLabel] {
        try await read { db in
            let filter: SQLQueryString = market.map { "market = \(bind: $0) AND " } ?? ""
            return try await db.raw("""
                SELECT * FROM number_labels WHERE \(filter)version > \(bind: since) ORDER BY version LIMIT \(bind: Int64(limit))
                """).all().map(Self.label(from:))
        }
    }

    public func reassessLapsing(now: Date, limit: Int) async throws -> Int {
        let due = try await read { db in
            try await db.raw("""
                SELECT e164 FROM number_labels WHERE expires_at <= \(bind: now.millis) ORDER BY expires_at LIMIT \(bind: Int64(limit))
                """).all().compactMap { PhoneNumber(e164: try $0.string("e164")) }
        }
        for number in due {
            try await sqlTransaction { [backend] db in
                let label = try await Self.lockedLabel(db: db, backend: backend, number, now: now)
                _ = try await Self.save(db: db, label.reassessed(try await Self.reports(db: db, number), now: now), was: label, now: now)
            }
        }
        return due.count
    }

    public func setBusiness(number: PhoneNumber, name: String?, now: Date) async throws -> NumberLabel {
        try await sqlTransaction { [backend] db in
            var label = try await Self.lockedLabel(db: db, backend: backend, number, now: now)
            let before = label
            label.businessName = name
            return try await Self.save(db: db, label, was: before, now: now)
        }
    }

    public func openDispute(_ dispute: NumberDispute, notice: Notice, perDay: Int, now: Date) async throws {
        try await sqlTransaction { [backend] db in
            // Take the number's label row first: two disputes of one number take turns. Then the
            // account's row, so one account's disputes of several numbers are counted in turn.
            let label = try await Self.lockedLabel(db: db, backend: backend, dispute.number, now: now)
            guard label.isPublic, label.businessName == nil else {
                throw DomainError.conflict(code: "not_labelled", message: "no label is shown for this number")
            }
            _ = try await db.raw("SELECT id FROM accounts WHERE id = \(bind: dispute.accountId)\(unsafeRaw: backend.forUpdate)").first()
            let opened = try await db.raw("""
                SELECT COUNT(*) AS n FROM number_disputes
                WHERE account_id = \(bind: dispute.accountId) AND created_at > \(bind: now.addingTimeInterval(-86_400).millis)
                """).first()?.int("n") ?? 0
            guard opened < perDay else { throw DomainError.throttled(retryAfterSeconds: 3600) }
            let others = try await db.raw("""
                SELECT * FROM number_disputes WHERE e164 = \(bind: dispute.number.e164) AND state IN (\(bind: DisputeState.awaitingCode.rawValue),
                    \(bind: DisputeState.underReview.rawValue), \(bind: DisputeState.rejected.rawValue))
                """).all().map(Self.dispute(from:))
            if others.contains(where: { $0.isOpen(at: now) }) {
                throw DomainError.conflict(code: "dispute_open", message: "another dispute of this number is open")
            }
            if others.contains(where: { $0.state == .rejected && ($0.decidedAt ?? .distantPast) > now.addingTimeInterval(-NumberDispute.rejectionStands) }) {
                throw DomainError.conflict(code: "dispute_rejected", message: "a dispute of this number was rejected lately")
            }
            try await db.raw("""
                INSERT INTO number_disputes (id, e164, account_id, state, reason, code_hash, attempts, created_at, code_expires_at)
                VALUES (\(bind: dispute.id), \(bind: dispute.number.e164), \(bind: dispute.accountId), \(bind: dispute.state.rawValue),
                    \(bind: dispute.reason), \(bind: dispute.codeHash), \(bind: Int64(dispute.attempts)), \(bind: dispute.createdAt.millis),
                    \(bind: dispute.codeExpiresAt.millis))
                """).run()
            try await Self.insertNotice(db: db, notice)
        }
    }

    public func dispute(id: String) async throws -> NumberDispute? {
        try await read { db in try await db.raw("SELECT * FROM number_disputes WHERE id = \(bind: id)").first().map(Self.dispute(from:)) }
    }

    public func disputes(state: DisputeState?, limit: Int) async throws -> [NumberDispute] {
        try await read { db in
            let filter: SQLQueryString = state.map { "WHERE state = \(bind: $0.rawValue)" } ?? ""
            let order: SQLQueryString = state == .underReview ? "ORDER BY created_at" : "ORDER BY created_at DESC"
            return try await db.raw("SELECT * FROM number_disputes \(filter) \(order) LIMIT \(bind: Int64(limit))").all().map(Self.dispute(from:))
        }
    }

    public func changeDispute<R: Sendable>(id: String, now: Date, _ change: @escaping @Sendable (inout NumberDispute) throws -> R) async throws
        -> (R, NumberDispute)
    {
        try await sqlTransaction { [backend] db in
            guard let row = try await db.raw("SELECT e164 FROM number_disputes WHERE id = \(bind: id)").first(),
                  let number = PhoneNumber(e164: try row.string("e164")) else { throw DomainError.notFound(what: "dispute") }
            // The label's row first, as every write to a number takes it, then the dispute's.
            let label = try await Self.lockedLabel(db: db, backend: backend, number, now: now)
            guard var dispute = try await db.raw("SELECT * FROM number_disputes WHERE id = \(bind: id)\(unsafeRaw: backend.forUpdate)").first()
                .map(Self.dispute(from:)) else { throw DomainError.notFound(what: "dispute") }
            let answer = try change(&dispute)
            try await db.raw("""
                UPDATE number_disputes SET state = \(bind: dispute.state.rawValue), attempts = \(bind: Int64(dispute.attempts)),
                    decided_at = \(bind: dispute.decidedAt?.millis), decided_by = \(bind: dispute.decidedBy), note = \(bind: dispute.note)
                WHERE id = \(bind: dispute.id)
                """).run()
            let next = label.following(dispute, reports: try await Self.reports(db: db, number), now: now)
            _ = try await Self.save(db: db, next, was: label, now: now)
            return (answer, dispute)
        }
    }
}

extension SQLStore {
    /// The number's label, made (showing nothing) if it has none, locked until the commit so
    /// writes to one number take turns.
    static func lockedLabel(db: any SQLDatabase, backend: Backend, _ number: PhoneNumber, now: Date) async throws -> NumberLabel {
        try await db.raw("""
            INSERT INTO number_labels (number_hash, e164, market, confidence_bp, reporters, suspended, version, updated_at)
            VALUES (\(bind: number.hash), \(bind: number.e164), \(bind: number.market ?? "XX"), 0, 0, 0, 0, \(bind: now.millis))
            ON CONFLICT (number_hash) DO NOTHING
            """).run()
        guard let row = try await db.raw("SELECT * FROM number_labels WHERE number_hash = \(bind: number.hash)\(unsafeRaw: backend.forUpdate)").first() else {
            throw DomainError.notFound(what: "number")
        }
        return try label(from: row)
    }

    /// Stores the label; when what devices see changed, with the next version.
    static func save(db: any SQLDatabase, _ label: NumberLabel, was before: NumberLabel, now: Date) async throws -> NumberLabel {
        var label = label
        if label.shown != before.shown {
            label.version = try await nextVersions(db: db, .numberLabels)
        }
        try await db.raw("""
            UPDATE number_labels SET category = \(bind: label.category?.rawValue), confidence_bp = \(bind: Int64(label.confidenceBasisPoints)),
                reporters = \(bind: Int64(label.reporters)), expires_at = \(bind: label.expiresAt?.millis), business_name = \(bind: label.businessName),
                suspended = \(bind: Int64(label.suspended ? 1 : 0)), cleared_at = \(bind: label.clearedAt?.millis), version = \(bind: label.version),
                updated_at = \(bind: now.millis)
            WHERE number_hash = \(bind: label.number.hash)
            """).run()
        return label
    }

    static func reports(db: any SQLDatabase, _ number: PhoneNumber) async throws -> [NumberReport] {
        try await db.raw("SELECT * FROM number_reports WHERE number_hash = \(bind: number.hash)").all().compactMap { row in
            guard let category = CallCategory(rawValue: try row.string("category")) else { return nil }
            return NumberReport(
                number: number, category: category, deviceId: try row.string("device_id"), accountId: try row.optionalString("account_id"),
                network: try row.string("network"), at: try row.date("at"))
        }
    }

    static func label(from row: any SQLRow) throws -> NumberLabel {
        guard let number = PhoneNumber(e164: try row.string("e164")) else { throw DomainError.notFound(what: "number") }
        return NumberLabel(
            number: number, category: try row.optionalString("category").flatMap(CallCategory.init), confidenceBasisPoints: Int(try row.int("confidence_bp")),
            reporters: Int(try row.int("reporters")), expiresAt: try row.optionalDate("expires_at"), businessName: try row.optionalString("business_name"),
            suspended: try row.bool("suspended"), clearedAt: try row.optionalDate("cleared_at"), version: try row.int("version"))
    }

    static func dispute(from row: any SQLRow) throws -> NumberDispute {
        guard let number = PhoneNumber(e164: try row.string("e164")), let state = DisputeState(rawValue: try row.string("state")) else {
            throw DomainError.notFound(what: "dispute")
        }
        return NumberDispute(
            id: try row.string("id"), number: number, accountId: try row.string("account_id"), state: state, reason: try row.string("reason"),
            codeHash: try row.string("code_hash"), attempts: Int(try row.int("attempts")), createdAt: try row.date("created_at"),
            codeExpiresAt: try row.date("code_expires_at"), decidedAt: try row.optionalDate("decided_at"), decidedBy: try row.optionalString("decided_by"),
            note: try row.optionalString("note"))
    }
}

extension SQLStore {
    /// Stores labels as given, each with the next version, in one transaction: a benchmark's
    /// millions of labelled numbers. A number already labelled is left as it is; a number's next
    /// report or lapse reassesses its label from its reports. It takes the version counter before
    /// the labels' rows (the reverse of a report), so run it while no reports arrive.
    @discardableResult
    public func importLabels(_ labels: [NumberLabel], now: Date) async throws -> Int {
        guard !labels.isEmpty else { return 0 }
        return try await sqlTransaction { db in
            let first = try await Self.nextVersions(db: db, .numberLabels, count: labels.count)
            var stored = 0
            // 2000 rows of 11 values stay under SQLite's 32766 bound parameters.
            for start in stride(from: 0, to: labels.count, by: 2000) {
                let slice = labels[start..<min(start + 2000, labels.count)]
                var values: [SQLQueryString] = []
                for (offset, label) in slice.enumerated() {
                    values.append("""
                        (\(bind: label.number.hash), \(bind: label.number.e164), \(bind: label.number.market ?? "XX"), \(bind: label.category?.rawValue),
                         \(bind: Int64(label.confidenceBasisPoints)), \(bind: Int64(label.reporters)), \(bind: label.expiresAt?.millis),
                         \(bind: label.businessName), 0, \(bind: first + Int64(start + offset)), \(bind: now.millis))
                        """)
                }
                stored += try await db.raw("""
                    INSERT INTO number_labels (number_hash, e164, market, category, confidence_bp, reporters, expires_at, business_name,
                        suspended, version, updated_at)
                    VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (number_hash) DO NOTHING
                    RETURNING number_hash
                    """).all().count
            }
            return stored
        }
    }
}
