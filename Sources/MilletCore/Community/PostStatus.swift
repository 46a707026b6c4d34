import Foundation

/// Where a fan's post stands with the brand.
public enum PostStatus: String, Sendable, Codable, CaseIterable {
    case open, acknowledged, planned
    case inProgress = "in_progress"
    case shipped, declined, duplicate
}

/// A change staff ask for, with what each status needs to say.
public enum PostStatusChange: Equatable, Sendable {
    case acknowledge
    case plan
    case start
    /// Shipped in a release (for example `"14.0.7"`).
    case ship(release: String)
    /// Declined, and why.
    case decline(reason: String)
    /// Merged into another post; its votes and followers move there.
    case markDuplicate(of: String)
    /// A declined post is looked at again.
    case reopen

    public var target: PostStatus {
        switch self {
        case .acknowledge: .acknowledged
        case .plan: .planned
        case .start: .inProgress
        case .ship: .shipped
        case .decline: .declined
        case .markDuplicate: .duplicate
        case .reopen: .open
        }
    }
}

/// The post status state machine, as a value: which change each status accepts.
///
/// `open -> acknowledged -> planned -> in_progress -> shipped`, with `planned` reachable from
/// `open` too and `in_progress` able to go back to `planned`. Any post not yet shipped may be
/// declined or merged as a duplicate; a declined post may be reopened. `shipped` and `duplicate`
/// are final.
public struct PostWorkflow: Sendable, Equatable {
    public private(set) var status: PostStatus

    public init(status: PostStatus) { self.status = status }

    /// Applies `change` or throws `illegal_transition` (409) and stays where it was.
    public mutating func apply(_ change: PostStatusChange) throws {
        guard Self.allows(from: status, change) else {
            throw DomainError.conflict(code: "illegal_transition", message: "a post that is \(status.rawValue) cannot become \(change.target.rawValue)")
        }
        try Self.validate(change)
        status = change.target
    }

    static func allows(from status: PostStatus, _ change: PostStatusChange) -> Bool {
        switch (status, change) {
        case (.open, .acknowledge), (.open, .plan): true
        case (.acknowledged, .plan), (.acknowledged, .start): true
        case (.planned, .start), (.planned, .ship): true
        case (.inProgress, .ship), (.inProgress, .plan): true
        case (.open, .decline), (.acknowledged, .decline), (.planned, .decline), (.inProgress, .decline): true
        case (.open, .markDuplicate), (.acknowledged, .markDuplicate), (.planned, .markDuplicate), (.declined, .markDuplicate): true
        case (.declined, .reopen): true
        default: false
        }
    }

    static func validate(_ change: PostStatusChange) throws {
        var check = Validator()
        switch change {
        case .ship(let release):
            check.requireLength(release, 1...40, "release", "must name the release, 1 to 40 characters")
            check.require(!release.contains(where: \.isWhitespace), "release", "must name the release, 1 to 40 characters")
        case .decline(let reason):
            check.requireLength(reason, 3...500, "reason", "must say why, 3 to 500 characters")
        case .markDuplicate(let target):
            check.require(Identifier.isWellFormed(target), "duplicateOf", "must be a post id")
        default:
            break
        }
        try check.check()
    }
}
