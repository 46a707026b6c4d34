import Foundation
import Hummingbird
import Logging
import MilletCore

/// Where templates, translations, static files and the OpenAPI document live.
public enum MilletResources {
    /// The bundled `Resources` folder.
    public static var directory: String {
        Bundle.module.bundleURL.appendingPathComponent("Resources").path
    }
}

/// Builds the router: middleware, the JSON API under `/api/v1`, operations endpoints and pages.
/// Tests call this same function.
public func buildRouter(_ services: MilletServices) async throws -> Router<MilletRequestContext> {
    let pages = try await PageRenderer(directory: MilletResources.directory)
    _ = ProcessFigures.startedAt // the start time /metrics reports is read now, not at the first scrape
    let router = Router(context: MilletRequestContext.self)
    if !services.trustedProxies.isEmpty { router.add(middleware: ClientAddressMiddleware(proxies: services.trustedProxies)) }
    router.add(middleware: RequestMetricsMiddleware(registry: services.registry))
    router.add(middleware: SecurityHeadersMiddleware(https: services.publicURL.lowercased().hasPrefix("https://")))
    router.add(middleware: CompressionMiddleware())
    router.add(middleware: ErrorMiddleware(pages: pages))
    let routeTable = RouteTable()
    router.add(middleware: MethodMiddleware(table: routeTable))
    router.add(middleware: FileMiddleware(MilletResources.directory + "/public", urlBasePath: "/static"))
    router.add(middleware: FormGuardMiddleware(publicURL: services.publicURL, key: services.formKey))
    router.add(middleware: IdentityMiddleware(authenticator: services.authenticator))

    let openAPI = try OpenAPIDocument.assemble(directory: MilletResources.directory + "/openapi")
    OperationsController(
        markets: services.markets, orders: services.orders, outboxes: services.outboxes, engine: services.engine, business: services.business,
        clock: services.clock, registry: services.registry,
        openAPI: openAPI, metricsToken: services.metricsToken
    ).addRoutes(to: router)

    // Who may reach a route is decided by the group it is mounted on (``RouteGroups``).
    let partnerGate = PartnerMiddleware(desk: services.partners, limit: services.partnerKeyLimit)
    let api = RouteGroups(router.group("api/v1"), updates: services.updates, partners: partnerGate)
    // The router tries a path's parts against the routes in the order they were added: flash
    // sales come first, because at a launch nearly every request is a purchase attempt.
    FlashSalesController(desk: services.saleDesk, business: services.business, clock: services.clock).addRoutes(to: api)
    AccountsController(authenticator: services.authenticator, desk: services.accountDesk).addRoutes(to: api)
    MessagesController(notices: services.notices, sandbox: services.sandboxMessages).addRoutes(to: api)
    MarketsController(markets: services.markets).addRoutes(to: api)
    CatalogController(markets: services.markets, storefront: services.storefront).addRoutes(to: api)
    CartController(carts: services.carts, markets: services.markets, storefront: services.storefront).addRoutes(to: api)
    OrdersController(
        desk: services.orderDesk, orders: services.orders, payments: services.payments, carts: services.carts, markets: services.markets,
        sandbox: services.sandbox, clock: services.clock
    ).addRoutes(to: api)
    PaymentsController(desk: services.orderDesk, sandbox: services.sandbox, clock: services.clock).addRoutes(to: api)
    StaffCatalogController(desk: services.catalogDesk, catalog: services.catalog, markets: services.markets, storefront: services.storefront).addRoutes(to: api)
    ProductOptionsController(desk: services.catalogDesk, catalog: services.catalog, markets: services.markets, storefront: services.storefront).addRoutes(to: api)
    StockController(desk: services.stockDesk, inventory: services.inventory).addRoutes(to: api)
    StaffOrdersController(desk: services.orderDesk, orders: services.orders).addRoutes(to: api)
    ShipmentsController(desk: services.shippingDesk).addRoutes(to: api)
    ShippingMethodsController(markets: services.markets, methods: services.shippingMethods).addRoutes(to: api)
    ServiceController(
        desk: services.serviceDesk, cases: services.serviceCases, rules: services.serviceRules, centres: services.serviceCentres,
        parts: services.spareParts, photos: services.servicePhotos, markets: services.markets, clock: services.clock
    ).addRoutes(to: api)
    ServicePlansController(desk: services.planDesk, plans: services.servicePlans, markets: services.markets).addRoutes(to: api)
    InvoicesController(desk: services.orderDesk, invoices: services.invoices, markets: services.markets).addRoutes(to: api)
    CommunityController(desk: services.communityDesk, community: services.community, clock: services.clock).addRoutes(to: api)
    ReleasesController(desk: services.communityDesk, releases: services.releases, clock: services.clock).addRoutes(to: api)
    DiscussionController(desk: services.communityDesk, discussion: services.discussion, clock: services.clock).addRoutes(to: api)
    ModerationController(desk: services.communityDesk, moderation: services.moderation, clock: services.clock).addRoutes(to: api)
    StandingController(desk: services.communityDesk, accounts: services.accounts, fcodeGrants: services.fcodeGrants, flashSales: services.flashSales, search: services.search, standing: services.standing, clock: services.clock).addRoutes(to: api)
    WebhooksController(webhooks: services.webhooks, receivers: services.receivers, clock: services.clock).addRoutes(to: api)
    DevicesController(updates: services.updates, checkIns: services.checkIns, devices: services.devices, firmware: services.firmware, firmwareFiles: services.firmwareFiles, markets: services.markets, business: services.business).addRoutes(to: api)
    let firmware = FirmwareController(updates: services.updates, devices: services.devices, firmware: services.firmware, firmwareFiles: services.firmwareFiles,
                                      images: services.images, releases: services.releases, clock: services.clock)
    firmware.addRoutes(to: api)
    PartnerFirmwareController(firmware: firmware, partners: services.partners).addRoutes(to: api)
    PartnerWebhooksController(webhooks: services.webhooks, receivers: services.receivers, partners: services.partners, clock: services.clock).addRoutes(to: api)
    PartnerServiceController(
        desk: services.serviceDesk, centres: services.serviceCentres, orders: services.orders, photos: services.servicePhotos, markets: services.markets,
        partners: services.partners, clock: services.clock
    ).addRoutes(to: api)
    DDIGatewayController(desk: services.ddi, markets: services.markets).addRoutes(to: api)
    NumbersController(desk: services.numbers, updates: services.updates).addRoutes(to: api)
    HotspotsController(desk: services.hotspots, updates: services.updates).addRoutes(to: api)
    AuctionsController(desk: services.auctions, offers: services.auctionOffers, clock: services.clock).addRoutes(to: api)
    PreordersController(desk: services.preorders, clock: services.clock).addRoutes(to: api)
    PartnersController(desk: services.partners).addRoutes(to: api)

    addPages(services, renderer: pages, to: RouteGroups(router.group(), updates: services.updates, partners: partnerGate))
    // Last: its first part is a parameter (the tenant), so every other route is tried first.
    DDIController(
        desk: services.ddi, firmwareFiles: services.firmwareFiles, checkIns: services.checkIns, business: services.business,
        publicURL: services.publicURL, images: services.images
    ).addRoutes(to: router)
    routeTable.load(router.routes.map { ($0.method, $0.path.description) })
    return router
}

