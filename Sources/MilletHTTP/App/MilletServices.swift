import Foundation
import MilletCore
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
    public let flashSales: any FlashSaleRepository
    public let community: any CommunityRepository
    public let releases: any ReleaseRepository
    public let discussion: any DiscussionRepository
    public let moderation: any ModerationRepository
    public let standing: any StandingRepository
    public let search: any CommunitySearch
    public let fcodeGrants: any FCodeGrantRepository
    public let webhooks: any WebhookRepository
    /// Sends the webhook outbox.
    public let webhookDispatcher: WebhookDispatcher
    /// The community's rules: who sees a post, what the posting policy lets an account write.
    public let communityDesk: CommunityDesk
    public let devices: any DeviceRepository
    public let firmware: any FirmwareRepository
    /// Device registration, check-ins and install reports.
    public let updates: FirmwareUpdates
    /// Firmware images on disk, by SHA-256.
    public let firmwareFiles: FirmwareFiles
    /// Check-ins being answered right now: how busy the device endpoints are.
    let checkIns = CheckInLoad()
    /// Flash sales read by id, kept for every later request: once staff create a sale nothing
    /// about it changes but its counters, which ``SaleFigures`` carry.
    let knownSales = BoundedCache<String, FlashSale>()
    /// Decides flash-sale purchases in memory and journals the wins.
    public let engine: FlashSaleEngine
    public let clock: any MilletClock
    public let sandbox: SandboxPaymentProvider
    /// Every change to an order: cancel, ship, deliver, refund, payment notices.
    public let orderDesk: OrderDesk
    /// Sends the refund outbox to the payment provider.
    public let refundSender: RefundSender
    public let pricing: PricingPolicy
    public let authenticator: Authenticator
    public let registry: PrometheusCollectorRegistry

    public init(
        store: some MilletStore, clock: any MilletClock, hasher: any PasswordHasher = BcryptHasher(),
        sandboxSecret: String, pricing: PricingPolicy = PricingPolicy(),
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        node: String = Identifier.make(), admission: Admission = Admission(), saleStrategy: FlashSaleEngine.Strategy = .allocator,
        postingPolicy: PostingPolicy = PostingPolicy(), webhookTransport: any WebhookTransport = URLSessionTransport(),
        firmwareDirectory: String = "millet-files", checkInPolicy: CheckInPolicy = CheckInPolicy()
    ) {
        self.markets = store
        self.accounts = store
        self.catalog = store
        self.inventory = store
        self.carts = store
        self.orders = store
        self.payments = store
        self.flashSales = store
        self.community = store
        self.releases = store
        self.discussion = store
        self.moderation = store
        self.standing = store
        self.search = store
        self.fcodeGrants = store
        self.webhooks = store
        self.webhookDispatcher = WebhookDispatcher(repository: store, transport: webhookTransport, clock: clock)
        self.devices = store
        self.firmware = store
        self.updates = FirmwareUpdates(devices: store, firmware: store, clock: clock, policy: checkInPolicy)
        self.firmwareFiles = FirmwareFiles(directory: firmwareDirectory)
        self.communityDesk = CommunityDesk(
            community: store, discussion: store, moderation: store, standings: store, releases: store, postingPolicy: postingPolicy,
            clock: clock)
        self.engine = FlashSaleEngine(
            repository: store, catalog: store, orders: store, markets: store, clock: clock, node: node, admission: admission,
            strategy: saleStrategy)
        self.clock = clock
        self.sandbox = SandboxPaymentProvider(secret: sandboxSecret, ledger: store, clock: clock)
        self.orderDesk = OrderDesk(store: store, orders: store, catalog: store, saleUnits: engine, clock: clock)
        self.refundSender = RefundSender(store: store, refunds: store, provider: sandbox, clock: clock)
        self.pricing = pricing
        self.authenticator = Authenticator(accounts: store, hasher: hasher, clock: clock)
        self.registry = registry
    }

    /// The sale with this id, or 404; read from the database once per node (`knownSales`).
    func flashSale(id: String) async throws -> FlashSale {
        if let known = knownSales[id] { return known }
        guard Identifier.isWellFormed(id), let sale = try await flashSales.sale(id: id) else { throw DomainError.notFound(what: "flash sale") }
        knownSales.store(sale, for: id)
        return sale
    }

    /// A purchase token for the account; a refusal (not open, not reserved) is thrown as is. The
    /// engine answers from the sale it holds in memory: at the open every fan asks at once, and
    /// none of them causes a database read.
    func purchaseToken(saleId: String, accountId: String) async throws -> PurchaseTokenDTO {
        let issued = try await engine.issueToken(saleId: saleId, accountId: accountId)
        return PurchaseTokenDTO(saleId: saleId, token: issued.token, expiresAt: issued.expiresAt, proofOfWorkBits: issued.proofOfWorkBits)
    }

    /// A sale's figures as the engine last published them, or read once when it has none yet.
    func saleFigures(_ saleId: String) async throws -> SaleFigures {
        if let published = await engine.figures(saleId: saleId) { return published }
        return try await flashSales.figures(saleId: saleId, now: clock.now(), leaseLifetime: engine.leaseLifetime)
    }

    /// Product and cart views in a market, for the storefront's routes and pages.
    var storefront: Storefront { Storefront(catalog: catalog, inventory: inventory, carts: carts, pricing: pricing) }

    /// A market by code, or `invalid_input` naming the field it came from.
    func market(_ code: String, field: String = "market") async throws -> Market {
        try await markets.requireMarket(code, field: field)
    }
}
