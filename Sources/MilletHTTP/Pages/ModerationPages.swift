import Foundation
import Hummingbird
import MilletCore

/// The moderators' page: reported posts, most reported first, and the audit log.
struct ModerationPages {
    let pages: PageKit
    let communityDesk: CommunityDesk
    let moderation: any ModerationRepository
    let accounts: any AccountRepository

    func addRoutes(to groups: RouteGroups) {
        groups.moderators.get("moderation") { request, context in
            let chrome = try await pages.chrome(request, context)
            let strings = pages.strings(chrome.preferences.language)
            let reported = try await moderation.openReports(limit: 50)
            let posts = try await communityDesk.postDTOs(reported.map(\.post))
            let log = try await moderation.moderationLog(offset: 0, limit: 100)
            var names: [String: String] = [:]
            for id in Set(log.map(\.actorId)) { names[id] = try await accounts.account(id: id)?.displayName ?? id }
            return pages.page("moderation", [
                "reported": zip(reported, posts).map { item, post -> [String: Any] in
                    ["post": pages.postValues(post, chrome: chrome), "count": item.reports.count,
                     "reasons": item.reports.map { ["reason": $0.reason, "at": chrome.format.dateTime($0.createdAt)] }]
                },
                "noReports": reported.isEmpty,
                "log": log.map { entry -> [String: Any] in
                    ["actor": names[entry.actorId] ?? entry.actorId, "action": strings["moderate_\(entry.action)"] ?? entry.action,
                     "postId": entry.postId, "detail": entry.detail ?? "—", "at": chrome.format.dateTime(entry.at)]
                },
            ], chrome: chrome)
        }
    }
}
