import Foundation

/// A community board: one per product line, or a general one.
public struct Board: Hashable, Sendable, Codable {
    public let id: String
    public let slug: String
    public let name: String
    /// The product line it is about (`phones`, `wearables` ...); `nil` for general boards.
    public let productLine: String?
    public let createdAt: Date

    public init(id: String, slug: String, name: String, productLine: String?, createdAt: Date) {
        self.id = id
        self.slug = slug
        self.name = name
        self.productLine = productLine
        self.createdAt = createdAt
    }
}

/// What a fan posts about.
public enum PostKind: String, Sendable, Codable, CaseIterable {
    case bug, idea, question
}

/// What a fan writes; checked before anything is stored.
public struct PostDraft: Sendable, Equatable {
    public let kind: PostKind
    public let title: String
    public let body: String
    /// The firmware the fan is on, and their device model: what makes a bug report useful.
    public let firmwareVersion: String?
    public let deviceModel: String?

    public init(kind: PostKind, title: String, body: String, firmwareVersion: String?, deviceModel: String?) throws {
        var check = Validator()
        check.requireLength(title, 3...150, "title", "must be 3 to 150 characters")
        check.requireLength(body, 1...10_000, "body", "must be 1 to 10000 characters")
        if let firmwareVersion { check.requireLength(firmwareVersion, 1...40, "firmwareVersion", "must be 1 to 40 characters") }
        if let deviceModel { check.requireLength(deviceModel, 1...60, "deviceModel", "must be 1 to 60 characters") }
        try check.check()
        self.kind = kind
        self.title = title.trimmed
        self.body = body.trimmed
        self.firmwareVersion = firmwareVersion
        self.deviceModel = deviceModel
    }

    /// A draft whose kind comes by name (`bug`, `idea`, `question`), as forms and the API send it;
    /// `invalid(kind)` for any other name.
    public init(kindName: String, title: String, body: String, firmwareVersion: String?, deviceModel: String?) throws {
        guard let kind = PostKind(rawValue: kindName) else { throw DomainError.invalid(field: "kind", "must be bug, idea or question") }
        try self.init(kind: kind, title: title, body: body, firmwareVersion: firmwareVersion, deviceModel: deviceModel)
    }

    /// What the posting policy reads: the title and the body.
    public var text: String { title + "\n" + body }
}

/// One recorded status change: who, when, and what it said.
public struct PostStatusRecord: Hashable, Sendable, Codable {
    public let from: PostStatus?
    public let to: PostStatus
    public let actor: String
    /// The release it shipped in, the reason it was declined, or the post it duplicates.
    public let detail: String?
    public let at: Date

    public init(from: PostStatus?, to: PostStatus, actor: String, detail: String?, at: Date) {
        self.from = from
        self.to = to
        self.actor = actor
        self.detail = detail
        self.at = at
    }
}

/// A fan's post with its votes and the history of its status.
public struct Post: Hashable, Sendable, Codable {
    public let id: String
    public let boardId: String
    public let authorId: String
    public let authorName: String
    public let kind: PostKind
    public let title: String
    public let body: String
    public let firmwareVersion: String?
    public let deviceModel: String?
    public let status: PostStatus
    public let votes: Int
    public let comments: Int
    public let followers: Int
    /// Hidden, locked, pinned.
    public let flags: PostFlags
    /// Set when the post was merged as a duplicate.
    public let duplicateOf: String?
    public let createdAt: Date
    /// When its author last changed its text.
    public let editedAt: Date?
    public let history: [PostStatusRecord]

    public init(
        id: String, boardId: String, authorId: String, authorName: String, kind: PostKind, title: String, body: String,
        firmwareVersion: String?, deviceModel: String?, status: PostStatus, votes: Int, comments: Int, followers: Int,
        flags: PostFlags, duplicateOf: String?, createdAt: Date, editedAt: Date?, history: [PostStatusRecord]
    ) {
        self.id = id
        self.boardId = boardId
        self.authorId = authorId
        self.authorName = authorName
        self.kind = kind
        self.title = title.trimmed
        self.body = body.trimmed
        self.firmwareVersion = firmwareVersion
        self.deviceModel = deviceModel
        self.status = status
        self.votes = votes
        self.comments = comments
        self.followers = followers
        self.flags = flags
        self.duplicateOf = duplicateOf
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.history = history
    }
}

/// How a board lists its posts.
public enum PostOrder: String, Sendable, CaseIterable {
    case votes, newest
    /// Votes received in the last seven days.
    case trending
}

/// Boards, posts, votes and statuses.
public protocol CommunityRepository: Sendable {
    func createBoard(_ board: Board) async throws
    func boards() async throws -> [Board]
    func board(slug: String) async throws -> Board?
    /// Stores a new `open` post with its first history record.
    func createPost(id: String, boardId: String, authorId: String, draft: PostDraft, now: Date) async throws -> Post
    func post(id: String) async throws -> Post?
    /// A board's posts, pinned ones first; hidden ones only when `includeHidden` (for moderators).
    func posts(boardId: String, order: PostOrder, includeHidden: Bool, now: Date, offset: Int, limit: Int) async throws -> [Post]
    /// The public roadmap: visible posts planned or in progress, and those shipped since
    /// `shippedSince`, most voted first.
    func roadmap(shippedSince: Date, limit: Int) async throws -> [Post]
    /// Adds the account's vote, or takes it back if it was there; answers whether it now votes
    /// and the post's count. `conflict(post_locked)` on a locked post.
    func toggleVote(postId: String, accountId: String, now: Date) async throws -> (voted: Bool, votes: Int)
    /// Runs `change` through ``PostWorkflow`` and records it; a duplicate's votes move to the
    /// post it duplicates, each voter's once.
    func changeStatus(postId: String, _ change: PostStatusChange, actor: String, now: Date) async throws -> Post
}