/// The storefront and staff console: each feature's pages with the shared kit and only that
/// feature's parts.
private func addPages(_ services: MilletServices, renderer: PageRenderer, to groups: RouteGroups) {
    let kit = PageKit(renderer: renderer, markets: services.markets, inbox: services.releases, partners: services.partnerRepository)
    StorefrontPages(pages: kit, storefront: services.storefront, carts: services.carts, markets: services.markets, pricing: services.pricing,
                    preorders: services.preorders)
        .addRoutes(to: groups)
    AccountPages(pages: kit, authenticator: services.authenticator, desk: services.accountDesk, carts: services.carts).addRoutes(to: groups)
    AccountSettingsPages(pages: kit, desk: services.accountDesk, authenticator: services.authenticator, notices: services.notices)
        .addRoutes(to: groups)
    SandboxMessagePages(pages: kit, sandbox: services.sandboxMessages).addRoutes(to: groups)
    PhonePages(pages: kit, desk: services.numbers).addRoutes(to: groups)
    PreorderPages(pages: kit, desk: services.preorders, catalog: services.catalog, inventory: services.inventory, pricing: services.pricing,
                  clock: services.clock).addRoutes(to: groups)
    AuctionPages(pages: kit, desk: services.auctions, offers: services.auctionOffers, catalog: services.catalog, clock: services.clock).addRoutes(to: groups)
    let orderPages = OrderPages(
        pages: kit, orderDesk: services.orderDesk, orders: services.orders, payments: services.payments, invoices: services.invoices,
        carts: services.carts, storefront: services.storefront, sandbox: services.sandbox, clock: services.clock
    )
    orderPages.addRoutes(to: groups)
    InvoicePages(pages: kit, desk: services.orderDesk, invoices: services.invoices).addRoutes(to: groups)
    ProductOptionPages(pages: kit, desk: services.catalogDesk, catalog: services.catalog).addRoutes(to: groups)
    PartnerPages(pages: kit, desk: services.partners, catalog: services.catalog, inventory: services.inventory, clock: services.clock).addRoutes(to: groups)
    PartnerPortalPages(
        pages: kit, desk: services.partners, catalog: services.catalog, service: services.serviceDesk, centres: services.serviceCentres, clock: services.clock
    ).addRoutes(to: groups)
    StaffPages(
        pages: kit, catalogDesk: services.catalogDesk, stockDesk: services.stockDesk, catalog: services.catalog, inventory: services.inventory,
        orderDesk: services.orderDesk, orders: services.orders, orderPages: orderPages, accounts: services.accounts
    ).addRoutes(to: groups)
    ShippingPages(pages: kit, desk: services.shippingDesk, orders: services.orders, orderPages: orderPages).addRoutes(to: groups)
    AfterSalesPages(
        pages: kit, desk: services.serviceDesk, cases: services.serviceCases, centres: services.serviceCentres, parts: services.spareParts,
        planDesk: services.planDesk, orderDesk: services.orderDesk, orders: services.orders, photos: services.servicePhotos, clock: services.clock
    ).addRoutes(to: groups)
    StaffSalePages(pages: kit, desk: services.saleDesk, catalog: services.catalog, clock: services.clock).addRoutes(to: groups)
    SalePages(pages: kit, saleDesk: services.saleDesk, catalog: services.catalog, payments: services.payments, sandbox: services.sandbox, clock: services.clock)
        .addRoutes(to: groups)
    CommunityPages(
        pages: kit, communityDesk: services.communityDesk, community: services.community, standing: services.standing, search: services.search,
        clock: services.clock
    ).addRoutes(to: groups)
    PostPages(
        pages: kit, communityDesk: services.communityDesk, community: services.community, discussion: services.discussion,
        moderation: services.moderation, clock: services.clock
    ).addRoutes(to: groups)
    ReleasePages(pages: kit, communityDesk: services.communityDesk, community: services.community, releases: services.releases, clock: services.clock)
        .addRoutes(to: groups)
    ModerationPages(pages: kit, communityDesk: services.communityDesk, moderation: services.moderation, accounts: services.accounts)
        .addRoutes(to: groups)
    RolloutPages(
        pages: kit, firmware: services.firmware, devices: services.devices, updates: services.updates, images: services.images,
        firmwareFiles: services.firmwareFiles, ddi: services.ddi)
        .addRoutes(to: groups)
}

