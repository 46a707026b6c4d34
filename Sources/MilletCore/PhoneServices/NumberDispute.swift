import Foundation

/// Where a number owner's dispute of its label stands.
public enum DisputeState: String, Sendable, Codable, CaseIterable {
    /// A code went to the number by SMS; the label stands until it comes back.
    case awaitingCode = "awaiting_code"
    /// The owner proved the number: its label is suspended until staff decide.
    case underReview = "under_review"
    /// Staff agreed: reports made until then no longer count.
    case upheld
    /// Staff kept the label.
    case rejected
    /// The code was not given back in time, or was wrong too often.
    case lapsed
}

/// A number's owner disputing its label. The owner proves the number with a code sent to it by
/// SMS; the label is then suspended at once, and stays so until staff uphold (the reports before
/// go) or reject (the label comes back) the dispute.
public struct NumberDispute: Hashable, Sendable {
    public let id: String
    public let number: PhoneNumber
    public let accountId: String
    public internal(set) var state: DisputeState
    /// The owner's account of why the label is wrong.
    public let reason: String
    /// SHA-256 of the dispute id and the code, never the code.
    public let codeHash: String
    public internal(set) var attempts: Int
    public let createdAt: Date
    public let codeExpiresAt: Date
    public internal(set) var decidedAt: Date?
    public internal(set) var decidedBy: String?
    public internal(set) var note: String?

    /// How long the SMS code is good for, and how many wrong tries lapse it.
    public static let codeLifetime: TimeInterval = 15 * 60
    public static let maxAttempts = 5
    /// How long after staff reject a dispute no new one is taken for the number: else whoever
    /// holds it could keep its label suspended by disputing again.
    public static let rejectionStands: TimeInterval = 90 * 86_400

    /// Whether it holds the number's turn: waiting for a code still good, or for staff.
    public func isOpen(at now: Date) -> Bool {
        state == .underReview || (state == .awaitingCode && now < codeExpiresAt && attempts < Self.maxAttempts)
    }

    public init(
        id: String, number: PhoneNumber, accountId: String, state: DisputeState, reason: String, codeHash: String, attempts: Int,
        createdAt: Date, codeExpiresAt: Date, decidedAt: Date?, decidedBy: String?, note: String?
    ) {
        self.id = id
        self.number = number
        self.accountId = accountId
        self.state = state
        self.reason = reason
        self.codeHash = codeHash
        self.attempts = attempts
        self.createdAt = createdAt
        self.codeExpiresAt = codeExpiresAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.note = note
    }

    /// A new dispute and the six-digit code to text to the number.
    public static func open(number: PhoneNumber, accountId: String, reason: String, now: Date) throws -> (NumberDispute, code: String) {
        var check = Validator()
        check.requireLength(reason.trimmed, 10...1000, "reason", "must say why the label is wrong, 10 to 1000 characters")
        check.require(!reason.unicodeScalars.contains { Validator.isHidden($0) && $0 != "\n" && $0 != "\t" }, "reason",
                      "must not contain control or text-direction characters")
        try check.check()
        let id = Identifier.make(), code = String(format: "%06d", Int.random(in: 0..<1_000_000))
        let dispute = NumberDispute(
            id: id, number: number, accountId: accountId, state: .awaitingCode, reason: reason.trimmed, codeHash: Self.hash(code, id: id),
            attempts: 0, createdAt: now, codeExpiresAt: now.addingTimeInterval(Self.codeLifetime), decidedAt: nil, decidedBy: nil, note: nil)
        return (dispute, code)
    }

    static func hash(_ code: String, id: String) -> String { Secrets.digest("dispute:\(id):\(code)") }

    /// What giving a code back did.
    public enum Confirmation: Equatable, Sendable {
        /// The number is proven: the dispute goes to staff.
        case proven
        /// Not the code; this many tries are left.
        case wrong(triesLeft: Int)
        /// Too late, or the last wrong try: the owner starts again.
        case lapsed
    }

    /// The owner gives the code back (only while the dispute waits for one, else
    /// `conflict(not_awaiting_code)`). The caller stores the dispute whatever the answer.
    public mutating func confirm(code: String, now: Date) throws -> Confirmation {
        guard state == .awaitingCode else { throw DomainError.conflict(code: "not_awaiting_code", message: "this dispute does not wait for a code") }
        guard now < codeExpiresAt, attempts < Self.maxAttempts else {
            state = .lapsed
            return .lapsed
        }
        guard Secrets.equal(Self.hash(code.trimmed, id: id), codeHash) else {
            attempts += 1
            if attempts >= Self.maxAttempts { state = .lapsed }
            return state == .lapsed ? .lapsed : .wrong(triesLeft: Self.maxAttempts - attempts)
        }
        state = .underReview
        return .proven
    }

    /// Staff decide a dispute under review, with a note to the owner of at most 500 characters on one line.
    public mutating func decide(uphold: Bool, by staff: String, note: String?, now: Date) throws {
        guard state == .underReview else { throw DomainError.conflict(code: "not_under_review", message: "only a dispute under review is decided") }
        if let note {
            var check = Validator()
            check.requireLength(note, 0...500, "note", "must be at most 500 characters")
            check.requireSingleLine(note, "note")
            try check.check()
        }
        state = uphold ? .upheld : .rejected
        decidedAt = now
        decidedBy = staff
        self.note = note?.trimmed
    }
}
