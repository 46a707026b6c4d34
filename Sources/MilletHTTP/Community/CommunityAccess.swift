import Foundation
import MilletCore

extension MilletServices {
    /// Posts as the API shows them, each author's standing counted in one query.
    func postDTOs(_ posts: [Post]) async throws -> [PostDTO] {
        let counts = try await standing.contributions(accountIds: Array(Set(posts.map(\.authorId))))
        return posts.map { PostDTO($0, standing: Standing(counts[$0.authorId] ?? Contributions())) }
    }

    func postDTO(_ post: Post) async throws -> PostDTO {
        try await postDTOs([post])[0]
    }
}
