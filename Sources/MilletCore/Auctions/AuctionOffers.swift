import Foundation

/// After the close: the settlement that offers the unit down the bidders (``AuctionSettlement``),
/// and the fan's answers to an offer, ordering it with a delivery address or declining it.
public struct AuctionOffers: Sendable {
    private let auctions: any AuctionRepository
    private let catalog: any CatalogRepository
    private let markets: any MarketRepository
    private let delivery: DeliveryOptions
    private let clock: any MilletClock

    public init(auctions: any AuctionRepository, catalog: any CatalogRepository, markets: any MarketRepository, delivery: DeliveryOptions,
                clock: any MilletClock) {
        self.auctions = auctions
        self.catalog = catalog
        self.markets = markets
        self.delivery = delivery
        self.clock = clock
    }

    /// Takes the due step of every closed auction, each in its own transaction; answers the steps
    /// taken and the auctions whose step failed (each put off a minute, the others go on).
    @discardableResult
    public func settleDue() async throws -> (steps: [SettlementStep], failed: [(auctionId: String, error: any Error)]) {
        let now = clock.now()
        var steps: [SettlementStep] = [], failed: [(String, any Error)] = []
        for id in try await auctions.auctionsToSettle(now: now, limit: 100) {
            do {
                if let step = try await auctions.settle(auctionId: id, now: now, { AuctionSettlement.next($0, now: now) }) { steps.append(step) }
            } catch {
                failed.append((id, error))
                try await auctions.postponeSettlement(auctionId: id, until: now.addingTimeInterval(60))
            }
        }
        return (steps, failed)
    }

    /// The fan's offers still open or ordered and unpaid, newest first, with their auctions.
    public func openOffers(of accountId: String) async throws -> [(offer: AuctionOffer, record: AuctionRecord)] {
        var found: [(AuctionOffer, AuctionRecord)] = []
        for offer in try await auctions.openOffers(accountId: accountId) where offer.status == .ordered || offer.isOpen(at: clock.now()) {
            if let record = try await auctions.auction(id: offer.auctionId) { found.append((offer, record)) }
        }
        return found
    }

    /// How many strikes the fan has (``AuctionSettlement/strikesToBar`` bar bidding).
    public func strikes(of accountId: String) async throws -> Int {
        try await auctions.strikes(accountId: accountId)
    }

    /// The auction's offers, first round first.
    public func offers(auctionId: String) async throws -> [AuctionOffer] {
        try await auctions.offers(auctionId: auctionId)
    }

    /// Orders the fan's open offer: one unit at the offer's price, delivered to `address` by the
    /// market's default shipping method (or `shippingMethod`, named in `language`, the market's
    /// own when `nil`), to be paid by the offer's deadline.
    /// Refused with `not_found` when the fan has no offer, `conflict(offer_closed)` once it expired
    /// or was answered; a second call answers the same order.
    public func order(auctionId: String, by accountId: String, address: ShippingAddress, shippingMethod: String?, language: String?) async throws -> Order {
        guard Identifier.isWellFormed(auctionId), let record = try await auctions.auction(id: auctionId) else { throw DomainError.notFound(what: "auction") }
        let now = clock.now()
        // Priced before the transaction (shipping reads its methods), at the latest offer's price;
        // the transaction checks that offer is still the fan's and open.
        let latest = try await auctions.offers(auctionId: auctionId).last
        let price = latest?.price ?? record.state.price
        let (market, line, totals, shipping) = try await priced(record.auction, at: price, shippingMethod: shippingMethod, language: language)
        let orderId = Identifier.makeSequential()
        return try await auctions.orderOffer(auctionId: auctionId, accountId: accountId) { offer in
            let offer = try AuctionSettlement.openOffer(offer, for: accountId, now: now)
            guard offer.price == price else { throw DomainError.conflict(code: "concurrent_update", message: "the offer changed meanwhile; try again") }
            return OrderDraft(id: orderId, accountId: accountId, market: market, lines: [line], totals: totals, shippingAddress: address,
                              idempotencyKey: "auction:\(auctionId):\(offer.round)", now: now, shipping: shipping, auctionId: auctionId,
                              deadline: max(offer.expiresAt, now.addingTimeInterval(Self.leastTimeToPay)))
        }
    }

    /// What ordering `offer` comes to with the market's default delivery: the price, shipping
    /// and tax as the order will have them.
    public func totals(of offer: AuctionOffer, in auction: Auction) async throws -> OrderTotals {
        try await priced(auction, at: offer.price, shippingMethod: nil, language: nil).totals
    }

    private func priced(_ auction: Auction, at price: Int64, shippingMethod: String?, language: String?) async throws
        -> (market: Market, line: (skuId: String, skuCode: String, productName: String, quantity: Int, unitPrice: Int64), totals: OrderTotals,
            shipping: OrderShipping) {
        let market = try await markets.requireMarket(auction.marketCode)
        var skuId = "auction:\(auction.id)", skuCode = "AUCTION", grams = 0
        if let id = auction.skuId, let sku = try await catalog.sku(id: id) {
            (skuId, skuCode, grams) = (sku.id, sku.code, sku.weightGrams)
        }
        let goods = try OrderTotals.compute(lines: [(price, 1)], market: market, shipping: 0)
        let quote = try await delivery.choose(shippingMethod, market: market, subtotal: goods.subtotal, weightGrams: grams)
        let totals = try OrderTotals.compute(lines: [(price, 1)], market: market, shipping: quote.price)
        let shipping = OrderShipping(methodCode: quote.method.code, methodName: quote.method.name(in: language ?? market.defaultLanguage, market: market),
                                     delivery: quote.delivery)
        return (market, (skuId, skuCode, auction.title, 1, price), totals, shipping)
    }

    /// An offer ordered in its last minutes still leaves this long to pay.
    public static let leastTimeToPay: TimeInterval = 15 * 60

    /// Declines the fan's open offer; the unit goes to the next bidder. A winner who declines
    /// gets a strike, as for not paying.
    public func decline(auctionId: String, by accountId: String) async throws -> AuctionOffer {
        guard Identifier.isWellFormed(auctionId), try await auctions.auction(id: auctionId) != nil else { throw DomainError.notFound(what: "auction") }
        let now = clock.now()
        return try await auctions.declineOffer(auctionId: auctionId, now: now) { try AuctionSettlement.decline($0, by: accountId, now: now) }
    }
}
