import Foundation
import MilletCore

extension CommunityDesk {
    /// Posts as the API shows them, each author's standing counted in one query.
    func postDTOs(_ posts: [Post]) async throws -> [PostDTO] {
        let standings = try await standings(ofAuthorsOf: posts)
        return posts.map { PostDTO($0, standing: standings[$0.authorId] ?? Standing(Contributions())) }
    }

    func postDTO(_ post: Post) async throws -> PostDTO {
        try await postDTOs([post])[0]
    }
}
