import Foundation
import Hummingbird
import MilletCore

/// Fan auctions over the API: staff schedule one, anyone follows it and its history, signed-in
/// fans bid their maximum.
struct AuctionsController: Sendable {
    let desk: AuctionDesk
    let offers: AuctionOffers
    let clock: any MilletClock
    let feed: AuctionFeed

    init(desk: AuctionDesk, offers: AuctionOffers, clock: any MilletClock) {
        self.desk = desk
        self.offers = offers
        self.clock = clock
        self.feed = AuctionFeed(desk: desk, clock: clock)
    }

    struct OrderOfferBody: Decodable {
        let shippingAddress: OrdersController.AddressBody
        let shippingMethod: String?
    }

    struct CreateBody: Decodable {
        struct Band: Decodable {
            let from, increment: Int64
        }

        let title, market, startsAt, endsAt: String
        let skuId: String?
        let startPrice: Int64
        let reservePrice: Int64?
        let increments: [Band]?
        let extensionSeconds, extensionCapSeconds, minLevel: Int?
        let paymentHours, secondChanceHours: Int?
        let format: AuctionFormat?
        let pointsPerBid, maxBidsPerFan: Int?
    }

    struct UniqueBidBody: Decodable {
        let amount: Int64
    }

    struct BidBody: Decodable {
        let maximum: Int64

        /// `{"maximum":N}`, what the pages' script and apps send, read without a JSON decoder;
        /// any other body goes through `decodeJSON` and its precise 4xx answers.
        static func read(_ request: Request, context: MilletRequestContext) async throws -> BidBody {
            try request.requireJSONLabel()
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let prefix = #"{"maximum":"#.utf8
            let plain = buffer.readableBytesView.withContiguousStorageIfAvailable { bytes -> BidBody? in
                guard bytes.count > prefix.count + 1, bytes.count <= prefix.count + 12, bytes.starts(with: prefix), bytes.last == UInt8(ascii: "}") else {
                    return nil
                }
                let digits = bytes[prefix.count..<(bytes.count - 1)]
                guard digits.first != UInt8(ascii: "0"), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
                return Int64(String(decoding: UnsafeBufferPointer(rebasing: digits), as: UTF8.self)).map(BidBody.init)
            } ?? nil
            return try plain ?? Request.decodeJSON(BidBody.self, from: buffer)
        }
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.post("staff/auctions") { request, context in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(CreateBody.self, context: context)
            let record = try await desk.schedule(try Self.plan(body), incrementsGiven: body.increments != nil, by: account.id)
            return AuctionDTO(record, history: nil, viewer: nil, now: clock.now(), staff: true).with(status: .created)
        }
        groups.staff.post("staff/auctions/:id/cancel") { _, context in
            let record = try await desk.cancel(auctionId: try context.parameters.require("id"))
            return AuctionDTO(record, history: nil, viewer: nil, now: clock.now(), staff: true)
        }
        groups.open.get("auctions") { _, context in
            AuctionList(items: try await desk.calendar().map { AuctionDTO($0, history: nil, viewer: context.account?.id, now: clock.now(), staff: false) })
        }
        groups.open.get("auctions/:id") { _, context in
            let (record, history) = try await desk.history(auctionId: try context.parameters.require("id"))
            let viewer = context.account?.id
            let offer = try await viewer.asyncMap { id in try await offers.offers(auctionId: record.auction.id).last { $0.accountId == id } } ?? nil
            var dto = AuctionDTO(record, history: history, viewer: viewer, now: clock.now(), staff: false, offer: offer)
            if record.auction.format == .lowestUnique {
                dto.sealed = try await SealedDTO(desk: desk, record: record, viewer: viewer)
            }
            return dto
        }
        groups.open.post("auctions/:id/unique-bids") { request, context in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(UniqueBidBody.self, context: context)
            let placed = try await desk.bidUnique(auctionId: try context.parameters.require("id"), by: account, amount: body.amount)
            return UniqueBidDTO(id: placed.bid.id, auctionId: placed.bid.auctionId, amount: placed.bid.amount, placedAt: placed.bid.placedAt,
                                pointsLeft: placed.pointsLeft, yourAmounts: placed.yourBids.map(\.amount)).with(status: .created)
        }
        groups.open.post("auctions/:id/offer/order") { request, context in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(OrderOfferBody.self, context: context)
            let a = body.shippingAddress
            let address = try ShippingAddress(name: a.name, line1: a.line1, city: a.city, postcode: a.postcode, phone: a.phone)
            let order = try await offers.order(auctionId: try context.parameters.require("id"), by: account.id, address: address,
                                               shippingMethod: body.shippingMethod, language: nil)
            return OrderDTO(order).with(status: .created)
        }
        groups.open.post("auctions/:id/offer/decline") { _, context in
            let account = try context.requireAccount()
            return OfferDTO(try await offers.decline(auctionId: try context.parameters.require("id"), by: account.id))
        }
        groups.open.get("auctions/:id/events") { _, context in
            let id = try context.parameters.require("id")
            _ = try await feed.event(auctionId: id)
            return live(id)
        }
        groups.open.post("auctions/:id/bids") { request, context in
            let account = try context.requireAccount()
            let body = try await BidBody.read(request, context: context)
            let placed = try await desk.bid(auctionId: try context.parameters.require("id"), by: account, maximum: body.maximum)
            return BidDTO(placed.bid, record: placed.record, viewer: account.id).with(status: .created)
        }
    }

