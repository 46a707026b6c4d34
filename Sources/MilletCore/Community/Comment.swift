import Foundation

/// A fan's comment under a post.
public struct Comment: Hashable, Sendable, Codable {
    public let id: String
    public let postId: String
    public let authorId: String
    public let authorName: String
    public let body: String
    public let createdAt: Date

    public init(id: String, postId: String, authorId: String, authorName: String, body: String, createdAt: Date) {
        self.id = id
        self.postId = postId
        self.authorId = authorId
        self.authorName = authorName
        self.body = body
        self.createdAt = createdAt
    }
}

/// What a fan writes under a post; checked before anything is stored.
public struct CommentDraft: Sendable, Equatable {
    public let body: String

    public init(body: String) throws {
        var check = Validator()
        check.requireLength(body, 1...5_000, "body", "must be 1 to 5000 characters")
        try check.check()
        self.body = body.trimmed
    }
}

/// Comments and the fans who follow a post. Following a post puts its comments and status
/// changes in the follower's inbox; a post's author and commenters follow it.
public protocol DiscussionRepository: Sendable {
    /// Stores a comment, makes its author a follower, and tells the other followers.
    /// `conflict(post_locked)` on a locked post, `conflict(post_merged)` on a duplicate.
    func addComment(id: String, postId: String, authorId: String, draft: CommentDraft, now: Date) async throws -> Comment
    func comments(postId: String, offset: Int, limit: Int) async throws -> [Comment]
    /// Follows or stops following a post; answers the post's follower count.
    func setFollowing(_ following: Bool, postId: String, accountId: String, now: Date) async throws -> Int
    func isFollowing(postId: String, accountId: String) async throws -> Bool
    /// Posts and comments the account wrote since `since`: what the new-account limit counts.
    func writes(accountId: String, since: Date) async throws -> Int
    /// Replaces a post's text; only its author may, and not once it is locked.
    func editPost(id: String, authorId: String, draft: PostDraft, now: Date) async throws -> Post
}
