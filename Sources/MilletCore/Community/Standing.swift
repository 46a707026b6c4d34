import Foundation

/// What a fan has contributed, counted from their posts (duplicates left out: their votes moved
/// to the post they duplicate).
public struct Contributions: Hashable, Sendable, Codable {
    public var posts: Int
    /// Posts the brand acknowledged (or took further): counted once earned, even if later declined.
    public var acknowledged: Int
    /// Of those, bug reports.
    public var acknowledgedBugs: Int
    public var votesReceived: Int
    public var shippedIdeas: Int
    public var shippedBugs: Int
    /// The most votes any one of their posts has.
    public var topPostVotes: Int

    public init(posts: Int = 0, acknowledged: Int = 0, acknowledgedBugs: Int = 0, votesReceived: Int = 0, shippedIdeas: Int = 0, shippedBugs: Int = 0, topPostVotes: Int = 0) {
        self.posts = posts
        self.acknowledged = acknowledged
        self.acknowledgedBugs = acknowledgedBugs
        self.votesReceived = votesReceived
        self.shippedIdeas = shippedIdeas
        self.shippedBugs = shippedBugs
        self.topPostVotes = topPostVotes
    }
}

/// A badge shown beside a fan's name.
public enum Badge: String, Sendable, Codable, CaseIterable {
    /// Wrote a first post.
    case firstPost = "first_post"
    /// Had a bug report acknowledged.
    case bugHunter = "bug_hunter"
    /// Had an idea shipped in a release.
    case ideaShipped = "idea_shipped"
    /// Wrote a post with ten votes or more.
    case crowdFavourite = "crowd_favourite"
}

/// A fan's points, level and badges: derived from their contributions, never stored, so they
/// cannot drift from the posts and votes they come from.
public struct Standing: Hashable, Sendable, Codable {
    /// Points for each post the brand acknowledges.
    public static let pointsPerAcknowledged = 10
    /// Points for each vote a fan's posts receive.
    public static let pointsPerVote = 1
    /// Points for each idea shipped in a release.
    public static let pointsPerShippedIdea = 50
    /// Points for each bug report whose fix shipped.
    public static let pointsPerShippedBug = 20
    /// The points each level starts at, and its name; level 1 is index 0.
    public static let levels: [(points: Int, name: String)] = [
        (0, "Newcomer"), (10, "Member"), (50, "Regular"), (150, "Contributor"), (400, "Expert"), (1000, "Legend"),
    ]

    public let points: Int
    public let level: Int
    public let levelName: String
    public let badges: [Badge]

    public init(_ contributions: Contributions) {
        let c = contributions
        let points = c.acknowledged * Self.pointsPerAcknowledged + c.votesReceived * Self.pointsPerVote
            + c.shippedIdeas * Self.pointsPerShippedIdea + c.shippedBugs * Self.pointsPerShippedBug
        self.points = points
        let index = Self.levels.lastIndex { $0.points <= points } ?? 0
        level = index + 1
        levelName = Self.levels[index].name
        var earned: [Badge] = []
        if c.posts > 0 { earned.append(.firstPost) }
        if c.acknowledgedBugs > 0 { earned.append(.bugHunter) }
        if c.shippedIdeas > 0 { earned.append(.ideaShipped) }
        if c.topPostVotes >= 10 { earned.append(.crowdFavourite) }
        badges = earned
    }
}

/// One row of a board's leaderboard.
public struct LeaderboardEntry: Hashable, Sendable, Codable {
    public let accountId: String
    public let displayName: String
    public let standing: Standing

    public init(accountId: String, displayName: String, standing: Standing) {
        self.accountId = accountId
        self.displayName = displayName
        self.standing = standing
    }

    /// Ranks fans by points, then by name, then by id, so equal scores list in a stable order.
    public static func rank(_ entries: [LeaderboardEntry]) -> [LeaderboardEntry] {
        entries.sorted {
            ($1.standing.points, $0.displayName, $0.accountId) < ($0.standing.points, $1.displayName, $1.accountId)
        }
    }
}

/// Counts fans' contributions for their standing and the boards' leaderboards.
public protocol StandingRepository: Sendable {
    /// Each account's contributions on every board; accounts with no posts are absent.
    func contributions(accountIds: [String]) async throws -> [String: Contributions]
    /// The board's top contributors by points.
    func leaderboard(boardId: String, limit: Int) async throws -> [LeaderboardEntry]
}

/// The hook from fans' standing to flash sales: staff give top contributors F-codes.
public protocol FCodeGrantRepository: Sendable {
    /// Issues one F-code of the sale to each account and puts it in their inbox, all in one
    /// transaction; answers each account's code.
    func grantFCodes(saleId: String, saleTitle: String, accountIds: [String], now: Date) async throws -> [String: String]
}
