import Foundation

/// The channel a firmware release goes out on.
public enum ReleaseChannel: String, Sendable, Codable, CaseIterable {
    case stable, beta, dev
}

/// A weekly release of a product line's firmware, and the fans' posts it answers.
public struct Release: Hashable, Sendable, Codable {
    public let id: String
    public let productLine: String
    public let version: String
    public let channel: ReleaseChannel
    /// The day it ships; by default the next Friday.
    public let date: Date
    public let published: Bool
    /// Written by Millet when the release is published.
    public let notes: String?
    public let postIds: [String]

    public init(
        id: String, productLine: String, version: String, channel: ReleaseChannel, date: Date, published: Bool, notes: String?, postIds: [String]
    ) {
        self.id = id
        self.productLine = productLine
        self.version = version
        self.channel = channel
        self.date = date
        self.published = published
        self.notes = notes
        self.postIds = postIds
    }

    /// The next Friday after `now` (UTC), the default weekly release day.
    public static func nextFriday(after now: Date) -> Date {
        let calendar = Calendar.utc
        let start = calendar.startOfDay(for: now)
        let weekday = calendar.component(.weekday, from: start)  // Sunday 1 ... Friday 6
        let days = (6 - weekday + 7) % 7
        return calendar.date(byAdding: .day, value: days == 0 ? 7 : days, to: start)!
    }

    public static func validate(productLine: String, version: String) throws {
        var check = Validator()
        check.requireLength(productLine, 2...40, "productLine", "must be 2 to 40 characters")
        check.requireLength(version, 1...40, "version", "must be 1 to 40 characters without spaces")
        check.require(!version.contains(where: \.isWhitespace), "version", "must be 1 to 40 characters without spaces")
        try check.check()
    }
}

/// One line of release notes: a post the release answers and the fan who asked.
public struct ReleaseNoteLine: Sendable, Equatable {
    public let kind: PostKind
    public let title: String
    public let reporter: String
    public let votes: Int

    public init(kind: PostKind, title: String, reporter: String, votes: Int) {
        self.kind = kind
        self.title = title
        self.reporter = reporter
        self.votes = votes
    }
}

/// The words release notes are written with, so pages can write them in the reader's language.
/// `{title}`, `{reporter}`, `{votes}`, `{n}`, `{version}` and `{channel}` are filled in.
public struct NotesWording: Sendable, Equatable {
    public var heading: String
    public var fixed: String
    public var new: String
    public var answered: String
    public var line: String
    public var oneVote: String
    public var manyVotes: String

    public init(heading: String, fixed: String, new: String, answered: String, line: String, oneVote: String, manyVotes: String) {
        self.heading = heading
        self.fixed = fixed
        self.new = new
        self.answered = answered
        self.line = line
        self.oneVote = oneVote
        self.manyVotes = manyVotes
    }

    /// The English wording the stored notes use.
    public static let english = NotesWording(
        heading: "Version {version} ({channel})", fixed: "Fixed", new: "New", answered: "Answered",
        line: "{title} (reported by {reporter}, {votes})", oneVote: "{n} vote", manyVotes: "{n} votes")
}

/// Writes the notes of a release: what changed, grouped by kind, each line crediting the fan who
/// reported it and showing its votes, most voted first.
public enum ReleaseNotes {
    public static func write(version: String, channel: ReleaseChannel, lines: [ReleaseNoteLine], wording: NotesWording = .english) -> String {
        var text = Template.fill(wording.heading, ["version": version, "channel": channel.rawValue]) + "\n"
        let sections: [(PostKind, String)] = [(.bug, wording.fixed), (.idea, wording.new), (.question, wording.answered)]
        for (kind, heading) in sections {
            let group = lines.filter { $0.kind == kind }.sorted { ($0.votes, $1.title) > ($1.votes, $0.title) }
            guard !group.isEmpty else { continue }
            text += "\n\(heading)\n"
            for line in group {
                let votes = Template.fill(line.votes == 1 ? wording.oneVote : wording.manyVotes, ["n": String(line.votes)])
                text += "- " + Template.fill(wording.line, ["title": line.title, "reporter": line.reporter, "votes": votes]) + "\n"
            }
        }
        return text
    }
}

/// Fills `{name}` placeholders in a message template.
public enum Template {
    public static func fill(_ template: String, _ values: [String: String]) -> String {
        values.reduce(template) { text, pair in text.replacingOccurrences(of: "{\(pair.key)}", with: pair.value) }
    }
}

/// What an inbox message is about; each kind has a template its parameters fill, so a page can
/// show the message in the reader's language.
public enum InboxKind: String, Sendable, Codable, CaseIterable {
    /// `{productLine} {version} ({channel})` answers a post the fan reported, voted for or follows.
    case release
    /// `{name}` commented on `{title}`.
    case comment
    /// `{title}` moved to `{status}`.
    case status
    /// An F-code `{code}` for the sale `{sale}`.
    case fcode

    /// The English template, also stored as the message's text.
    public var english: String {
        switch self {
        case .release: "{productLine} {version} ({channel}) answers a post you reported, voted for or follow."
        case .comment: "{name} commented on “{title}”."
        case .status: "“{title}” is now {status}."
        case .fcode: "Thank you for helping build our products: your F-code {code} buys one unit in “{sale}”."
        }
    }

    /// The message in English: a post status reads as words (`in progress`).
    public func englishText(_ params: [String: String]) -> String {
        var values = params
        values["status"] = params["status"]?.replacingOccurrences(of: "_", with: " ")
        return Template.fill(english, values)
    }
}

/// A message in a fan's in-app inbox.
public struct InboxMessage: Hashable, Sendable, Codable {
    public let id: String
    public let accountId: String
    public let releaseId: String?
    /// The post it is about, for comments and status changes.
    public let postId: String?
    /// What it is about, and the values its template takes; `nil` for messages older than kinds.
    public let kind: InboxKind?
    public let params: [String: String]
    /// The message in English.
    public let text: String
    public let createdAt: Date
    public let readAt: Date?

    public init(id: String, accountId: String, releaseId: String?, postId: String?, kind: InboxKind?, params: [String: String], text: String, createdAt: Date, readAt: Date?) {
        self.id = id
        self.accountId = accountId
        self.releaseId = releaseId
        self.postId = postId
        self.kind = kind
        self.params = params
        self.text = text
        self.createdAt = createdAt
        self.readAt = readAt
    }
}

/// Weekly releases and the inbox they fill.
public protocol ReleaseRepository: Sendable {
    func createRelease(_ release: Release, now: Date) async throws
    func release(id: String) async throws -> Release?
    func releases(productLine: String?, limit: Int) async throws -> [Release]
    /// Attaches a post to a draft release.
    func attach(postId: String, releaseId: String) async throws -> Release
    /// Ships every attached post in this release, writes the notes, and puts one notification in
    /// the inbox of every reporter, voter and follower of those posts (each person once).
    func publish(releaseId: String, actor: String, now: Date) async throws -> Release
    func inbox(accountId: String, limit: Int) async throws -> (items: [InboxMessage], unread: Int)
    func markRead(notificationId: String, accountId: String, now: Date) async throws
}
