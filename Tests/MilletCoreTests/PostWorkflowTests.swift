import Foundation
import MilletCore
import Testing

/// The post status state machine: every change from every status, and what each change must say.
struct PostWorkflowTests {
    static let changes: [PostStatusChange] = [
        .acknowledge, .plan, .start, .ship(release: "14.0.7"), .decline(reason: "not for this model"),
        .markDuplicate(of: Identifier.make()), .reopen,
    ]

    /// The whole table: which status accepts which change.
    static let allowed: [PostStatus: Set<PostStatus>] = [
        .open: [.acknowledged, .planned, .declined, .duplicate],
        .acknowledged: [.planned, .inProgress, .declined, .duplicate],
        .planned: [.inProgress, .shipped, .declined, .duplicate],
        .inProgress: [.shipped, .planned, .declined],
        .shipped: [],
        .declined: [.open, .duplicate],
        .duplicate: [],
    ]

    @Test(arguments: PostStatus.allCases) func everyChangeFromEveryStatus(status: PostStatus) throws {
        for change in Self.changes {
            var workflow = PostWorkflow(status: status)
            if Self.allowed[status]!.contains(change.target) {
                try workflow.apply(change)
                #expect(workflow.status == change.target)
            } else {
                #expect(throws: DomainError.self) { try workflow.apply(change) }
                #expect(workflow.status == status, "a refused change moved \(status) to \(workflow.status)")
            }
        }
    }

    @Test func shippingNamesTheReleaseDecliningSaysWhyAndDuplicatesPointAtAPost() {
        var workflow = PostWorkflow(status: .planned)
        #expect(throws: DomainError.self) { try workflow.apply(.ship(release: "")) }
        #expect(throws: DomainError.self) { try workflow.apply(.ship(release: "14.0 beta")) }
        #expect(throws: DomainError.self) { try workflow.apply(.decline(reason: "  ")) }
        #expect(throws: DomainError.self) { try workflow.apply(.markDuplicate(of: "not-an-id")) }
        #expect(workflow.status == .planned)
    }

    @Test func draftsAreCheckedBeforeAnythingIsStored() throws {
        #expect(throws: DomainError.self) { _ = try PostDraft(kind: .bug, title: "ab", body: "x", firmwareVersion: nil, deviceModel: nil) }
        #expect(throws: DomainError.self) { _ = try PostDraft(kind: .bug, title: "Battery", body: "  ", firmwareVersion: nil, deviceModel: nil) }
        #expect(throws: DomainError.self) {
            _ = try PostDraft(kind: .idea, title: "Dark mode", body: String(repeating: "a", count: 10_001), firmwareVersion: nil, deviceModel: nil)
        }
        // Lengths count code points, as the OpenAPI document's maxLength does: 76 accented letters
        // written with combining accents are 76 characters on screen but 152 code points.
        let combining = String(repeating: "e\u{301}", count: 76)
        #expect(combining.count == 76 && combining.unicodeScalars.count == 152)
        #expect(throws: DomainError.self) { _ = try PostDraft(kind: .bug, title: combining, body: "x", firmwareVersion: nil, deviceModel: nil) }
        let draft = try PostDraft(kind: .bug, title: "  Wi-Fi drops after update ", body: "Since 14.0.6", firmwareVersion: "14.0.6", deviceModel: "Note 3")
        #expect(draft.title == "Wi-Fi drops after update")
    }
}

/// The pure rules around the community: retry backoff, links, standing, search words.
struct CommunityRulesTests {
    @Test func retriesBackOffExponentiallyUpToTheCapThenGiveUp() {
        let schedule = RetrySchedule(first: 5, cap: 60, maxAttempts: 6)
        let now = Date(timeIntervalSince1970: 0)
        let delays = (1...6).map { schedule.nextAttempt(afterFailures: $0, now: now)?.timeIntervalSince1970 }
        #expect(delays == [5, 10, 20, 40, 60, nil])
    }

    @Test func linksAreCountedOnceEachAndOnlyLowLevelsAreLimited() throws {
        #expect(PostingPolicy.links(in: "see https://www.a.test, http://b.test and WWW.c.test") == 3)
        #expect(PostingPolicy.links(in: "no links here") == 0)
        let policy = PostingPolicy(maxLinksBelowLevel: 1, linkFreeLevel: 3)
        #expect(throws: DomainError.self) { try policy.checkLinks(text: "https://a.test https://b.test", level: 2) }
        try policy.checkLinks(text: "https://a.test https://b.test", level: 3)
        let now = Date(timeIntervalSince1970: 100_000)
        #expect(throws: DomainError.throttled(retryAfterSeconds: 3600)) {
            try policy.check(text: "hi", accountCreatedAt: now.addingTimeInterval(-60), level: 1, writesInLastHour: 5, now: now)
        }
        try policy.check(text: "hi", accountCreatedAt: now.addingTimeInterval(-2 * 24 * 3600), level: 1, writesInLastHour: 50, now: now)
    }

    @Test func standingGrowsWithWhatTheBrandHearsAndShips() {
        #expect(Standing(Contributions()).level == 1 && Standing(Contributions()).badges.isEmpty)
        let legend = Standing(Contributions(posts: 30, acknowledged: 20, acknowledgedBugs: 5, votesReceived: 400, shippedIdeas: 8, shippedBugs: 3, topPostVotes: 90))
        #expect(legend.points == 20 * 10 + 400 + 8 * 50 + 3 * 20 && legend.level == 6 && legend.levelName == "Legend")
        #expect(legend.badges == Badge.allCases)
        let ranked = LeaderboardEntry.rank([
            LeaderboardEntry(accountId: "b", displayName: "Bo", standing: Standing(Contributions(votesReceived: 5))),
            LeaderboardEntry(accountId: "a", displayName: "Al", standing: Standing(Contributions(votesReceived: 5))),
            LeaderboardEntry(accountId: "c", displayName: "Cy", standing: Standing(Contributions(votesReceived: 9))),
        ])
        #expect(ranked.map(\.accountId) == ["c", "a", "b"])
    }

    @Test func searchWordsAreLettersAndDigitsOnly() throws {
        #expect(try SearchQuery("Wi-Fi \"drops\" OR *night* 电池").terms == ["wi", "fi", "drops", "or", "night", "电池"])
        #expect(throws: DomainError.self) { try SearchQuery("!! a ?") }
        #expect(throws: DomainError.self) { try SearchQuery("") }
    }
}
