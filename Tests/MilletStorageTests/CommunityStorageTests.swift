import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Boards, posts, votes and statuses on every backend.
extension StorageConformanceTests {
    func communityFixture(_ store: SQLStore, fans count: Int) async throws -> (Board, [String]) {
        let board = Board(id: Identifier.make(), slug: "phones", name: "Phones", productLine: "phones", createdAt: clock.now())
        try await store.createBoard(board)
        var ids: [String] = []
        for index in 0..<count {
            let account = Account(id: Identifier.make(), email: "voter\(index)@fan.test", displayName: "Voter \(index)", role: .customer,
                                  passwordHash: "x", createdAt: clock.now())
            try await store.create(account)
            ids.append(account.id)
        }
        return (board, ids)
    }

    func draft(_ title: String, _ kind: PostKind = .bug) throws -> PostDraft {
        try PostDraft(kind: kind, title: title, body: "What happens and when", firmwareVersion: "14.0.6", deviceModel: "Note 3")
    }

    @Test(arguments: Backends.all) func votesToggleAndBoardsSortByVotesNewestAndTrending(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (board, fans) = try await communityFixture(store, fans: 3)
            await #expect(throws: DomainError.conflict(code: "slug_taken", message: "a board with this slug exists")) {
                try await store.createBoard(Board(id: Identifier.make(), slug: "phones", name: "Again", productLine: nil, createdAt: clock.now()))
            }
            let old = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[0], draft: try draft("Old favourite"), now: clock.now())
            clock.advance(by: 8 * 24 * 3600)
            let fresh = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[1], draft: try draft("New idea", .idea), now: clock.now())
            #expect(fresh.status == .open && fresh.history.count == 1 && fresh.history[0].actor == "account:\(fans[1])")

            // Two old votes (more than a week ago) for the old post, one new one for the fresh post.
            clock.advance(by: -8 * 24 * 3600)
            for fan in fans.prefix(2) { _ = try await store.toggleVote(postId: old.id, accountId: fan, now: clock.now()) }
            clock.advance(by: 8 * 24 * 3600)
            #expect(try await store.toggleVote(postId: fresh.id, accountId: fans[2], now: clock.now()) == (true, 1))
            // Toggling twice takes the vote back.
            #expect(try await store.toggleVote(postId: fresh.id, accountId: fans[0], now: clock.now()) == (true, 2))
            #expect(try await store.toggleVote(postId: fresh.id, accountId: fans[0], now: clock.now()) == (false, 1))

            let byVotes = try await store.posts(boardId: board.id, order: .votes, includeHidden: false, now: clock.now(), offset: 0, limit: 10).map(\.id)
            let newest = try await store.posts(boardId: board.id, order: .newest, includeHidden: false, now: clock.now(), offset: 0, limit: 10).map(\.id)
            let trending = try await store.posts(boardId: board.id, order: .trending, includeHidden: false, now: clock.now(), offset: 0, limit: 10).map(\.id)
            #expect(byVotes == [old.id, fresh.id])
            #expect(newest == [fresh.id, old.id])
            #expect(trending == [fresh.id, old.id])
            #expect(try await store.posts(boardId: board.id, order: .votes, includeHidden: false, now: clock.now(), offset: 1, limit: 10).map(\.id) == [fresh.id])
            await #expect(throws: DomainError.notFound(what: "post")) {
                _ = try await store.toggleVote(postId: Identifier.make(), accountId: fans[0], now: clock.now())
            }
        }
    }

    @Test(arguments: Backends.all) func statusChangesAreRecordedAndADuplicateCarriesItsVotesOnce(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (board, fans) = try await communityFixture(store, fans: 4)
            let original = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[0], draft: try draft("Wi-Fi drops"), now: clock.now())
            let copy = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[1], draft: try draft("Wi-Fi disconnects"), now: clock.now())
            // fans 0 and 1 vote for the original; 1, 2 and 3 for the copy: fan 1 voted for both.
            for fan in fans.prefix(2) { _ = try await store.toggleVote(postId: original.id, accountId: fan, now: clock.now()) }
            for fan in fans.suffix(3) { _ = try await store.toggleVote(postId: copy.id, accountId: fan, now: clock.now()) }

            await #expect(throws: DomainError.self) {
                _ = try await store.changeStatus(postId: copy.id, .markDuplicate(of: copy.id), actor: "staff", now: clock.now())
            }
            let merged = try await store.changeStatus(postId: copy.id, .markDuplicate(of: original.id), actor: "account:staff", now: clock.now())
            #expect(merged.status == .duplicate && merged.duplicateOf == original.id && merged.votes == 0)
            #expect(try await store.post(id: original.id)?.votes == 4)
            await #expect(throws: DomainError.conflict(code: "post_merged", message: "this post was merged into another; reply there")) {
                _ = try await store.toggleVote(postId: copy.id, accountId: fans[0], now: clock.now())
            }
            #expect(try await store.posts(boardId: board.id, order: .votes, includeHidden: false, now: clock.now(), offset: 0, limit: 10).map(\.id) == [original.id])

            _ = try await store.changeStatus(postId: original.id, .acknowledge, actor: "account:staff", now: clock.now())
            _ = try await store.changeStatus(postId: original.id, .plan, actor: "account:staff", now: clock.now())
            await #expect(throws: DomainError.self) {
                _ = try await store.changeStatus(postId: original.id, .reopen, actor: "account:staff", now: clock.now())
            }
            clock.advance(by: 60)
            let shipped = try await store.changeStatus(postId: original.id, .ship(release: "14.0.7"), actor: "account:staff", now: clock.now())
            #expect(shipped.status == .shipped)
            #expect(shipped.history.map(\.to) == [.open, .acknowledged, .planned, .shipped])
            #expect(shipped.history.last?.detail == "14.0.7" && shipped.history.last?.at == clock.now())
            await #expect(throws: DomainError.self) {
                _ = try await store.changeStatus(postId: original.id, .decline(reason: "too late"), actor: "account:staff", now: clock.now())
            }
            #expect(try await store.post(id: original.id)?.history.count == 4)
        }
    }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func publishingAReleaseShipsItsPostsAndNotifiesEachPersonOnce(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (board, fans) = try await communityFixture(store, fans: 4)
            let bug = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[0], draft: try draft("Wi-Fi drops"), now: clock.now())
            let idea = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[1], draft: try draft("Dark mode", .idea), now: clock.now())
            let early = try await store.createPost(id: Identifier.make(), boardId: board.id, authorId: fans[3], draft: try draft("Too early"), now: clock.now())
            // fan 0 reported the bug and votes for both; fan 2 votes for both; fan 3 votes for nothing shipped.
            for fan in [fans[0], fans[2]] {
                _ = try await store.toggleVote(postId: bug.id, accountId: fan, now: clock.now())
                _ = try await store.toggleVote(postId: idea.id, accountId: fan, now: clock.now())
            }
            for post in [bug, idea] {
                _ = try await store.changeStatus(postId: post.id, .plan, actor: "account:staff", now: clock.now())
            }
            let release = Release(id: Identifier.make(), productLine: "phones", version: "14.0.7", channel: .stable,
                                  date: Release.nextFriday(after: clock.now()), published: false, notes: nil, postIds: [])
            try await store.createRelease(release, now: clock.now())
            await #expect(throws: DomainError.conflict(code: "release_exists", message: "this version is already on this channel")) {
                try await store.createRelease(Release(id: Identifier.make(), productLine: "phones", version: "14.0.7", channel: .stable,
                                                      date: clock.now(), published: false, notes: nil, postIds: []), now: clock.now())
            }
            // A post still open cannot ship: publishing refuses and changes nothing.
            _ = try await store.attach(postId: early.id, releaseId: release.id)
            await #expect(throws: DomainError.self) { _ = try await store.publish(releaseId: release.id, actor: "account:staff", now: clock.now()) }
            #expect(try await store.post(id: bug.id)?.status == .planned)
            // The authors, who follow their posts, heard only that they were planned.
            let before = try await store.inbox(accountId: fans[0], limit: 10).items
            #expect(before.map(\.text) == ["“Wi-Fi drops” is now planned."] && before[0].postId == bug.id)
            #expect(try await store.release(id: release.id)?.published == false)

            // Without it, the release ships both posts.
            try await store.read { db in try await db.raw("DELETE FROM release_posts WHERE post_id = \(bind: early.id)").run() }
            _ = try await store.attach(postId: bug.id, releaseId: release.id)
            _ = try await store.attach(postId: idea.id, releaseId: release.id)
            let published = try await store.publish(releaseId: release.id, actor: "account:staff", now: clock.now())
            #expect(published.published && published.postIds.count == 2)
            #expect(published.notes?.contains("- Wi-Fi drops (reported by Voter 0, 2 votes)") == true)
            #expect(published.notes?.contains("New\n- Dark mode (reported by Voter 1, 2 votes)") == true)
            #expect(try await store.post(id: bug.id)?.history.last == PostStatusRecord(
                from: .planned, to: .shipped, actor: "account:staff", detail: "14.0.7", at: clock.now()))
            // Reporters, voters and followers, each once: fans 0, 1 and 2; fan 3 gets nothing. The
            // authors also still have the message that their post was planned; shipping sends no second one.
            for (fan, expected, planned) in [(fans[0], 1, 1), (fans[1], 1, 1), (fans[2], 1, 0), (fans[3], 0, 0)] {
                let inbox = try await store.inbox(accountId: fan, limit: 10)
                #expect(inbox.items.filter { $0.releaseId == release.id }.count == expected)
                #expect(inbox.items.count == expected + planned && inbox.unread == expected + planned)
                // And an email, in the same transaction: the notice outbox holds one per fan.
                let notices = try await store.notices(accountId: fan, limit: 10).filter { $0.notice.kind == .releaseShipped }
                #expect(notices.count == expected && notices.allSatisfy { $0.notice.subjectId == release.id && $0.notice.params["version"] == "14.0.7" })
            }
            let message = try await store.inbox(accountId: fans[2], limit: 10).items[0]
            try await store.markRead(notificationId: message.id, accountId: fans[2], now: clock.now())
            #expect(try await store.inbox(accountId: fans[2], limit: 10).unread == 0)
            await #expect(throws: DomainError.notFound(what: "notification")) {
                try await store.markRead(notificationId: message.id, accountId: fans[0], now: clock.now())
            }
            await #expect(throws: DomainError.conflict(code: "already_published", message: "this release is already published")) {
                _ = try await store.publish(releaseId: release.id, actor: "account:staff", now: clock.now())
            }
            await #expect(throws: DomainError.conflict(code: "already_published", message: "a published release cannot change")) {
                _ = try await store.attach(postId: early.id, releaseId: release.id)
            }
        }
    }
}