    /// A server-sent-events stream of the auction's price, leader and end: an `auction` event
    /// whenever they change (checked every 250 ms), a comment every 15 s otherwise, until it
    /// closes or ten minutes pass (the browser reconnects).
    private func live(_ id: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            let started = ContinuousClock.now
            var sent: ByteBuffer?, quietSince = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(600) {
                let event = try await feed.event(auctionId: id)
                if event.bytes != sent {
                    try await writer.write(event.bytes)
                    sent = event.bytes
                    quietSince = ContinuousClock.now
                } else if ContinuousClock.now - quietSince > .seconds(15) {
                    try await writer.write(ByteBuffer(string: ": still open\n\n"))
                    quietSince = ContinuousClock.now
                }
                if event.closed { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            try await writer.finish(nil)
        })
    }

    static func plan(_ body: CreateBody) throws -> AuctionPlan {
        var check = Validator()
        let startsAt = RFC3339.date(body.startsAt), endsAt = RFC3339.date(body.endsAt)
        check.require(startsAt != nil, "startsAt", "must be an ISO 8601 date-time such as 2026-12-01T12:00:00Z")
        check.require(endsAt != nil, "endsAt", "must be an ISO 8601 date-time such as 2026-12-01T18:00:00Z")
        try check.check()
        let increments = try body.increments.map { bands in try IncrementTable(bands: bands.map { .init(from: $0.from, increment: $0.increment) }) }
        return AuctionPlan(
            title: body.title, skuId: body.skuId, marketCode: body.market, currency: "", startPrice: body.startPrice, reservePrice: body.reservePrice,
            increments: increments ?? .standard, startsAt: startsAt!, endsAt: endsAt!, extensionWindow: TimeInterval(body.extensionSeconds ?? 300),
            extensionCap: TimeInterval(body.extensionCapSeconds ?? 3600), minLevel: body.minLevel ?? 1,
            paymentWindow: TimeInterval(body.paymentHours ?? 48) * 3600, secondChanceWindow: TimeInterval(body.secondChanceHours ?? 24) * 3600,
            format: body.format ?? .english, pointsPerBid: body.pointsPerBid ?? 10, maxBidsPerFan: body.maxBidsPerFan ?? 10)
    }
}

/// An auction as anyone sees it (staff also see the reserve), with its history when asked for
/// one, and the calling fan's own place in it.
struct AuctionDTO: ResponseEncodable, Sendable {
    struct Band: Encodable, Sendable {
        let from, increment: Int64
    }

    struct Entry: Encodable, Sendable {
        let seq: Int64
        let bidder: String
        let placedAt: Date
        let maximum: Int64?
        let price: Int64
        let priceRule: String
        let leader: String
        let endsAt: Date
    }

    struct Viewer: Encodable, Sendable {
        let bidder: String?
        let leading: Bool
    }

    let id, title, market, currency, status, priceRule, reserve: String
    let skuId: String?
    let startPrice, price, minimumBid, bids: Int64
    let reservePrice: Int64?
    let increments: [Band]
    let startsAt, scheduledEnd, endsAt, latestEnd: Date
    let extensionSeconds, extensionCapSeconds, minLevel, paymentHours, secondChanceHours: Int
    let leader: String?
    /// Once closed: `offering`, `sold`, `unsold` or `cancelled`.
    let outcome: String?
    /// What the unit sold for (the final price, or a second chance's).
    let soldPrice: Int64?
    let history: [Entry]?
    let you: Viewer?
    /// The calling fan's latest offer of the unit, if the settlement made them one.
    let offer: OfferDTO?
    let format: String
    /// A lowest-unique-bid auction's terms, the calling fan's amounts and, once closed, the result.
    var sealed: SealedDTO?

