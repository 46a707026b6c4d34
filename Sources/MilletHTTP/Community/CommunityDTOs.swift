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

/// A post as the API shows it, with the history of its status.
struct PostDTO: ResponseEncodable, Sendable {
    struct Change: Encodable, Sendable {
        let from: String?
        let to: String
        let actor: String
        let detail: String?
        let at: Date
    }

    let id, boardId, authorId, kind, title, body, status: String
    let firmwareVersion, deviceModel, duplicateOf: String?
    let votes: Int
    let createdAt: Date
    let history: [Change]

    init(_ post: Post) {
        id = post.id
        boardId = post.boardId
        authorId = post.authorId
        kind = post.kind.rawValue
        title = post.title
        body = post.body
        status = post.status.rawValue
        firmwareVersion = post.firmwareVersion
        deviceModel = post.deviceModel
        duplicateOf = post.duplicateOf
        votes = post.votes
        createdAt = post.createdAt
        history = post.history.map { Change(from: $0.from?.rawValue, to: $0.to.rawValue, actor: $0.actor, detail: $0.detail, at: $0.at) }
    }
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
        let releaseId: String?
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
