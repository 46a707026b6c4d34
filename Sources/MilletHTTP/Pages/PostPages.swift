import Foundation
import Hummingbird
import MilletCore

/// One post's page: its history, votes, comments and following for fans; the status form for
/// staff; the moderation form for moderators.
struct PostPages {
    let pages: PageKit
    let communityDesk: CommunityDesk
    let community: any CommunityRepository
    let discussion: any DiscussionRepository
    let moderation: any ModerationRepository
    let clock: any MilletClock

    struct CommentForm: Decodable {
        let body: String
    }

    struct ReportForm: Decodable {
        let reason: String
    }

    struct FollowForm: Decodable {
        let following: String
    }

    struct StatusForm: Decodable {
        let status: String
        let release, reason, duplicateOf: String?
    }

    struct ModerateForm: Decodable {
        let action: String
        let reason, board: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("community/posts/:id") { request, context in
            let chrome = try await pages.chrome(request, context)
            return try await postPage(try await pagePost(context), chrome: chrome, account: context.account)
        }
        groups.open.post("community/posts/:id/edit") { request, context in
            let account = try context.requireAccount()
            let post = try await pagePost(context)
            _ = try await communityDesk.edit(post, by: account) { try PageKit.draft(await request.decodeForm(PageKit.PostForm.self, context: context)) }
            return redirect("/community/posts/\(post.id)")
        }
        groups.open.post("community/posts/:id/vote") { _, context in
            let account = try context.requireAccount()
            let post = try await pagePost(context)
            _ = try await community.toggleVote(postId: post.id, accountId: account.id, now: clock.now())
            return redirect("/community/posts/\(post.id)")
        }
        groups.open.post("community/posts/:id/follow") { request, context in
            let account = try context.requireAccount()
            let post = try await pagePost(context)
            let form = try await request.decodeForm(FollowForm.self, context: context)
            _ = try await discussion.setFollowing(form.following == "1", postId: post.id, accountId: account.id, now: clock.now())
            return redirect("/community/posts/\(post.id)")
        }
        groups.open.post("community/posts/:id/comments") { request, context in
            let account = try context.requireAccount()
            let post = try await pagePost(context)
            _ = try await communityDesk.addComment(try await request.decodeForm(CommentForm.self, context: context).body, to: post, by: account)
            return redirect("/community/posts/\(post.id)#comments")
        }
        groups.open.post("community/posts/:id/report") { request, context in
            let account = try context.requireAccount()
            let post = try await pagePost(context)
            try await communityDesk.report(post, reason: try await request.decodeForm(ReportForm.self, context: context).reason, by: account)
            return redirect("/community/posts/\(post.id)?reported=1")
        }
        groups.staff.post("community/posts/:id/status") { request, context in
            let staff = try context.requireAccount()
            let post = try await pagePost(context)
            let form = try await request.decodeForm(StatusForm.self, context: context)
            let change = try CommunityController.change(.init(
                status: form.status, release: PageKit.nonEmpty(form.release), reason: PageKit.nonEmpty(form.reason), duplicateOf: PageKit.nonEmpty(form.duplicateOf)))
            _ = try await community.changeStatus(postId: post.id, change, actor: "account:\(staff.id)", now: clock.now())
            return redirect("/community/posts/\(post.id)")
        }
        groups.moderators.post("community/posts/:id/moderate") { request, context in
            let moderator = try context.requireAccount()
            let post = try await pagePost(context)
            let form = try await request.decodeForm(ModerateForm.self, context: context)
            let action = try ModerationAction(name: form.action, reason: PageKit.nonEmpty(form.reason), board: PageKit.nonEmpty(form.board))
            _ = try await moderation.moderate(postId: post.id, action, actorId: moderator.id, now: clock.now())
            return redirect("/community/posts/\(post.id)")
        }
    }

    private func pagePost(_ context: MilletRequestContext) async throws -> Post {
        try await communityDesk.visiblePost(id: try context.parameters.require("id"), viewer: context.account)
    }

    private func postPage(_ post: Post, chrome: PageChrome, account: Account?) async throws -> Response {
        let strings = pages.strings(chrome.preferences.language)
        var values = pages.postValues(try await communityDesk.postDTO(post), chrome: chrome)
        values["history"] = post.history.map { change -> [String: Any] in
            var line: [String: Any] = ["to": strings["post_status_\(change.to.rawValue)"] ?? change.to.rawValue, "at": chrome.format.dateTime(change.at)]
            line["detail"] = change.detail
            return line
        }
        values["commentList"] = try await discussion.comments(postId: post.id, offset: 0, limit: 200).map { comment -> [String: Any] in
            ["id": comment.id, "author": comment.authorName, "body": comment.body, "at": chrome.format.dateTime(comment.createdAt)]
        }
        if let account {
            values["following"] = try await discussion.isFollowing(postId: post.id, accountId: account.id)
            values["canComment"] = !post.flags.locked && post.status != .duplicate
            values["canEdit"] = account.id == post.authorId && !post.flags.locked
        }
        values["kinds"] = PostKind.allCases.map { ["kind": $0.rawValue, "label": strings["post_kind_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == post.kind] }
        values["duplicateOf"] = post.duplicateOf
        let board = try await community.boards().first { $0.id == post.boardId }
        values["board"] = ["slug": board?.slug ?? "", "name": board?.name ?? ""]
        values["statuses"] = PostStatus.allCases.map { ["status": $0.rawValue, "label": strings["post_status_\($0.rawValue)"] ?? $0.rawValue] }
        values["actions"] = ModerationAction.names.map { ["action": $0, "label": strings["moderate_\($0)"] ?? $0] }
        return pages.page("post", ["post": values], chrome: chrome)
    }
}
