import Foundation

/// Crowd-tagged calls: devices report numbers that called them, a number is labelled once
/// enough independent reporters agree, devices look numbers up privately (by a prefix of their
/// hash) and keep a blocklist in step by versioned deltas, and a number's owner can dispute its
/// label: proven by SMS, the label is suspended at once until staff decide.
public struct NumberDesk: Sendable {
    let numbers: any NumberRepository
    let clock: any MilletClock
    /// The shown labels in memory, for lookups.
    public let index: LabelIndex

    /// Disputes one account may open in a day.
    public static let disputesPerDay = 5
    /// Labels a blocklist answer carries at most; the device asks again from the version it got.
    public static let syncPage = 2_000

    public init(numbers: any NumberRepository, clock: any MilletClock, index: LabelIndex = LabelIndex()) {
        self.numbers = numbers
        self.clock = clock
        self.index = index
    }

    /// Reads into the index the labels whose version moved since it last looked (all of them the
    /// first time), at most `pages` pages; the server calls it every second. Answers how many
    /// labels it read.
    @discardableResult
    public func syncIndex(pageSize: Int = 20_000, pages: Int = .max) async throws -> Int {
        var read = 0
        for _ in 0..<pages {
            let page = try await numbers.labelChanges(market: nil, since: index.cursor, limit: pageSize)
            index.apply(page, complete: page.count < pageSize)
            read += page.count
            guard page.count == pageSize else {
                index.markSynced(at: clock.now())
                return read
            }
        }
        return read
    }

    /// How old the index's last complete sync may be before lookups read the database instead.
    public static let indexStaleAfter: TimeInterval = 30

    /// After a write on this node: the index takes it at once when loaded (a page at most; the
    /// schedule reads the rest). The write has committed, so a failed read is left to the schedule.
    private func caughtUp() async {
        if index.isLoaded { _ = try? await syncIndex(pageSize: 1_000, pages: 1) }
    }

