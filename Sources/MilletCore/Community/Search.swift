import Foundation

/// The words a fan searches for: letters and digits only, lower-cased, so they are safe to hand
/// to either database's full-text query syntax.
public struct SearchQuery: Sendable, Equatable {
    /// At most this many words count.
    public static let maxTerms = 10
    public let terms: [String]

    /// Throws `invalid(q)` when the text holds no word of two letters or more.
    public init(_ text: String) throws {
        var check = Validator()
        check.requireLength(text, 1...200, "q", "must be 1 to 200 characters")
        try check.check()
        terms = Self.terms(in: text)
        guard !terms.isEmpty else { throw DomainError.invalid(field: "q", "must hold a word of two letters or more") }
    }

    /// The words of `text`, in order, each once.
    public static func terms(in text: String) -> [String] {
        var seen: Set<String> = []
        var terms: [String] = []
        for word in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            let term = String(word.prefix(40))
            guard term.count >= 2, seen.insert(term).inserted else { continue }
            terms.append(term)
            if terms.count == maxTerms { break }
        }
        return terms
    }
}

/// Full-text search over posts and their comments.
public protocol CommunitySearch: Sendable {
    /// Posts in which every word appears, in the post or in one of its comments, best match first.
    func search(_ query: SearchQuery, boardId: String?, includeHidden: Bool, limit: Int) async throws -> [Post]
    /// Visible posts sharing any word (or a word starting like it) with `query`: what a fan sees
    /// while typing a new post, to find the one that already exists.
    func similar(_ query: SearchQuery, boardId: String?, limit: Int) async throws -> [Post]
}
