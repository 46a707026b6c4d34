/// Everything Millet keeps, as the one value the executable opens (SQLite or PostgreSQL) and
/// hands to the HTTP layer, which never sees the database behind it.
public typealias MilletStore = UnitOfWork & MarketRepository & AccountRepository & CatalogRepository & InventoryRepository
    & CartRepository & OrderRepository & PaymentRepository & RefundRepository & CaptureRepository & InvoiceRepository & ShippingMethodRepository & NoticeRepository & SandboxMessageRepository & SandboxLedger & FlashSaleRepository
    & CommunityRepository & ReleaseRepository & DiscussionRepository & ModerationRepository & StandingRepository
    & CommunitySearch & FCodeGrantRepository & WebhookRepository & DeviceRepository & FirmwareRepository
    & ServiceRuleRepository & ServiceCaseRepository & ServiceCentreRepository & SparePartRepository & ServicePlanRepository & OutboxFigures
    & DDIGatewayRepository & DeviceAttributeRepository & DDICancellationRepository & NumberRepository & HotspotRepository
    & AuctionRepository & PreorderRepository & PartnerRepository
