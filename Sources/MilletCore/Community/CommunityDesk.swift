import Foundation

/// A fan's and a moderator's use cases in the community that carry rules: who sees a hidden post,
/// what the posting policy lets a new or low-level account write, that only the author edits a
/// post, that a fan reports a post once. Routes and pages both call it, so the rules hold however
/// a post or comment arrives. Each use case writes one row through its repository, in one
/// transaction there.
public struct CommunityDesk: Sendable {
    private let community: any CommunityRepository
    private let discussion: any DiscussionRepository
    private let moderation: any ModerationRepository
    private let standings: any StandingRepository
    private let releases: any ReleaseRepository
    /// What a fan's new post or comment must pass: new-account limits and the link rule.
    public let postingPolicy: PostingPolicy
    private let clock: any MilletClock

    public init(
        community: any CommunityRepository, discussion: any DiscussionRepository, moderation: any ModerationRepository,
        standings: any StandingRepository, releases: any ReleaseRepository, postingPolicy: PostingPolicy, clock: any MilletClock
    ) {
        self.community = community
        self.discussion = discussion
        self.moderation = moderation
        self.standings = standings
        self.releases = releases
        self.postingPolicy = postingPolicy
        self.clock = clock
    }

    /// The board with this slug, or `not_found`.
    public func board(slug: String) async throws -> Board {
        guard let board = try await community.board(slug: slug) else { throw DomainError.notFound(what: "board") }
        return board
    }

    /// How far back the roadmap's "recently shipped" column reaches, in days.
    public static let roadmapShippedDays = 30

    /// The public roadmap: planned and in-progress work, and what shipped in the last
    /// ``roadmapShippedDays`` days.
    public func roadmap(limit: Int = 300) async throws -> [Post] {
        try await community.roadmap(shippedSince: clock.now().addingTimeInterval(-Double(Self.roadmapShippedDays) * 24 * 3600), limit: limit)
    }

    /// The weekly release with this id, or `not_found`.
    public func release(id: String) async throws -> Release {
        guard Identifier.isWellFormed(id), let release = try await releases.release(id: id) else { throw DomainError.notFound(what: "release") }
        return release
    }

    /// The post with this id as `viewer` may see it: a hidden post is "not found" except to moderators.
    public func visiblePost(id: String, viewer: Account?) async throws -> Post {
        guard Identifier.isWellFormed(id), let post = try await community.post(id: id),
              !post.flags.hidden || viewer?.role.canModerate == true
        else { throw DomainError.notFound(what: "post") }
        return post
    }

    /// The account's standing on every board.
    public func standing(of accountId: String) async throws -> Standing {
        Standing(try await standings.contributions(accountIds: [accountId])[accountId] ?? Contributions())
    }

    /// Each author's standing, for showing posts: one query however many posts there are.
    public func standings(ofAuthorsOf posts: [Post]) async throws -> [String: Standing] {
        let authors = Set(posts.map(\.authorId))
        let counts = try await standings.contributions(accountIds: Array(authors))
        return Dictionary(uniqueKeysWithValues: authors.map { ($0, Standing(counts[$0] ?? Contributions())) })
    }

    /// A fan's new post, once the posting policy allows it.
    public func createPost(_ draft: PostDraft, on board: Board, by account: Account) async throws -> Post {
        try await checkPosting(draft.text, by: account)
        return try await community.createPost(id: Identifier.make(), boardId: board.id, authorId: account.id, draft: draft, now: clock.now())
    }

    /// A fan's comment, once the posting policy allows it.
    public func addComment(_ body: String, to post: Post, by account: Account) async throws -> Comment {
        let draft = try CommentDraft(body: body)
        try await checkPosting(draft.body, by: account)
        return try await discussion.addComment(id: Identifier.make(), postId: post.id, authorId: account.id, draft: draft, now: clock.now())
    }

    /// The author's new text for their post: `forbidden` for anyone else before `draft` is even
    /// read; the link rule applies to edits too.
    public func edit(_ post: Post, by account: Account, draft: () async throws -> PostDraft) async throws -> Post {
        guard post.authorId == account.id else { throw DomainError.forbidden(message: "only its author can edit a post") }
        let draft = try await draft()
        try postingPolicy.checkLinks(text: draft.text, level: try await standing(of: account.id).level)
        return try await discussion.editPost(id: post.id, authorId: account.id, draft: draft, now: clock.now())
    }

    /// Files a fan's report of a post; once per fan.
    public func report(_ post: Post, reason: String, by account: Account) async throws {
        try await moderation.report(try PostReport.file(postId: post.id, accountId: account.id, reason: reason, at: clock.now()))
    }

    /// Refuses a new post or comment the posting policy does not allow (new-account limit, links).
    /// Moderators and staff write freely.
    public func checkPosting(_ text: String, by account: Account) async throws {
        guard !account.role.canModerate else { return }
        let now = clock.now()
        try postingPolicy.check(
            text: text, accountCreatedAt: account.createdAt, level: try await standing(of: account.id).level,
            writesInLastHour: try await discussion.writes(accountId: account.id, since: now.addingTimeInterval(-3600)), now: now)
    }
}
