import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Comments, followers, moderation, standing, search and F-code grants on every backend.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func commentsTellFollowersAndAMergeCarriesThemOnce(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (board, fans) = try await communityFixture(store, fans: 4)
            let post = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[0], draft: try draft("Wi-Fi drops"), now: clock.now())
            #expect(post.followers == 1 && post.authorName == "Voter 0")
            _ = try await store.addComment(id: Identifier.make(), postId: post.id, authorId: fans[1], draft: try CommentDraft(body: "Same here on 14.0.6"), now: clock.now())
            #expect(try await store.setFollowing(true, postId: post.id, accountId: fans[2], now: clock.now()) == 3)
            #expect(try await store.setFollowing(true, postId: post.id, accountId: fans[2], now: clock.now()) == 3)
            clock.advance(by: 60)
            _ = try await store.addComment(id: Identifier.make(), postId: post.id, authorId: fans[0], draft: try CommentDraft(body: "Logs attached"), now: clock.now())
            // The author heard of fan 1's comment; fans 1 and 2 of the author's; nobody of their own.
            var inboxes: [[String]] = []
            for fan in fans { inboxes.append(try await store.inbox(accountId: fan, limit: 10).items.map(\.text)) }
            #expect(inboxes[0] == ["Voter 1 commented on “Wi-Fi drops”."])
            #expect(inboxes[1] == ["Voter 0 commented on “Wi-Fi drops”."] && inboxes[2] == inboxes[1] && inboxes[3].isEmpty)
            #expect(try await store.comments(postId: post.id, offset: 0, limit: 10).map(\.body) == ["Same here on 14.0.6", "Logs attached"])
            #expect(try await store.comments(postId: post.id, offset: 1, limit: 10).map(\.authorName) == ["Voter 0"])
            #expect(try await store.writes(accountId: fans[0], since: clock.now().addingTimeInterval(-3600)) == 2)
            #expect(try await store.writes(accountId: fans[0], since: clock.now()) == 1)
            #expect(try await store.setFollowing(false, postId: post.id, accountId: fans[2], now: clock.now()) == 2)
            #expect(try await store.isFollowing(postId: post.id, accountId: fans[2]) == false)

            // Only the author edits, and a lock stops edits, votes and comments until it is lifted.
            await #expect(throws: DomainError.forbidden(message: "only its author can edit a post")) {
                _ = try await store.editPost(id: post.id, authorId: fans[1], draft: try draft("Hijacked"), now: clock.now())
            }
            let edited = try await store.editPost(id: post.id, authorId: fans[0], draft: try draft("Wi-Fi drops at night"), now: clock.now())
            #expect(edited.title == "Wi-Fi drops at night" && edited.editedAt == clock.now())
            _ = try await store.moderate(postId: post.id, .lock, actorId: fans[3], now: clock.now())
            let locked = DomainError.conflict(code: "post_locked", message: "this post is locked by a moderator")
            await #expect(throws: locked) { _ = try await store.toggleVote(postId: post.id, accountId: fans[3], now: clock.now()) }
            await #expect(throws: locked) {
                _ = try await store.addComment(id: Identifier.make(), postId: post.id, authorId: fans[3], draft: try CommentDraft(body: "Me too"), now: clock.now())
            }
            await #expect(throws: locked) { _ = try await store.editPost(id: post.id, authorId: fans[0], draft: try draft("Again"), now: clock.now()) }
            #expect(try await store.comments(postId: post.id, offset: 0, limit: 10).count == 2)
            _ = try await store.moderate(postId: post.id, .unlock, actorId: fans[3], now: clock.now())
            #expect(try await store.toggleVote(postId: post.id, accountId: fans[3], now: clock.now()) == (true, 1))

            // A duplicate's followers move to the original, each once.
            let copy = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[3], draft: try draft("Wi-Fi gone"), now: clock.now())
            _ = try await store.setFollowing(true, postId: copy.id, accountId: fans[1], now: clock.now())
            _ = try await store.changeStatus(postId: copy.id, .markDuplicate(of: post.id), actor: "account:staff", now: clock.now())
            #expect(try await store.post(id: post.id)?.followers == 3)
            for fan in [fans[0], fans[1], fans[3]] { #expect(try await store.isFollowing(postId: post.id, accountId: fan)) }
        }
    }

    @Test(arguments: Backends.all) func moderatorsHideLockPinMoveAndEveryActionIsLogged(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (board, fans) = try await communityFixture(store, fans: 4)
            let general = Board(id: Identifier.make(), slug: "general", name: "General", productLine: nil, createdAt: clock.now())
            try await store.createBoard(general)
            let spam = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[0], draft: try draft("Cheap watches"), now: clock.now())
            let offTopic = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[1], draft: try draft("Favourite films"), now: clock.now())
            clock.advance(by: 1)
            let guide = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[2], draft: try draft("Read this first"), now: clock.now())
            for fan in fans.suffix(2) { try await store.report(PostReport(postId: spam.id, accountId: fan, reason: "spam", createdAt: clock.now())) }
            try await store.report(PostReport(postId: offTopic.id, accountId: fans[3], reason: "off topic", createdAt: clock.now()))
            await #expect(throws: DomainError.conflict(code: "already_reported", message: "you reported this post already")) {
                try await store.report(PostReport(postId: spam.id, accountId: fans[3], reason: "again", createdAt: clock.now()))
            }
            #expect(try await store.openReports(limit: 10).map { [$0.post.id: $0.reports.count] } == [[spam.id: 2], [offTopic.id: 1]])

            let moderator = fans[3]
            let hidden = try await store.moderate(postId: spam.id, .hide(reason: "advertising"), actorId: moderator, now: clock.now())
            #expect(hidden.flags == PostFlags(hidden: true))
            await #expect(throws: DomainError.conflict(code: "no_change", message: "the post is already in that state")) {
                _ = try await store.moderate(postId: spam.id, .hide(reason: "again"), actorId: moderator, now: clock.now())
            }
            _ = try await store.moderate(postId: offTopic.id, .move(toBoard: "general"), actorId: moderator, now: clock.now())
            _ = try await store.moderate(postId: guide.id, .pin, actorId: moderator, now: clock.now())
            await #expect(throws: DomainError.conflict(code: "no_change", message: "the post has no open reports")) {
                _ = try await store.moderate(postId: guide.id, .dismiss, actorId: moderator, now: clock.now())
            }
            // Acting on a post closes its reports.
            #expect(try await store.openReports(limit: 10).isEmpty)

            let older = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[1], draft: try draft("Older"), now: clock.now())
            _ = try await store.toggleVote(postId: older.id, accountId: fans[0], now: clock.now())
            let fansSee = try await store.posts(boardId: board.id, order: .votes, includeHidden: false, now: clock.now(), offset: 0, limit: 10).map(\.id)
            let moderatorsSee = try await store.posts(boardId: board.id, order: .votes, includeHidden: true, now: clock.now(), offset: 0, limit: 10).map(\.id)
            #expect(fansSee == [guide.id, older.id])
            #expect(moderatorsSee == [guide.id, older.id, spam.id])
            #expect(try await store.posts(boardId: general.id, order: .votes, includeHidden: false, now: clock.now(), offset: 0, limit: 10).map(\.id) == [offTopic.id])

            let log = try await store.moderationLog(offset: 0, limit: 10)
            #expect(Set(log.map(\.action)) == ["hide", "move", "pin"] && log.allSatisfy { $0.actorId == moderator })
            #expect(log.first { $0.action == "hide" }?.detail == "advertising" && log.first { $0.action == "move" }?.detail == "general")
        }
    }

    @Test(arguments: Backends.all) func standingLeaderboardSearchAndFCodeGrants(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (board, fans) = try await communityFixture(store, fans: 4)
            let bug = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[0], draft: try draft("Wi-Fi drops at night"), now: clock.now())
            let idea = try await store.createPost(
                id: Identifier.make(), boardId: board.id, authorId: fans[1],
                draft: try PostDraft(kind: .idea, title: "Battery saver schedule", body: "Turn it on at night", firmwareVersion: nil, deviceModel: nil), now: clock.now())
            for fan in fans.suffix(3) { _ = try await store.toggleVote(postId: bug.id, accountId: fan, now: clock.now()) }
            _ = try await store.toggleVote(postId: idea.id, accountId: fans[0], now: clock.now())
            _ = try await store.changeStatus(postId: bug.id, .acknowledge, actor: "account:staff", now: clock.now())
            _ = try await store.changeStatus(postId: bug.id, .decline(reason: "works as intended"), actor: "account:staff", now: clock.now())
            for change in [PostStatusChange.plan, .ship(release: "14.0.7")] {
                _ = try await store.changeStatus(postId: idea.id, change, actor: "account:staff", now: clock.now())
            }
            _ = try await store.addComment(id: Identifier.make(), postId: idea.id, authorId: fans[2], draft: try CommentDraft(body: "Also the hotspot timeout"), now: clock.now())

            // An acknowledgement stays earned after a decline.
            let counts = try await store.contributions(accountIds: [fans[0], fans[1], fans[2]])
            #expect(counts[fans[0]] == Contributions(posts: 1, acknowledged: 1, acknowledgedBugs: 1, votesReceived: 3, topPostVotes: 3))
            #expect(counts[fans[1]] == Contributions(posts: 1, acknowledged: 1, votesReceived: 1, shippedIdeas: 1, topPostVotes: 1))
            #expect(counts[fans[2]] == nil)
            let leaders = try await store.leaderboard(boardId: board.id, limit: 10)
            #expect(leaders.map(\.displayName) == ["Voter 1", "Voter 0"])
            #expect(leaders.map(\.standing.points) == [61, 13] && leaders.map(\.standing.level) == [3, 2])
            #expect(leaders[0].standing.badges == [Badge.firstPost, .ideaShipped] && leaders[1].standing.badges == [Badge.firstPost, .bugHunter])

            // Every word, in the post or one of its comments; prefixes for suggestions.
            #expect(try await store.search(try SearchQuery("at night"), boardId: nil, includeHidden: false, limit: 10).count == 2)
            #expect(try await store.search(try SearchQuery("wi-fi NIGHT"), boardId: nil, includeHidden: false, limit: 10).map(\.id) == [bug.id])
            #expect(try await store.search(try SearchQuery("hotspot"), boardId: nil, includeHidden: false, limit: 10).map(\.id) == [idea.id])
            #expect(try await store.search(try SearchQuery("hotspot wifi"), boardId: nil, includeHidden: false, limit: 10).isEmpty)
            #expect(try await store.similar(try SearchQuery("batt sched"), boardId: nil, limit: 5).map(\.id) == [idea.id])
            _ = try await store.editPost(id: bug.id, authorId: fans[0], draft: try draft("Bluetooth stutters"), now: clock.now())
            #expect(try await store.search(try SearchQuery("bluetooth"), boardId: nil, includeHidden: false, limit: 10).map(\.id) == [bug.id])
            #expect(try await store.search(try SearchQuery("wi-fi"), boardId: nil, includeHidden: false, limit: 10).isEmpty)
            _ = try await store.moderate(postId: bug.id, .hide(reason: "test"), actorId: fans[3], now: clock.now())
            #expect(try await store.search(try SearchQuery("bluetooth"), boardId: nil, includeHidden: false, limit: 10).isEmpty)
            #expect(try await store.search(try SearchQuery("bluetooth"), boardId: nil, includeHidden: true, limit: 10).count == 1)

            // F-codes for the top contributors come out of the sale's pool, one each, and reach their inboxes.
            let sale = try await scheduleSale(store, units: 5)
            let grants = try await store.grantFCodes(saleId: sale.id, saleTitle: sale.title, accountIds: [fans[1], fans[0]], now: clock.now())
            #expect(grants.count == 2 && Set(grants.values).count == 2)
            #expect(try await store.figures(saleId: sale.id, now: clock.now(), leaseLifetime: 60).fcodeUnits == 2)
            let messages = try await store.inbox(accountId: fans[1], limit: 10).items.map(\.text)
            #expect(messages.filter { $0.contains(grants[fans[1]]!) }.count == 1)
            await #expect(throws: DomainError.self) {
                _ = try await store.grantFCodes(saleId: sale.id, saleTitle: sale.title, accountIds: fans, now: clock.now())
            }
            #expect(try await store.figures(saleId: sale.id, now: clock.now(), leaseLifetime: 60).fcodeUnits == 2)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func theWebhookOutboxLeasesRetriesAndGivesUp(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (board, fans) = try await communityFixture(store, fans: 1)
            let wanted = try WebhookEndpoint.register(url: "https://hooks.example/millet", events: ["post.created"], now: clock.now())
            let other = try WebhookEndpoint.register(url: "https://other.example/", events: ["comment.created"], now: clock.now())
            try await store.addEndpoint(wanted)
            try await store.addEndpoint(other)
            let post = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[0], draft: try draft("Wi-Fi drops"), now: clock.now())

            // One delivery, for the endpoint that asked; a second claimer sees nothing while it is leased.
            let claimed = try await store.claimDue(now: clock.now(), limit: 10, lease: 60)
            #expect(claimed.count == 1 && claimed[0].endpointId == wanted.id && claimed[0].secret == wanted.secret && claimed[0].attempts == 0)
            #expect(try JSONDecoder().decode([String: AnyCodableString].self, from: Data(claimed[0].body.utf8))["event"] == .text("post.created"))
            #expect(claimed[0].body.contains(post.id))
            #expect(try await store.claimDue(now: clock.now(), limit: 10, lease: 60).isEmpty)

            try await store.markFailed(id: claimed[0].id, error: "HTTP 503", retryAt: clock.now().addingTimeInterval(5), now: clock.now())
            #expect(try await store.claimDue(now: clock.now().addingTimeInterval(4), limit: 10, lease: 60).isEmpty)
            let retried = try await store.claimDue(now: clock.now().addingTimeInterval(5), limit: 10, lease: 60)
            #expect(retried.map(\.id) == [claimed[0].id] && retried[0].attempts == 1)
            try await store.markDelivered(id: retried[0].id, now: clock.now())
            #expect(try await store.claimDue(now: clock.now().addingTimeInterval(3600), limit: 10, lease: 60).isEmpty)
            let record = try await store.deliveries(endpointId: wanted.id, limit: 10)
            #expect(record.count == 1 && record[0].attempts == 2 && record[0].deliveredAt == clock.now() && record[0].lastError == nil)

            // Giving up, and removing an endpoint, stop the retries.
            _ = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[0], draft: try draft("Again"), now: clock.now())
            let next = try await store.claimDue(now: clock.now(), limit: 10, lease: 60)
            try await store.markFailed(id: next[0].id, error: "timeout", retryAt: nil, now: clock.now())
            #expect(try await store.claimDue(now: clock.now().addingTimeInterval(3600), limit: 10, lease: 60).isEmpty)
            #expect(try await store.deliveries(endpointId: wanted.id, limit: 10).first { $0.id == next[0].id }?.gaveUpAt == clock.now())
            _ = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[0], draft: try draft("Third"), now: clock.now())
            try await store.deactivateEndpoint(id: wanted.id, now: clock.now())
            #expect(try await store.claimDue(now: clock.now(), limit: 10, lease: 60).isEmpty)
            await #expect(throws: DomainError.notFound(what: "webhook endpoint")) { try await store.deactivateEndpoint(id: wanted.id, now: clock.now()) }
        }
    }
}

/// A JSON value read only far enough to compare strings.
enum AnyCodableString: Decodable, Equatable {
    case text(String), other

    init(from decoder: any Decoder) throws {
        self = (try? decoder.singleValueContainer().decode(String.self)).map(AnyCodableString.text) ?? .other
    }
}
