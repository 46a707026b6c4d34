import Foundation
import Hummingbird
import MilletCore

/// The community pages: boards, a board's posts with the new-post form, search, and the public
/// roadmap. Every action is a plain form; the new-post form's script suggests similar posts.
struct CommunityPages {
    let pages: PageKit
    let communityDesk: CommunityDesk
    let community: any CommunityRepository
    let standing: any StandingRepository
    let search: any CommunitySearch
    let clock: any MilletClock

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("community") { request, context in
            let chrome = try await pages.chrome(request, context)
            let boards = try await community.boards()
            return pages.page("community", [
                "boards": boards.map { ["slug": $0.slug, "name": $0.name, "productLine": $0.productLine ?? ""] },
            ], chrome: chrome)
        }
        groups.open.get("community/boards/:slug") { request, context in
            let chrome = try await pages.chrome(request, context)
            let board = try await communityDesk.board(slug: try context.parameters.require("slug"))
            let sort = request.uri.queryParameters["sort"].flatMap { PostOrder(rawValue: String($0)) } ?? .votes
            let posts = try await community.posts(
                boardId: board.id, order: sort, includeHidden: context.account?.role.canModerate == true, now: clock.now(),
                offset: 0, limit: 50)
            let leaders = try await standing.leaderboard(boardId: board.id, limit: 5)
            let strings = pages.strings(chrome.preferences.language)
            return pages.page("board", [
                "board": ["slug": board.slug, "name": board.name],
                "posts": try await communityDesk.postDTOs(posts).map { pages.postValues($0, chrome: chrome) },
                "empty": posts.isEmpty,
                "sorts": PostOrder.allCases.map { ["sort": $0.rawValue, "label": strings["sort_\($0.rawValue)"] ?? $0.rawValue, "current": $0 == sort] },
                "leaders": leaders.map { pages.memberValues(MemberDTO(id: $0.accountId, name: $0.displayName, standing: $0.standing), chrome: chrome) },
                "kinds": PostKind.allCases.map { ["kind": $0.rawValue, "label": strings["post_kind_\($0.rawValue)"] ?? $0.rawValue] },
            ], chrome: chrome)
        }
        groups.open.post("community/boards/:slug/posts") { request, context in
            let account = try context.requireAccount()
            let board = try await communityDesk.board(slug: try context.parameters.require("slug"))
            let post = try await communityDesk.createPost(try PageKit.draft(await request.decodeForm(PageKit.PostForm.self, context: context)), on: board, by: account)
            return redirect("/community/posts/\(post.id)")
        }
        groups.open.get("community/search") { request, context in
            let chrome = try await pages.chrome(request, context)
            let text = request.uri.queryParameters["q"].map(String.init) ?? ""
            let posts = text.isEmpty ? [] : try await search.search(
                try SearchQuery(text), boardId: nil, includeHidden: context.account?.role.canModerate == true, limit: 50)
            return pages.page("search", [
                "q": text, "searched": !text.isEmpty, "empty": posts.isEmpty,
                "posts": try await communityDesk.postDTOs(posts).map { pages.postValues($0, chrome: chrome) },
            ], chrome: chrome)
        }
        groups.open.get("roadmap") { request, context in
            let chrome = try await pages.chrome(request, context)
            let posts = try await communityDesk.postDTOs(try await communityDesk.roadmap())
            func column(_ status: PostStatus) -> [[String: Any]] {
                posts.filter { $0.status == status.rawValue }.map { pages.postValues($0, chrome: chrome) }
            }
            return pages.page("roadmap", [
                "planned": column(.planned), "inProgress": column(.inProgress), "shipped": column(.shipped),
                "shippedDays": CommunityDesk.roadmapShippedDays,
            ], chrome: chrome)
        }
    }
}

/// How posts and members look on every community page (boards, a post, search, the roadmap,
/// releases, moderation).
extension PageKit {
    struct PostForm: Decodable {
        let kind, title, body: String
        let firmwareVersion, deviceModel: String?
    }

    /// A post as the pages show it, in the visitor's language.
    func postValues(_ post: PostDTO, chrome: PageChrome) -> [String: Any] {
        let strings = self.strings(chrome.preferences.language)
        var values: [String: Any] = [
            "id": post.id, "title": post.title, "body": post.body, "kind": post.kind,
            "kindLabel": strings["post_kind_\(post.kind)"] ?? post.kind,
            "status": post.status, "statusLabel": strings["post_status_\(post.status)"] ?? post.status,
            "votes": post.votes, "comments": post.comments, "followers": post.followers,
            "hidden": post.hidden, "locked": post.locked, "pinned": post.pinned,
            "createdAt": chrome.format.dateTime(post.createdAt), "edited": post.editedAt != nil,
            "author": memberValues(post.author, chrome: chrome),
        ]
        // Mustache shows a section for any value, even an empty string: absent means absent.
        values["firmwareVersion"] = post.firmwareVersion
        values["deviceModel"] = post.deviceModel
        if post.status == PostStatus.shipped.rawValue { values["shippedIn"] = post.history.last?.detail }
        return values
    }

    /// A fan's name with level and badges, in the visitor's language.
    func memberValues(_ member: MemberDTO, chrome: PageChrome) -> [String: Any] {
        let strings = self.strings(chrome.preferences.language)
        return [
            "id": member.id, "name": member.name, "points": member.points, "level": member.level,
            "levelName": strings["level_\(member.level)"] ?? member.levelName,
            "badges": member.badges.map { ["badge": $0, "label": strings["badge_\($0)"] ?? $0] },
        ]
    }

    /// A post draft from the form; empty optional fields are absent.
    static func draft(_ form: PostForm) throws -> PostDraft {
        try PostDraft(kindName: form.kind, title: form.title, body: form.body, firmwareVersion: nonEmpty(form.firmwareVersion),
                      deviceModel: nonEmpty(form.deviceModel))
    }
}
