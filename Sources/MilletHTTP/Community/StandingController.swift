import Foundation
import Hummingbird
import MilletCore

/// Fans' standing: member cards, each board's leaderboard, F-codes for its top contributors,
/// and full-text search with similar-post suggestions.
struct StandingController {
    let desk: CommunityDesk
    let accounts: any AccountRepository
    let fcodeGrants: any FCodeGrantRepository
    let flashSales: any FlashSaleRepository
    let search: any CommunitySearch
    let standing: any StandingRepository
    let clock: any MilletClock

    struct GrantBody: Decodable {
        let saleId: String
        let top: Int
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("community/members/:id") { _, context in
            let id = try context.parameters.require("id")
            guard Identifier.isWellFormed(id), let account = try await accounts.account(id: id) else {
                throw DomainError.notFound(what: "member")
            }
            return MemberDTO(id: account.id, name: account.displayName, standing: try await desk.standing(of: account.id))
        }
        groups.open.get("community/boards/:slug/leaderboard") { request, context in
            let board = try await board(context)
            let limit = try Pagination(request, defaultPerPage: 20).perPage
            let entries = try await standing.leaderboard(boardId: board.id, limit: limit)
            return MemberList(items: entries.map { MemberDTO(id: $0.accountId, name: $0.displayName, standing: $0.standing) })
        }
        groups.staff.post("staff/community/boards/:slug/fcode-grants") { request, context in
            let board = try await board(context)
            let body = try await request.decodeJSON(GrantBody.self, context: context)
            guard (1...1000).contains(body.top) else { throw DomainError.invalid(field: "top", "must be from 1 to 1000") }
            guard Identifier.isWellFormed(body.saleId), let sale = try await flashSales.sale(id: body.saleId) else {
                throw DomainError.invalid(field: "saleId", "no such flash sale")
            }
            guard sale.phase(at: clock.now()) != .ended else { throw PurchaseRefusal.ended }
            let top = try await standing.leaderboard(boardId: board.id, limit: body.top).filter { $0.standing.points > 0 }
            let codes = try await fcodeGrants.grantFCodes(
                saleId: sale.id, saleTitle: sale.title, accountIds: top.map(\.accountId), now: clock.now())
            return GrantList(saleId: sale.id, items: top.map { GrantList.Grant(accountId: $0.accountId, name: $0.displayName, code: codes[$0.accountId]!) })
                .with(status: .created)
        }
        groups.open.get("community/search") { request, context in
            let query = try SearchQuery(request.uri.queryParameters["q"].map(String.init) ?? "")
            let boardId = try await optionalBoard(request)?.id
            let limit = try Pagination(request, defaultPerPage: 20).perPage
            let posts = try await search.search(query, boardId: boardId, includeHidden: context.account?.role.canModerate == true, limit: limit)
            return PostList(items: try await desk.postDTOs(posts))
        }
        groups.open.get("community/similar") { request, _ in
            let query = try SearchQuery(request.uri.queryParameters["q"].map(String.init) ?? "")
            let boardId = try await optionalBoard(request)?.id
            return PostList(items: try await desk.postDTOs(try await search.similar(query, boardId: boardId, limit: 5)))
        }
    }

    func board(_ context: MilletRequestContext) async throws -> Board {
        try await desk.board(slug: try context.parameters.require("slug"))
    }

    /// The board named by the `board` query parameter, if any.
    func optionalBoard(_ request: Request) async throws -> Board? {
        guard let slug = request.uri.queryParameters["board"].map(String.init) else { return nil }
        do { return try await desk.board(slug: slug) } catch DomainError.notFound { throw DomainError.invalid(field: "board", "no such board") }
    }
}

struct MemberList: ResponseEncodable, Sendable {
    let items: [MemberDTO]
}

struct GrantList: ResponseEncodable, Sendable {
    struct Grant: Encodable, Sendable {
        let accountId, name, code: String
    }

    let saleId: String
    let items: [Grant]
}