    init(_ record: AuctionRecord, history: AuctionHistory?, viewer: String?, now: Date, staff: Bool, offer: AuctionOffer? = nil) {
        let auction = record.auction, state = record.state
        id = auction.id
        title = auction.title
        market = auction.marketCode
        currency = auction.currency
        status = now < auction.startsAt ? "scheduled" : state.isClosed(at: now) ? "closed" : "open"
        priceRule = state.rule.rawValue
        reserve = auction.reservePrice == nil ? "none" : state.reserveMet(in: auction) ? "met" : "not_met"
        skuId = auction.skuId
        startPrice = auction.startPrice
        price = state.price
        minimumBid = state.minimumBid(in: auction)
        bids = state.bids
        reservePrice = staff ? auction.reservePrice : nil
        increments = auction.increments.bands.map { Band(from: $0.from, increment: $0.increment) }
        startsAt = auction.startsAt
        scheduledEnd = auction.scheduledEnd
        endsAt = state.endsAt
        latestEnd = auction.latestEnd
        extensionSeconds = Int(auction.extensionWindow)
        extensionCapSeconds = Int(auction.extensionCap)
        minLevel = auction.minLevel
        paymentHours = Int(auction.paymentWindow / 3600)
        secondChanceHours = Int(auction.secondChanceWindow / 3600)
        outcome = record.outcome?.rawValue
        soldPrice = record.soldPrice
        self.offer = offer.map(OfferDTO.init)
        format = auction.format.rawValue
        leader = history?.leader.map(AuctionHistory.pseudonym)
        self.history = history?.entries.map { entry in
            Entry(seq: entry.seq, bidder: AuctionHistory.pseudonym(entry.bidder), placedAt: entry.placedAt, maximum: entry.maximum,
                  price: entry.priceAfter, priceRule: entry.rule.rawValue, leader: AuctionHistory.pseudonym(entry.leaderAfter), endsAt: entry.endsAfter)
        }
        you = viewer.map { id in
            Viewer(bidder: history?.bidders[id].map(AuctionHistory.pseudonym), leading: state.leaderAccountId == id)
        }
    }
}

/// A lowest-unique-bid auction's side: what a bid costs, the caller's own amounts and points, and
/// once closed the published result (every amount with how many fans bid it, and the winner).
struct SealedDTO: Encodable, Sendable {
    struct Amount: Encodable, Sendable {
        let amount: Int64
        let fans: Int
    }

    struct Result: Encodable, Sendable {
        let amounts: [Amount]
        let winningAmount: Int64?
        let winner: String?
    }

    let pointsPerBid, maxBidsPerFan: Int
    let yourAmounts: [Int64]?
    let yourPointsLeft: Int?
    let result: Result?

    init(desk: AuctionDesk, record: AuctionRecord, viewer: String?) async throws {
        pointsPerBid = record.auction.pointsPerBid
        maxBidsPerFan = record.auction.maxBidsPerFan
        let yours = try await viewer.asyncMap { try await desk.uniqueBids(auctionId: record.auction.id, of: $0) }
        yourAmounts = yours?.bids.map(\.amount)
        yourPointsLeft = yours?.pointsLeft
        result = try await desk.uniqueResult(record).map { result in
            Result(amounts: result.amounts.map { Amount(amount: $0.amount, fans: $0.fans) }, winningAmount: result.winner?.amount,
                   winner: result.winner.flatMap { result.bidders[$0.accountId] }.map(AuctionHistory.pseudonym))
        }
    }
}

/// A sealed bid as stored, with the caller's points left and amounts in the auction.
struct UniqueBidDTO: ResponseEncodable, Sendable {
    let id, auctionId: String
    let amount: Int64
    let placedAt: Date
    let pointsLeft: Int
    let yourAmounts: [Int64]
}

/// An offer of a closed auction's unit to the calling fan.
struct OfferDTO: ResponseEncodable, Sendable {
    let auctionId: String
    let round: Int
    let price: Int64
    let offeredAt, expiresAt: Date
    let status: String
    let orderId: String?

    init(_ offer: AuctionOffer) {
        auctionId = offer.auctionId
        round = offer.round
        price = offer.price
        offeredAt = offer.offeredAt
        expiresAt = offer.expiresAt
        status = offer.status.rawValue
        orderId = offer.orderId
    }
}

struct AuctionList: ResponseEncodable, Sendable {
    let items: [AuctionDTO]
}

/// What a fan hears once their bid is durable. Written by ``JSONWriter``: in an auction's last
/// minutes every bid answers with one, and `JSONEncoder` was a tenth of a bid's CPU.
struct BidDTO: ResponseEncodable, Sendable {
    let id, auctionId: String
    let seq, maximum, price, minimumBid, bids: Int64
    let placedAt, endsAt: Date
    let leading: Bool
    let priceRule: String

    init(_ bid: AuctionBid, record: AuctionRecord, viewer: String) {
        id = bid.id
        auctionId = bid.auctionId
        seq = bid.seq
        maximum = bid.maximum
        price = record.state.price
        minimumBid = record.state.minimumBid(in: record.auction)
        bids = record.state.bids
        placedAt = bid.placedAt
        endsAt = record.state.endsAt
        leading = record.state.leaderAccountId == viewer
        priceRule = record.state.rule.rawValue
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONWriter(capacity: 320)
        write(to: &json)
        return json.response()
    }

    /// The members in `Encodable`'s order.
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("auctionId", auctionId)
            json.field("seq", seq)
            json.field("maximum", maximum)
            json.field("price", price)
            json.field("minimumBid", minimumBid)
            json.field("bids", bids)
            json.field("placedAt", placedAt)
            json.field("endsAt", endsAt)
            json.field("leading", leading)
            json.field("priceRule", priceRule)
        }
    }
}
