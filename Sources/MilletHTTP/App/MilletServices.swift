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
    public let invoices: any InvoiceRepository
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
    /// hawkBit's device API over the same rollouts.
    public let ddi: DDIDesk
    /// Crowd-tagged calls: reports, labels, lookups, the blocklist and disputes.
    public let numbers: NumberDesk
    /// Opt-in Wi-Fi sharing.
    public let hotspots: HotspotDesk
    /// Fan auctions of scarce units.
    public let auctions: AuctionDesk
    /// Closed auctions' offers down the bidders, and the fans' answers to them.
    public let auctionOffers: AuctionOffers
    /// Build to order: production batches and the pre-orders that fill them.
    public let preorders: PreorderDesk
    /// Partner organisations, their stores, keys and allocations.
    public let partners: PartnerDesk
    /// Requests a second each partner key may make.
    public let partnerKeyLimit: KeyRateLimit
    /// What stored firmware images say of themselves, and their other digests.
    public let images = ImageFacts()
    /// Firmware images on disk, by SHA-256.
    public let firmwareFiles: FirmwareFiles
    /// Check-ins being answered right now: how busy the device endpoints are.
    let checkIns = CheckInLoad()
    /// Decides flash-sale purchases in memory and journals the wins.
    public let engine: FlashSaleEngine
    /// The calendar, a sale and its figures, reservations, tokens, scheduling and F-codes.
    public let saleDesk: SaleDesk
    public let clock: any MilletClock
    public let sandbox: SandboxPaymentProvider
    /// Every change to an order: cancel, ship, deliver, refund, payment notices.
    public let orderDesk: OrderDesk
    /// Sends the refund outbox to the payment provider.
    public let refundSender: RefundSender
    /// Sends the capture outbox (authorized payments) to the provider.
    public let captureSender: CaptureSender
    /// Parcels and carrier scans.
    public let shippingDesk: ShippingDesk
    /// Warranty by serial, returns, exchanges and repairs.
    public let serviceDesk: ServiceDesk
    public let serviceCases: any ServiceCaseRepository
    public let serviceRules: any ServiceRuleRepository
    public let serviceCentres: any ServiceCentreRepository
    /// Partners' organisations and members, as the page header reads them.
    public let partnerRepository: any PartnerRepository
    public let spareParts: any SparePartRepository
    /// Extended warranties and screen plans, bought and cancelled.
    public let planDesk: PlanDesk
    public let servicePlans: any ServicePlanRepository
    /// The photos of service cases, kept beside the firmware images.
    let servicePhotos: ServicePhotos
    public let shippingMethods: any ShippingMethodRepository
    /// Each market's shipping methods priced for a cart.
    public let delivery: DeliveryOptions
    public let pricing: PricingPolicy
    /// Publishing and pricing under the margin cap.
    public let catalogDesk: CatalogDesk
    /// Receiving stock into warehouses.
    public let stockDesk: StockDesk
    public let authenticator: Authenticator
    /// Registration with its verification link, password resets and changes.
    public let accountDesk: AccountDesk
    public let notices: any NoticeRepository
    /// Sends the notice outbox by email and SMS.
    public let courier: MessageCourier
    /// What the sandbox mailbox and SMS provider kept.
    public let sandboxMessages: any SandboxMessageRepository
    public let registry: PrometheusCollectorRegistry
    /// Where the store is reached from outside (`MILLET_PUBLIC_URL`): links in messages, the
    /// origin forms may come from, and, when HTTPS, `Secure` cookies and HSTS.
    public let publicURL: String
    /// How far behind each outbox is, for `/metrics`.
    public let outboxes: any OutboxFigures
    /// Purchase attempts and check-ins by outcome, for `/metrics`.
    public let business: BusinessMetrics
    /// Which addresses webhook receivers may have.
    public let receivers: ReceiverGuard
    /// The bearer token `/metrics` asks of its scraper.
    public let metricsToken: String
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    public let trustedProxies: TrustedProxies
    /// The key the pages' form tokens are made with (``FormGuardMiddleware``).
    public let formKey: [UInt8]

    public init(
        store: some MilletStore, clock: any MilletClock, hasher: any PasswordHasher = BcryptHasher(),
        sandboxSecret: String, carrierSecret: String? = nil, pricing: PricingPolicy = PricingPolicy(),
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        node: String = Identifier.make(), admission: Admission = Admission(), saleStrategy: FlashSaleEngine.Strategy = .allocator,
        postingPolicy: PostingPolicy = PostingPolicy(), webhookTransport: (any WebhookTransport)? = nil,
        firmwareDirectory: String = "millet-files", checkInPolicy: CheckInPolicy = CheckInPolicy(),
        email: (any EmailTransport)? = nil, sms: (any SMSProvider)? = nil, publicURL: String = "http://127.0.0.1:8080",
        deviceKey: [UInt8]? = nil, registrationsPerHour: Int = 20, metricsToken: String = Secrets.hex(bytes: 16),
        allowPrivateReceivers: Bool = false, trustedProxies: TrustedProxies = TrustedProxies(),
        formKey: [UInt8] = Secrets.unhex(Secrets.hex(bytes: 32))!, ddiTenant: String = "DEFAULT",
        hotspotKey: [UInt8] = Secrets.unhex(Secrets.hex(bytes: 32))!, partnerKeyRate: (perSecond: Double, burst: Double) = (20, 40)
    ) {
        self.partnerKeyLimit = KeyRateLimit(perSecond: partnerKeyRate.perSecond, burst: partnerKeyRate.burst, clock: clock)
        self.trustedProxies = trustedProxies
        self.formKey = formKey
        self.markets = store
        self.accounts = store
        self.catalog = store
        self.inventory = store
        self.carts = store
        self.orders = store
        self.payments = store
        self.invoices = store
        self.flashSales = store
        self.community = store
        self.releases = store
        self.discussion = store
        self.moderation = store
        self.standing = store
        self.search = store
        self.fcodeGrants = store
        self.webhooks = store
        let receivers = ReceiverGuard(allowPrivate: allowPrivateReceivers)
        self.receivers = receivers
        // Over the network a delivery connects to the address its check approved; a transport
        // given here (a test's) is checked before each delivery it is handed.
        self.webhookDispatcher = WebhookDispatcher(
            repository: store, transport: webhookTransport.map { GuardedTransport(inner: $0, receivers: receivers) } ?? PinnedTransport(receivers: receivers),
            clock: clock)
        self.devices = store
        self.firmware = store
        self.updates = FirmwareUpdates(devices: store, firmware: store, clock: clock, policy: checkInPolicy)
        self.ddi = DDIDesk(updates: updates, devices: store, firmware: store, gateways: store, attributes: store, cancellations: store, clock: clock, tenant: ddiTenant)
        self.numbers = NumberDesk(numbers: store, clock: clock)
        self.hotspots = HotspotDesk(hotspots: store, seal: HotspotSeal(key: hotspotKey), clock: clock)
        self.firmwareFiles = FirmwareFiles(directory: firmwareDirectory)
        self.communityDesk = CommunityDesk(
            community: store, discussion: store, moderation: store, standings: store, releases: store, postingPolicy: postingPolicy,
            clock: clock)
        let standings = communityDesk
        self.auctions = AuctionDesk(auctions: store, markets: store, clock: clock) { try await standings.standing(of: $0) }
        self.engine = FlashSaleEngine(
            repository: store, catalog: store, orders: store, markets: store, clock: clock, node: node, admission: admission,
            strategy: saleStrategy)
        self.clock = clock
        self.saleDesk = SaleDesk(
            engine: engine, sales: store,
            scheduler: SaleScheduler(catalog: store, inventory: store, markets: store, sales: store, pricing: pricing, clock: clock), clock: clock)
        self.sandbox = SandboxPaymentProvider(secret: sandboxSecret, ledger: store, clock: clock)
        let issuer = InvoiceIssuer()
        self.shippingMethods = store
        self.delivery = DeliveryOptions(methods: store, clock: clock)
        self.auctionOffers = AuctionOffers(auctions: store, catalog: store, markets: store, delivery: delivery, clock: clock)
        self.preorders = PreorderDesk(store: store, preorders: store, catalog: store, markets: store, delivery: delivery, clock: clock)
        self.partners = PartnerDesk(store: store, partners: store, catalog: store, inventory: store, markets: store, accounts: store, hasher: hasher, clock: clock,
                                    pricing: pricing)
        self.orderDesk = OrderDesk(store: store, orders: store, catalog: store, delivery: delivery, saleUnits: engine, invoices: issuer, clock: clock)
        self.refundSender = RefundSender(store: store, refunds: store, provider: sandbox, invoices: issuer, clock: clock)
        self.shippingDesk = ShippingDesk(store: store, carrierSecret: carrierSecret ?? sandboxSecret, clock: clock)
        self.serviceDesk = ServiceDesk(store: store, cases: store, rules: store, orders: store, markets: store, parts: store, plans: store, clock: clock)
        self.serviceCases = store
        self.serviceRules = store
        self.serviceCentres = store
        self.partnerRepository = store
        self.spareParts = store
        self.servicePlans = store
        self.planDesk = PlanDesk(store: store, cases: store, orders: store, markets: store, rules: store, plans: store, clock: clock)
        self.servicePhotos = ServicePhotos(desk: serviceDesk, files: firmwareFiles, clock: clock)
        self.captureSender = CaptureSender(desk: orderDesk, store: store, captures: store, provider: sandbox, clock: clock)
        self.pricing = pricing
        self.catalogDesk = CatalogDesk(catalog: store, markets: store, pricing: pricing)
        self.stockDesk = StockDesk(catalog: store, inventory: store)
        self.authenticator = Authenticator(
            accounts: store, hasher: hasher, clock: clock, deviceKey: deviceKey, registrationsPerHour: registrationsPerHour)
        self.accountDesk = AccountDesk(store: store, accounts: store, authenticator: authenticator, hasher: hasher, clock: clock)
        self.notices = store
        self.sandboxMessages = store
        self.courier = MessageCourier(
            notices: store, accounts: store, orders: store, markets: store, sales: store,
            email: email ?? SandboxMailbox(messages: store, clock: clock), sms: sms ?? SandboxSMSProvider(messages: store, clock: clock),
            clock: clock, publicURL: publicURL)
        self.registry = registry
        self.outboxes = store
        self.business = BusinessMetrics(registry: registry)
        self.publicURL = publicURL
        self.metricsToken = metricsToken
    }

    /// Product and cart views in a market, for the storefront's routes and pages.
    var storefront: Storefront { Storefront(catalog: catalog, inventory: inventory, carts: carts, delivery: delivery, pricing: pricing) }
}
