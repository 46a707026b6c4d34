import Foundation
import Hummingbird
import MilletCore

struct BoardDTO: ResponseEncodable, Sendable {
    let id, slug, name: String
    let productLine: String?

    init(_ board: Board) {
        id = board.id
        slug = board.slug
        name = board.name
        productLine = board.productLine
    }
}

struct BoardList: ResponseEncodable, Sendable {
    let items: [BoardDTO]
}

/// A fan as the community shows them: name, points, level and badges.
struct MemberDTO: ResponseEncodable, Sendable {
    let id, name, levelName: String
    let points, level: Int
    let badges: [String]

    init(id: String, name: String, standing: Standing) {
        self.id = id
        self.name = name
        levelName = standing.levelName
        points = standing.points
        level = standing.level
        badges = standing.badges.map(\.rawValue)
    }
}

/// A post as the API shows it, with its author's standing and the history of its status.
struct PostDTO: ResponseEncodable, Sendable {
    struct Change: Encodable, Sendable {
        let from: String?
        let to: String
        let actor: String
        let detail: String?
        let at: Date
    }

    let id, boardId, authorId, kind, title, body, status: String
    let author: MemberDTO
    let firmwareVersion, deviceModel, duplicateOf: String?
    let votes, comments, followers: Int
    let hidden, locked, pinned: Bool
    let createdAt: Date
    let editedAt: Date?
    let history: [Change]

    init(_ post: Post, standing: Standing) {
        id = post.id
        boardId = post.boardId
        authorId = post.authorId
        author = MemberDTO(id: post.authorId, name: post.authorName, standing: standing)
        kind = post.kind.rawValue
        title = post.title
        body = post.body
        status = post.status.rawValue
        firmwareVersion = post.firmwareVersion
        deviceModel = post.deviceModel
        duplicateOf = post.duplicateOf
        votes = post.votes
        comments = post.comments
        followers = post.followers
        hidden = post.flags.hidden
        locked = post.flags.locked
        pinned = post.flags.pinned
        createdAt = post.createdAt
        editedAt = post.editedAt
        history = post.history.map { Change(from: $0.from?.rawValue, to: $0.to.rawValue, actor: $0.actor, detail: $0.detail, at: $0.at) }
    }
}

struct PostList: ResponseEncodable, Sendable {
    let items: [PostDTO]
}

/// The public roadmap: planned, in progress, and shipped in the last 30 days, most voted first.
struct RoadmapDTO: ResponseEncodable, Sendable {
    let planned, inProgress, shipped: [PostDTO]
}

struct CommentDTO: ResponseEncodable, Sendable {
    let id, postId, authorId, authorName, body: String
    let createdAt: Date

    init(_ comment: Comment) {
        id = comment.id
        postId = comment.postId
        authorId = comment.authorId
        authorName = comment.authorName
        body = comment.body
        createdAt = comment.createdAt
    }
}

struct FollowDTO: ResponseEncodable, Sendable {
    let postId: String
    let following: Bool
    let followers: Int
}

struct VoteDTO: ResponseEncodable, Sendable {
    let postId: String
    let voted: Bool
    let votes: Int
}

struct ReleaseDTO: ResponseEncodable, Sendable {
    let id, productLine, version, channel: String
    let date: Date
    let published: Bool
    let notes: String?
    let postIds: [String]

    init(_ release: Release) {
        id = release.id
        productLine = release.productLine
        version = release.version
        channel = release.channel.rawValue
        date = release.date
        published = release.published
        notes = release.notes
        postIds = release.postIds
    }
}

struct ReleaseList: ResponseEncodable, Sendable {
    let items: [ReleaseDTO]
}

struct InboxDTO: ResponseEncodable, Sendable {
    struct Message: Encodable, Sendable {
        let id, text: String
        let releaseId, postId: String?
        let kind: String?
        let params: [String: String]
        let createdAt: Date
        let read: Bool
    }

    let unread: Int
    let items: [Message]
}

struct ReadDTO: ResponseEncodable, Sendable {
    let id: String
    let read: Bool
}
