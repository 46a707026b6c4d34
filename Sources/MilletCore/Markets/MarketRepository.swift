/// Stored markets.
public protocol MarketRepository: Sendable {
    /// Every market, ordered by code.
    func markets() async throws -> [Market]
    /// One market, or `nil` for an unknown code.
    func market(code: String) async throws -> Market?
    /// Creates or replaces a market.
    func save(_ market: Market) async throws
}

extension MarketRepository {
    /// The market with this code (any case), or `invalid_input` naming the field it came from.
    public func requireMarket(_ code: String, field: String = "market") async throws -> Market {
        guard let market = try await market(code: code.uppercased()) else {
            throw DomainError.invalid(field: field, "unknown market \(code)")
        }
        return market
    }
}
