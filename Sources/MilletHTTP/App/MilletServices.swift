import Foundation
import MilletCore
import MilletStorage
import Prometheus

/// Everything the HTTP layer needs, handed in by whoever builds the application: the
/// repositories, the clock, the payment provider and the metrics registry.
public struct MilletServices: Sendable {
    public let markets: any MarketRepository
    public let accounts: any AccountRepository
    public let catalog: any CatalogRepository
    public let inventory: any InventoryRepository
    public let carts: any CartRepository
    public let orders: any OrderRepository
    public let payments: any PaymentRepository
    public let clock: any MilletClock
    public let sandbox: SandboxPaymentProvider
    public let pricing: PricingPolicy
    public let authenticator: Authenticator
    public let registry: PrometheusCollectorRegistry

    public init(
        store: SQLStore, clock: any MilletClock, hasher: any PasswordHasher = BcryptHasher(),
        sandboxSecret: String, pricing: PricingPolicy = PricingPolicy(),
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) {
        self.markets = store
        self.accounts = store
        self.catalog = store
        self.inventory = store
        self.carts = store
        self.orders = store
        self.payments = store
        self.clock = clock
        self.sandbox = SandboxPaymentProvider(secret: sandboxSecret)
        self.pricing = pricing
        self.authenticator = Authenticator(accounts: store, hasher: hasher, clock: clock)
        self.registry = registry
    }

    /// The checkout, wired to these repositories.
    var checkout: Checkout { Checkout(catalog: catalog, orders: orders, clock: clock) }

    /// A market by code, or `invalid_input` naming the field it came from.
    func market(_ code: String, field: String = "market") async throws -> Market {
        guard let market = try await markets.market(code: code.uppercased()) else {
            throw DomainError.invalid(field: field, "unknown market \(code)")
        }
        return market
    }
}