/// The Millet server: the router on a socket, plus the services that cancel unpaid orders at
/// their deadline, run flash sales, send the webhook, capture, refund and message outboxes, write device check-ins, advance scheduled rollouts and keep sessions in step with other nodes. Run it with `runService()` for graceful shutdown on SIGTERM and SIGINT.
public func buildApplication(
    _ services: MilletServices, host: String, port: Int, logger: Logger
) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(services)
    return Application(
        router: HeadAsGet(router),
        configuration: .init(address: .hostname(host, port: port), serverName: "millet"),
        services: [
            PaymentDeadlineService(desk: services.orderDesk, logger: logger), FlashSaleService(engine: services.engine, logger: logger),
            WebhookService(dispatcher: services.webhookDispatcher, business: services.business, logger: logger),
            PaymentOutboxService(captures: services.captureSender, refunds: services.refundSender, logger: logger),
            FirmwareService(updates: services.updates, logger: logger),
            SessionService(authenticator: services.authenticator, logger: logger),
            MessageService(courier: services.courier, logger: logger),
            ServiceDeadlineService(desk: services.serviceDesk, logger: logger),
            PhoneServicesSchedule(numbers: services.numbers, hotspots: services.hotspots, logger: logger),
            AuctionSettlementService(offers: services.auctionOffers, logger: logger),
            PreorderService(desk: services.preorders, logger: logger),
        ],
        logger: logger)
}
