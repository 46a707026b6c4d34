import Foundation
import Hummingbird
import MilletCore

/// Comments, following and reporting a post.
struct DiscussionController {
    let desk: CommunityDesk
    let discussion: any DiscussionRepository
    let clock: any MilletClock

    struct CommentBody: Decodable {
        let body: String
    }

    struct ReportBody: Decodable {
        let reason: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("community/posts/:id/comments") { request, context in
            let post = try await post(context)
            let pagination = try Pagination(request, defaultPerPage: 50)
            let comments = try await discussion.comments(postId: post.id, offset: pagination.offset, limit: pagination.perPage + 1)
            return Page(fetched: comments.map(CommentDTO.init), pagination: pagination)
        }
        groups.open.post("community/posts/:id/comments") { request, context in
            let account = try context.requireAccount()
            let post = try await post(context)
            let body = try await request.decodeJSON(CommentBody.self, context: context)
            return CommentDTO(try await desk.addComment(body.body, to: post, by: account)).with(status: .created)
        }
        groups.open.get("community/posts/:id/follow") { _, context in
            let account = try context.requireAccount()
            let post = try await post(context)
            let following = try await discussion.isFollowing(postId: post.id, accountId: account.id)
            return FollowDTO(postId: post.id, following: following, followers: post.followers)
        }
        groups.open.put("community/posts/:id/follow") { _, context in try await follow(true, context) }
        groups.open.delete("community/posts/:id/follow") { _, context in try await follow(false, context) }
        groups.open.post("community/posts/:id/reports") { request, context in
            let account = try context.requireAccount()
            let post = try await post(context)
            try await desk.report(post, reason: try await request.decodeJSON(ReportBody.self, context: context).reason, by: account)
            return ReportedDTO(postId: post.id, reported: true).with(status: .created)
        }
    }

    func follow(_ following: Bool, _ context: MilletRequestContext) async throws -> FollowDTO {
        let account = try context.requireAccount()
        let post = try await post(context)
        let followers = try await discussion.setFollowing(following, postId: post.id, accountId: account.id, now: clock.now())
        return FollowDTO(postId: post.id, following: following, followers: followers)
    }

    func post(_ context: MilletRequestContext) async throws -> Post {
        try await desk.visiblePost(id: try context.parameters.require("id"), viewer: context.account)
    }
}

struct ReportedDTO: ResponseEncodable, Sendable {
    let postId: String
    let reported: Bool
}
