import Foundation
import Hummingbird
import MilletCore

/// Release notes for everyone, the fan's inbox, and the staff page where a weekly release is
/// drafted, given the posts it answers, and published.
struct ReleasePages {
    let pages: PageKit
    let communityDesk: CommunityDesk
    let community: any CommunityRepository
    let releases: any ReleaseRepository
    let clock: any MilletClock

    struct ReleaseForm: Decodable {
        let productLine, version, channel: String
    }

    struct AttachForm: Decodable {
        let postId: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("releases") { request, context in
            let chrome = try await pages.chrome(request, context)
            let releases = try await releases.releases(productLine: nil, limit: 100).filter(\.published)
            return pages.page("releases", ["releases": releases.map { releaseValues($0, chrome: chrome) }, "empty": releases.isEmpty], chrome: chrome)
        }
        groups.open.get("releases/:id") { request, context in
            let chrome = try await pages.chrome(request, context)
            let release = try await pageRelease(context)
            guard release.published || context.account?.role.isStaff == true else { throw DomainError.notFound(what: "release") }
            var values = releaseValues(release, chrome: chrome)
            let posts = try await answeredPosts(release)
            values["posts"] = try await postRows(posts, chrome: chrome)
            values["notes"] = localizedNotes(release, posts: posts, chrome: chrome)
            return pages.page("release", ["release": values], chrome: chrome)
        }
        groups.open.get("inbox") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let inbox = try await releases.inbox(accountId: account.id, limit: 100)
            return pages.page("inbox", [
                "unreadCount": inbox.unread, "empty": inbox.items.isEmpty,
                "messages": inbox.items.map { message -> [String: Any] in
                    var values: [String: Any] = [
                        "id": message.id, "text": localized(message, chrome: chrome), "at": chrome.format.dateTime(message.createdAt),
                        "unread": message.readAt == nil,
                    ]
                    values["releaseId"] = message.releaseId
                    values["postId"] = message.postId
                    return values
                },
            ], chrome: chrome)
        }
        groups.open.post("inbox/:id/read") { _, context in
            let account = try context.requireAccount()
            try await releases.markRead(notificationId: try context.parameters.require("id"), accountId: account.id, now: clock.now())
            return redirect("/inbox")
        }
        groups.staff.get("staff/releases") { request, context in
            let chrome = try await pages.chrome(request, context)
            let releases = try await releases.releases(productLine: nil, limit: 100)
            let lines = Set(try await community.boards().compactMap(\.productLine)).sorted()
            return pages.page("staff-releases", [
                "releases": releases.map { releaseValues($0, chrome: chrome) },
                "productLines": lines, "channels": ReleaseChannel.allCases.map(\.rawValue),
            ], chrome: chrome)
        }
        groups.staff.post("staff/releases") { request, context in
            let form = try await request.decodeForm(ReleaseForm.self, context: context)
            let release = try ReleasesController.release(
                .init(productLine: form.productLine, version: form.version, channel: form.channel, date: nil), now: clock.now())
            try await releases.createRelease(release, now: clock.now())
            return redirect("/staff/releases/\(release.id)")
        }
        groups.staff.get("staff/releases/:id") { request, context in
            let chrome = try await pages.chrome(request, context)
            let release = try await pageRelease(context)
            var values = releaseValues(release, chrome: chrome)
            values["posts"] = try await postRows(try await answeredPosts(release), chrome: chrome)
            // What it could answer: the roadmap's open work, minus what is attached.
            let candidates = try await community.roadmap(shippedSince: .distantFuture, limit: 200).filter { !release.postIds.contains($0.id) }
            values["candidates"] = try await communityDesk.postDTOs(candidates).map { pages.postValues($0, chrome: chrome) }
            return pages.page("staff-release", ["release": values], chrome: chrome)
        }
        groups.staff.post("staff/releases/:id/posts") { request, context in
            let release = try await pageRelease(context)
            let form = try await request.decodeForm(AttachForm.self, context: context)
            guard Identifier.isWellFormed(form.postId) else { throw DomainError.notFound(what: "post") }
            _ = try await releases.attach(postId: form.postId, releaseId: release.id)
            return redirect("/staff/releases/\(release.id)")
        }
        groups.staff.post("staff/releases/:id/publish") { _, context in
            let staff = try context.requireAccount()
            let release = try await pageRelease(context)
            _ = try await releases.publish(releaseId: release.id, actor: "account:\(staff.id)", now: clock.now())
            return redirect("/releases/\(release.id)")
        }
    }

    /// An inbox message in the visitor's language; a post status in it is translated too.
    private func localized(_ message: InboxMessage, chrome: PageChrome) -> String {
        let strings = pages.strings(chrome.preferences.language)
        guard let kind = message.kind, let template = strings["inbox_\(kind.rawValue)"] else { return message.text }
        var params = message.params
        if let status = params["status"] { params["status"] = strings["post_status_\(status)"] ?? status }
        return Template.fill(template, params)
    }

    /// A published release's notes in the visitor's language, with the votes its posts have now.
    private func localizedNotes(_ release: Release, posts: [Post], chrome: PageChrome) -> String {
        guard release.published else { return "" }
        let strings = pages.strings(chrome.preferences.language)
        let wording = NotesWording(
            heading: strings["notes_heading"] ?? NotesWording.english.heading, fixed: strings["notes_fixed"] ?? NotesWording.english.fixed,
            new: strings["notes_new"] ?? NotesWording.english.new, answered: strings["notes_answered"] ?? NotesWording.english.answered,
            line: strings["notes_line"] ?? NotesWording.english.line, oneVote: strings["notes_one_vote"] ?? NotesWording.english.oneVote,
            manyVotes: strings["notes_many_votes"] ?? NotesWording.english.manyVotes)
        let lines = posts.map { ReleaseNoteLine(kind: $0.kind, title: $0.title, reporter: $0.authorName, votes: $0.votes) }
        return ReleaseNotes.write(version: release.version, channel: release.channel, lines: lines, wording: wording)
    }

    private func pageRelease(_ context: MilletRequestContext) async throws -> Release {
        try await communityDesk.release(id: try context.parameters.require("id"))
    }

    private func releaseValues(_ release: Release, chrome: PageChrome) -> [String: Any] {
        [
            "id": release.id, "productLine": release.productLine, "version": release.version, "channel": release.channel.rawValue,
            "date": chrome.format.dateTime(release.date), "published": release.published, "notes": release.notes ?? "",
            "postCount": release.postIds.count,
        ]
    }

    /// The posts a release answers, read once for both its notes and its list.
    private func answeredPosts(_ release: Release) async throws -> [Post] {
        var posts: [Post] = []
        for id in release.postIds { if let post = try await community.post(id: id) { posts.append(post) } }
        return posts
    }

    /// The posts as rows, grouped by kind as the notes are.
    private func postRows(_ posts: [Post], chrome: PageChrome) async throws -> [[String: Any]] {
        try await communityDesk.postDTOs(posts).sorted { ($0.kind, -$0.votes) < ($1.kind, -$1.votes) }.map { pages.postValues($0, chrome: chrome) }
    }
}
