import Foundation
import Hummingbird
import MilletCore

/// The moderators' API: act on a post, work through reports, read the audit log.
struct ModerationController {
    let desk: CommunityDesk
    let moderation: any ModerationRepository
    let clock: any MilletClock

    struct ActionBody: Decodable {
        let action: String
        let reason, board: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.moderators.post("moderation/posts/:id/actions") { request, context in
            let moderator = try context.requireAccount()
            let post = try await desk.visiblePost(id: try context.parameters.require("id"), viewer: moderator)
            let body = try await request.decodeJSON(ActionBody.self, context: context)
            let action = try ModerationAction(name: body.action, reason: body.reason, board: body.board)
            let moderated = try await moderation.moderate(postId: post.id, action, actorId: moderator.id, now: clock.now())
            return try await desk.postDTO(moderated)
        }
        groups.moderators.get("moderation/reports") { request, context in
            let pagination = try Pagination(request)
            let reported = try await moderation.openReports(limit: pagination.perPage)
            let posts = try await desk.postDTOs(reported.map(\.post))
            return ReportQueueDTO(items: zip(reported, posts).map { item, post in
                ReportQueueDTO.Item(post: post, reports: item.reports.map {
                    ReportQueueDTO.Report(accountId: $0.accountId, reason: $0.reason, createdAt: $0.createdAt)
                })
            })
        }
        groups.moderators.get("moderation/log") { request, context in
            let pagination = try Pagination(request, defaultPerPage: 50)
            let entries = try await moderation.moderationLog(offset: pagination.offset, limit: pagination.perPage + 1)
            return Page(fetched: entries.map(ModerationEntryDTO.init), pagination: pagination)
        }
    }
}

struct ReportQueueDTO: ResponseEncodable, Sendable {
    struct Report: Encodable, Sendable {
        let accountId, reason: String
        let createdAt: Date
    }

    struct Item: Encodable, Sendable {
        let post: PostDTO
        let reports: [Report]
    }

    let items: [Item]
}

struct ModerationEntryDTO: ResponseEncodable, Sendable {
    let id, actorId, action, postId: String
    let detail: String?
    let at: Date

    init(_ entry: ModerationEntry) {
        id = entry.id
        actorId = entry.actorId
        action = entry.action
        postId = entry.postId
        detail = entry.detail
        at = entry.at
    }
}