    /// A device's report of a number that called it, read as written in the device's market;
    /// answers the number's label after it.
    public func report(_ device: Device, number text: String, category: String, clientIP: String) async throws -> NumberLabel {
        let number = try PhoneNumber(text, market: device.marketCode)
        guard let category = CallCategory(rawValue: category) else {
            throw DomainError.invalid(field: "category", "must be one of \(CallCategory.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let report = NumberReport(
            number: number, category: category, deviceId: device.id, accountId: device.ownerAccountId,
            network: NumberReport.network(clientIP: clientIP), at: clock.now())
        let label = try await numbers.recordReport(report, now: clock.now())
        await caughtUp()
        return label
    }

    /// Every public label whose number's SHA-256 starts with `prefix`: 4 to 8 hex digits, so
    /// one answer covers many numbers and the asker's number is never sent. Answered from the
    /// index once it is loaded and synced within ``indexStaleAfter``, else from the database.
    public func lookup(prefix: String) async throws -> [LabelIndex.Entry] {
        let prefix = prefix.lowercased()
        guard (4...8).contains(prefix.count), prefix.allSatisfy({ $0.isHexDigit && $0.isASCII }) else {
            throw DomainError.invalid(field: "prefix", "must be 4 to 8 hexadecimal digits of the number's SHA-256")
        }
        if index.isLoaded, clock.now().timeIntervalSince(index.lastSynced) < Self.indexStaleAfter { return index.entries(prefix: prefix) }
        return try await numbers.labels(hashPrefix: prefix).filter(\.isPublic).map { label in
            let shown = label.shown
            return LabelIndex.Entry(key: LabelIndex.key(label), category: shown.category, confidenceBasisPoints: shown.confidenceBasisPoints,
                                    businessName: shown.businessName)
        }
    }

    /// What changed in the market's labels since version `since`: each label as devices see it
    /// now (nothing shown means: drop it), the version to ask from next, and whether more wait.
    public func changes(market: String, since: Int64) async throws -> (labels: [NumberLabel], version: Int64, more: Bool) {
        guard since >= 0 else { throw DomainError.invalid(field: "since", "must be a version from an earlier answer, or 0") }
        let labels = try await numbers.labelChanges(market: market, since: since, limit: Self.syncPage)
        return (labels, labels.last?.version ?? since, labels.count == Self.syncPage)
    }

    /// Reassesses the labels whose time to lapse has come (reports decay); for the schedule.
    @discardableResult
    public func lapseDue(limit: Int = 500) async throws -> Int {
        let lapsed = try await numbers.reassessLapsing(now: clock.now(), limit: limit)
        await caughtUp()
        return lapsed
    }

    /// Staff name the business a number belongs to (shown instead of any crowd label), or with
    /// `nil` no longer.
    public func setBusiness(number text: String, market: String, name: String?) async throws -> NumberLabel {
        let number = try PhoneNumber(text, market: market)
        let name = name?.trimmed
        if let name {
            var check = Validator()
            check.requireLength(name, 2...80, "name", "must be 2 to 80 characters")
            check.requireSingleLine(name, "name")
            try check.check()
        } else if try await numbers.label(number: number) == nil {
            // Nothing to clear on a number nobody labelled.
            return NumberLabel(number: number)
        }
        let label = try await numbers.setBusiness(number: number, name: name, now: clock.now())
        await caughtUp()
        return label
    }

    /// An owner disputes a number's public label: the dispute waits for the code texted to the
    /// number. `conflict(not_labelled)` when no crowd label is shown for it (a suspended one
    /// waits for staff already), `conflict(dispute_open)` while another dispute of it is open,
    /// `conflict(dispute_rejected)` within 90 days of a rejected one, `throttled` past
    /// ``disputesPerDay``.
    public func openDispute(_ account: Account, number text: String, market: String, reason: String) async throws -> NumberDispute {
        let number = try PhoneNumber(text, market: market)
        let now = clock.now()
        guard let label = try await numbers.label(number: number), label.isPublic, label.businessName == nil else {
            throw DomainError.conflict(code: "not_labelled", message: "no label is shown for this number")
        }
        let (dispute, code) = try NumberDispute.open(number: number, accountId: account.id, reason: reason, now: now)
        let notice = Notice(accountId: account.id, kind: .numberCode, subjectId: dispute.id, params: ["code": code, "phone": number.e164], createdAt: now)
        try await numbers.openDispute(dispute, notice: notice, perDay: Self.disputesPerDay, now: now)
        return dispute
    }

    /// The owner gives back the code: proven, the label is suspended at once and the dispute goes
    /// to staff; `invalid(code)` for a wrong code (each counted, one at a time),
    /// `conflict(code_lapsed)` once it is late or wrong too often.
    public func confirm(_ account: Account, disputeId: String, code: String) async throws -> NumberDispute {
        _ = try await ownDispute(account, id: disputeId)
        let now = clock.now()
        let (outcome, dispute) = try await numbers.changeDispute(id: disputeId, now: now) { dispute in try dispute.confirm(code: code, now: now) }
        await caughtUp()
        switch outcome {
        case .proven: return dispute
        case .wrong(let left): throw DomainError.invalid(field: "code", "is not the code sent to the number (\(left) tries left)")
        case .lapsed: throw DomainError.conflict(code: "code_lapsed", message: "the code has lapsed: start again")
        }
    }

    /// A dispute, to the account that opened it (`not_found` to anyone else).
    public func ownDispute(_ account: Account, id: String) async throws -> NumberDispute {
        guard let dispute = try await numbers.dispute(id: id), dispute.accountId == account.id else { throw DomainError.notFound(what: "dispute") }
        return dispute
    }

    /// Staff uphold (the label's reports until now stop counting) or reject (the label shows
    /// again) a proven dispute.
    public func decide(disputeId: String, uphold: Bool, staff: String, note: String?) async throws -> NumberDispute {
        let now = clock.now()
        let decided = try await numbers.changeDispute(id: disputeId, now: now) { dispute in try dispute.decide(uphold: uphold, by: staff, note: note, now: now) }.1
        await caughtUp()
        return decided
    }

    /// Disputes for staff: those under review oldest first (the queue), others newest first.
    public func disputes(state: DisputeState?, limit: Int = 200) async throws -> [NumberDispute] {
        try await numbers.disputes(state: state, limit: limit)
    }

    /// A number's label, for staff.
    public func label(_ number: PhoneNumber) async throws -> NumberLabel? {
        try await numbers.label(number: number)
    }
}
