import Foundation

/// What a moderator does to a post. Every action is written to the audit log.
public enum ModerationAction: Equatable, Sendable {
    /// Hidden posts are invisible to fans but not to moderators.
    case hide(reason: String)
    case unhide
    /// A locked post takes no more votes or comments.
    case lock
    case unlock
    /// Pinned posts list first on their board.
    case pin
    case unpin
    /// Moves the post to another board (by slug).
    case move(toBoard: String)
    /// Closes the post's open reports without changing it.
    case dismiss

    /// The action's name in the audit log and the API.
    public var name: String {
        switch self {
        case .hide: "hide"
        case .unhide: "unhide"
        case .lock: "lock"
        case .unlock: "unlock"
        case .pin: "pin"
        case .unpin: "unpin"
        case .move: "move"
        case .dismiss: "dismiss"
        }
    }

    /// Every action's name, for error messages and the API document.
    public static let names = ["hide", "unhide", "lock", "unlock", "pin", "unpin", "move", "dismiss"]

    /// Reads an action from its name and the detail it needs (a reason to hide, a board to move to).
    public init(name: String, reason: String?, board: String?) throws {
        var check = Validator()
        switch name {
        case "hide":
            check.requireLength(reason ?? "", 3...500, "reason", "must say why, 3 to 500 characters")
            try check.check()
            self = .hide(reason: (reason ?? "").trimmed)
        case "unhide": self = .unhide
        case "lock": self = .lock
        case "unlock": self = .unlock
        case "pin": self = .pin
        case "unpin": self = .unpin
        case "move":
            check.requireLength(board ?? "", 2...40, "board", "must name the board to move to")
            try check.check()
            self = .move(toBoard: board ?? "")
        case "dismiss": self = .dismiss
        default:
            throw DomainError.invalid(field: "action", "must be one of \(Self.names.joined(separator: ", "))")
        }
    }
}

/// The moderation flags a post carries.
public struct PostFlags: Hashable, Sendable, Codable {
    public var hidden: Bool
    public var locked: Bool
    public var pinned: Bool

    public init(hidden: Bool = false, locked: Bool = false, pinned: Bool = false) {
        self.hidden = hidden
        self.locked = locked
        self.pinned = pinned
    }

    /// The flags after `action`, or `conflict(no_change)` when the action changes nothing
    /// (hiding a hidden post), so the audit log records only real changes.
    public func applying(_ action: ModerationAction) throws -> PostFlags {
        var next = self
        switch action {
        case .hide: next.hidden = true
        case .unhide: next.hidden = false
        case .lock: next.locked = true
        case .unlock: next.locked = false
        case .pin: next.pinned = true
        case .unpin: next.pinned = false
        case .move, .dismiss: return self
        }
        guard next != self else { throw DomainError.conflict(code: "no_change", message: "the post is already in that state") }
        return next
    }
}

/// One line of the moderation audit log: who did what to which post, and when.
public struct ModerationEntry: Hashable, Sendable, Codable {
    public let id: String
    public let actorId: String
    public let action: String
    public let postId: String
    public let detail: String?
    public let at: Date

    public init(id: String, actorId: String, action: String, postId: String, detail: String?, at: Date) {
        self.id = id
        self.actorId = actorId
        self.action = action
        self.postId = postId
        self.detail = detail
        self.at = at
    }
}

/// A fan's report of a post to the moderators; one per fan per post.
public struct PostReport: Hashable, Sendable, Codable {
    public let postId: String
    public let accountId: String
    public let reason: String
    public let createdAt: Date

    public init(postId: String, accountId: String, reason: String, createdAt: Date) {
        self.postId = postId
        self.accountId = accountId
        self.reason = reason
        self.createdAt = createdAt
    }

    /// A fan's report, its reason checked (3 to 500 characters) and trimmed.
    public static func file(postId: String, accountId: String, reason: String, at: Date) throws -> PostReport {
        var check = Validator()
        check.requireLength(reason, 3...500, "reason", "must say what is wrong, 3 to 500 characters")
        try check.check()
        return PostReport(postId: postId, accountId: accountId, reason: reason.trimmed, createdAt: at)
    }
}

/// The rules a fan's new post or comment must pass before it is stored: new accounts may write
/// only a few times an hour, and fans below ``linkFreeLevel`` may put only a few links in one text
/// (the usual shape of forum spam).
public struct PostingPolicy: Sendable, Equatable {
    /// How long an account counts as new.
    public var newAccountAge: TimeInterval
    /// Posts plus comments a new account may write in an hour.
    public var newAccountWritesPerHour: Int
    /// Links a fan below ``linkFreeLevel`` may put in one post or comment.
    public var maxLinksBelowLevel: Int
    /// The level from which links are not counted.
    public var linkFreeLevel: Int

    public init(newAccountAge: TimeInterval = 24 * 3600, newAccountWritesPerHour: Int = 5, maxLinksBelowLevel: Int = 2, linkFreeLevel: Int = 3) {
        self.newAccountAge = newAccountAge
        self.newAccountWritesPerHour = newAccountWritesPerHour
        self.maxLinksBelowLevel = maxLinksBelowLevel
        self.linkFreeLevel = linkFreeLevel
    }

    /// Throws `throttled` (429) when a new account has written its hourly share, or
    /// `invalid(body)` when a low-level fan's text carries too many links.
    public func check(text: String, accountCreatedAt: Date, level: Int, writesInLastHour: Int, now: Date) throws {
        if now.timeIntervalSince(accountCreatedAt) < newAccountAge && writesInLastHour >= newAccountWritesPerHour {
            throw DomainError.throttled(retryAfterSeconds: 3600)
        }
        try checkLinks(text: text, level: level)
    }

    /// Throws `invalid(body)` when a fan below ``linkFreeLevel`` puts too many links in `text`;
    /// also applies to edits.
    public func checkLinks(text: String, level: Int) throws {
        if level < linkFreeLevel && Self.links(in: text) > maxLinksBelowLevel {
            throw DomainError.invalid(field: "body", "may hold at most \(maxLinksBelowLevel) links until you reach level \(linkFreeLevel)")
        }
    }

    /// Counts `http://`, `https://` and `www.` links in `text`.
    public static func links(in text: String) -> Int {
        let lower = text.lowercased()
        return ["http://", "https://", "www."].reduce(0) { count, marker in
            count + lower.components(separatedBy: marker).count - 1
        } - lower.components(separatedBy: "://www.").count + 1
    }
}

/// A post with open reports, for the moderators' queue.
public struct ReportedPost: Hashable, Sendable {
    public let post: Post
    public let reports: [PostReport]

    public init(post: Post, reports: [PostReport]) {
        self.post = post
        self.reports = reports
    }
}

/// Moderators' actions, fans' reports and the audit log.
public protocol ModerationRepository: Sendable {
    /// Applies `action`, resolves the post's open reports, and writes the audit log, in one transaction.
    func moderate(postId: String, _ action: ModerationAction, actorId: String, now: Date) async throws -> Post
    /// Files a report; `conflict(already_reported)` when this fan reported this post before.
    func report(_ report: PostReport) async throws
    /// Posts with open reports, most reported first.
    func openReports(limit: Int) async throws -> [ReportedPost]
    /// The audit log, newest first.
    func moderationLog(offset: Int, limit: Int) async throws -> [ModerationEntry]
}
