import Foundation
import MilletCore

extension MilletServices {
    /// The board with this slug, or 404.
    func board(slug: String) async throws -> Board {
        guard let board = try await community.board(slug: slug) else { throw DomainError.notFound(what: "board") }
        return board
    }

    /// The post with this id as `viewer` may see it: a hidden post is "not found" except to moderators.
    func visiblePost(id: String, viewer: Account?) async throws -> Post {
        guard Identifier.isWellFormed(id), let post = try await community.post(id: id),
              !post.flags.hidden || viewer?.role.canModerate == true
        else { throw DomainError.notFound(what: "post") }
        return post
    }

    /// Posts as the API shows them, each author's standing counted in one query.
    func postDTOs(_ posts: [Post]) async throws -> [PostDTO] {
        let counts = try await standing.contributions(accountIds: Array(Set(posts.map(\.authorId))))
        return posts.map { PostDTO($0, standing: Standing(counts[$0.authorId] ?? Contributions())) }
    }

    func postDTO(_ post: Post) async throws -> PostDTO {
        try await postDTOs([post])[0]
    }

    /// The account's standing on every board.
    func standing(of accountId: String) async throws -> Standing {
        Standing(try await standing.contributions(accountIds: [accountId])[accountId] ?? Contributions())
    }

    /// Refuses a new post or comment the posting policy does not allow (new-account limit, links).
    /// Moderators and staff write freely.
    func checkPosting(_ text: String, by account: Account) async throws {
        guard !account.role.canModerate else { return }
        let now = clock.now()
        try postingPolicy.check(
            text: text, accountCreatedAt: account.createdAt, level: try await standing(of: account.id).level,
            writesInLastHour: try await discussion.writes(accountId: account.id, since: now.addingTimeInterval(-3600)), now: now)
    }
}
