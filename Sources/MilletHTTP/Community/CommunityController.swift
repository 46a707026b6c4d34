import Foundation
import Hummingbird
import MilletCore

/// The fan community's API: boards, posts, edits, votes, and staff status changes.
struct CommunityController {
    let desk: CommunityDesk
    let community: any CommunityRepository
    let clock: any MilletClock

    struct BoardBody: Decodable {
        let slug, name: String
        let productLine: String?
    }

    struct PostBody: Decodable {
        let kind, title, body: String
        let firmwareVersion, deviceModel: String?
    }

    struct StatusBody: Decodable {
        let status: String
        let release, reason, duplicateOf: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("community/boards") { _, _ in
            BoardList(items: try await community.boards().map(BoardDTO.init))
        }
        groups.staff.post("staff/community/boards") { request, context in
            let body = try await request.decodeJSON(BoardBody.self, context: context)
            let board = try Self.board(body, now: clock.now())
            try await community.createBoard(board)
            return BoardDTO(board).with(status: .created)
        }
        groups.open.get("community/boards/:slug/posts") { request, context in
            let board = try await board(context)
            let pagination = try Pagination(request)
            let sort = request.uri.queryParameters["sort"].map(String.init) ?? PostOrder.votes.rawValue
            guard let order = PostOrder(rawValue: sort) else { throw DomainError.invalid(field: "sort", "must be votes, newest or trending") }
            let posts = try await community.posts(
                boardId: board.id, order: order, includeHidden: context.account?.role.canModerate == true, now: clock.now(),
                offset: pagination.offset, limit: pagination.perPage + 1)
            return Page(fetched: try await desk.postDTOs(posts), pagination: pagination)
        }
        groups.open.post("community/boards/:slug/posts") { request, context in
            let account = try context.requireAccount()
            let board = try await board(context)
            let post = try await desk.createPost(try Self.draft(await request.decodeJSON(PostBody.self, context: context)), on: board, by: account)
            return try await desk.postDTO(post).with(status: .created)
        }
        groups.open.get("community/roadmap") { _, _ in
            let posts = try await desk.postDTOs(try await desk.roadmap())
            return RoadmapDTO(
                planned: posts.filter { $0.status == PostStatus.planned.rawValue },
                inProgress: posts.filter { $0.status == PostStatus.inProgress.rawValue },
                shipped: posts.filter { $0.status == PostStatus.shipped.rawValue })
        }
        groups.open.get("community/posts/:id") { _, context in
            try await desk.postDTO(try await post(context))
        }
        groups.open.patch("community/posts/:id") { request, context in
            let account = try context.requireAccount()
            let post = try await post(context)
            let edited = try await desk.edit(post, by: account) { try Self.draft(await request.decodeJSON(PostBody.self, context: context)) }
            return try await desk.postDTO(edited)
        }
        groups.open.post("community/posts/:id/votes") { _, context in
            let account = try context.requireAccount()
            let post = try await post(context)
            let (voted, votes) = try await community.toggleVote(postId: post.id, accountId: account.id, now: clock.now())
            return VoteDTO(postId: post.id, voted: voted, votes: votes)
        }
        groups.staff.post("staff/community/posts/:id/status") { request, context in
            let staff = try context.requireAccount()
            let post = try await post(context)
            let body = try await request.decodeJSON(StatusBody.self, context: context)
            let changed = try await community.changeStatus(
                postId: post.id, try Self.change(body), actor: "account:\(staff.id)", now: clock.now())
            return try await desk.postDTO(changed)
        }
    }

    static func draft(_ body: PostBody) throws -> PostDraft {
        try PostDraft(kindName: body.kind, title: body.title, body: body.body, firmwareVersion: body.firmwareVersion, deviceModel: body.deviceModel)
    }

    static func board(_ body: BoardBody, now: Date) throws -> Board {
        var check = Validator()
        check.require((2...40).contains(body.slug.count) && body.slug.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } && body.slug.allSatisfy(\.isASCII),
                      "slug", "must be 2 to 40 lowercase letters, digits or dashes")
        check.requireLength(body.name, 2...80, "name", "must be 2 to 80 characters")
        if let line = body.productLine { check.requireLength(line, 2...40, "productLine", "must be 2 to 40 characters") }
        try check.check()
        return Board(id: Identifier.make(), slug: body.slug, name: body.name.trimmingCharacters(in: .whitespaces), productLine: body.productLine, createdAt: now)
    }

    /// The change a staff request asks for; each target status takes the detail it needs.
    static func change(_ body: StatusBody) throws -> PostStatusChange {
        switch PostStatus(rawValue: body.status) {
        case .acknowledged: return .acknowledge
        case .planned: return .plan
        case .inProgress: return .start
        case .shipped: return .ship(release: body.release ?? "")
        case .declined: return .decline(reason: body.reason ?? "")
        case .duplicate: return .markDuplicate(of: body.duplicateOf ?? "")
        case .open: return .reopen
        case nil: throw DomainError.invalid(field: "status", "must be one of \(PostStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func board(_ context: MilletRequestContext) async throws -> Board {
        try await desk.board(slug: try context.parameters.require("slug"))
    }

    func post(_ context: MilletRequestContext) async throws -> Post {
        try await desk.visiblePost(id: try context.parameters.require("id"), viewer: context.account)
    }
}
