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

            let byVotes = try await store.posts(boardId: board.id, order: .votes, now: clock.now(), offset: 0, limit: 10).map(\.id)
            let newest = try await store.posts(boardId: board.id, order: .newest, now: clock.now(), offset: 0, limit: 10).map(\.id)
            let trending = try await store.posts(boardId: board.id, order: .trending, now: clock.now(), offset: 0, limit: 10).map(\.id)
            #expect(byVotes == [old.id, fresh.id])
            #expect(newest == [fresh.id, old.id])
            #expect(trending == [fresh.id, old.id])
            #expect(try await store.posts(boardId: board.id, order: .votes, now: clock.now(), offset: 1, limit: 10).map(\.id) == [fresh.id])
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
            await #expect(throws: DomainError.conflict(code: "post_merged", message: "this post was merged into another; vote there")) {
                _ = try await store.toggleVote(postId: copy.id, accountId: fans[0], now: clock.now())
            }
            #expect(try await store.posts(boardId: board.id, order: .votes, now: clock.now(), offset: 0, limit: 10).map(\.id) == [original.id])

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
