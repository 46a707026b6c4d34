/// Stored markets.
public protocol MarketRepository: Sendable {
    /// Every market, ordered by code.
    func markets() async throws -> [Market]
    /// One market, or `nil` for an unknown code.
    func market(code: String) async throws -> Market?
    /// Creates or replaces a market.
    func save(_ market: Market) async throws
}
