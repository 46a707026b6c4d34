import Hummingbird
import MilletCore

/// `GET /markets`, `GET /markets/{code}`: public.
struct MarketsController {
    let markets: any MarketRepository

    struct MarketList: ResponseEncodable {
        let items: [MarketDTO]
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("markets") { _, _ in
            MarketList(items: try await markets.markets().map(MarketDTO.init))
        }
        groups.open.get("markets/:code") { _, context in
            guard let market = try await markets.market(code: try context.parameters.require("code").uppercased()) else {
                throw DomainError.notFound(what: "market")
            }
            return MarketDTO(market)
        }
    }
}
