import Foundation

/// How much a bid must raise an auction's price, by price band: from each band's lower bound
/// (minor units of the auction's currency) the next bid must be at least the price plus its
/// increment.
public struct IncrementTable: Codable, Hashable, Sendable {
    public struct Band: Codable, Hashable, Sendable {
        /// The price the band starts at.
        public let from: Int64
        public let increment: Int64

        public init(from: Int64, increment: Int64) {
            self.from = from
            self.increment = increment
        }
    }

    /// Ascending by ``Band/from``, the first from 0.
    public let bands: [Band]

    /// `invalid(increments)` unless the bands start at 0, rise, and each increment is positive.
    public init(bands: [Band]) throws {
        var check = Validator()
        check.require((1...20).contains(bands.count) && bands.first?.from == 0, "increments", "must be 1 to 20 bands, the first from 0")
        check.require(zip(bands, bands.dropFirst()).allSatisfy { $0.from < $1.from }, "increments", "must rise band by band")
        check.require(bands.allSatisfy { $0.increment > 0 && $0.increment <= Auction.maxPrice }, "increments", "must each be a positive amount")
        try check.check()
        self.bands = bands
    }

    /// The increment at `price`.
    public func increment(at price: Int64) -> Int64 {
        bands.last { $0.from <= price }?.increment ?? bands[0].increment
    }

    /// A table for prices in minor units of a currency with two decimals: 1.00 up to 50.00,
    /// then 2.50, 5.00 from 250.00, 10.00 from 500.00 and 25.00 from 1,000.00.
    public static let standard = try! IncrementTable(bands: [
        Band(from: 0, increment: 100), Band(from: 5_000, increment: 250), Band(from: 25_000, increment: 500),
        Band(from: 50_000, increment: 1_000), Band(from: 100_000, increment: 2_500),
    ])
}

/// A unit the brand puts up for auction to its fans: English and ascending, with proxy bids.
/// Its terms never change once it is scheduled; what the bids did is ``AuctionState``.
public struct Auction: Hashable, Sendable {
    public let id: String
    public let title: String
    /// The SKU the winner's order is for, if the unit is one of the catalogue's.
    public let skuId: String?
    public let marketCode: String
    public let currency: String
    public let startPrice: Int64
    /// Below this the unit is not sold; never shown, only whether it is met.
    public let reservePrice: Int64?
    public let increments: IncrementTable
    public let startsAt: Date
    /// When it ends unless late bids extend it.
    public let scheduledEnd: Date
    /// A bid that changes the leader or the price this close to the end extends the end by as much.
    public let extensionWindow: TimeInterval
    /// Extensions together add at most this much to the scheduled end.
    public let extensionCap: TimeInterval
    /// The community level (``Standing/level``) a fan must have reached to bid.
    public let minLevel: Int
    public let createdAt: Date
    public let createdBy: String
    /// How long the winner has from the close to order and pay.
    public let paymentWindow: TimeInterval
    /// How long each second-chance offer stays open.
    public let secondChanceWindow: TimeInterval
    public let format: AuctionFormat
    /// What each sealed bid of a lowest-unique-bid auction costs in community points.
    public let pointsPerBid: Int
    /// How many amounts one fan may bid in a lowest-unique-bid auction.
    public let maxBidsPerFan: Int

    public init(id: String, title: String, skuId: String?, marketCode: String, currency: String, startPrice: Int64, reservePrice: Int64?,
                increments: IncrementTable, startsAt: Date, scheduledEnd: Date, extensionWindow: TimeInterval, extensionCap: TimeInterval,
                minLevel: Int, createdAt: Date, createdBy: String, paymentWindow: TimeInterval = 48 * 3600, secondChanceWindow: TimeInterval = 24 * 3600,
                format: AuctionFormat = .english, pointsPerBid: Int = 0, maxBidsPerFan: Int = 0) {
        self.format = format
        self.pointsPerBid = pointsPerBid
        self.maxBidsPerFan = maxBidsPerFan
        self.paymentWindow = paymentWindow
        self.secondChanceWindow = secondChanceWindow
        self.id = id
        self.title = title
        self.skuId = skuId
        self.marketCode = marketCode
        self.currency = currency
        self.startPrice = startPrice
        self.reservePrice = reservePrice
        self.increments = increments
        self.startsAt = startsAt
        self.scheduledEnd = scheduledEnd
        self.extensionWindow = extensionWindow
        self.extensionCap = extensionCap
        self.minLevel = minLevel
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// The highest price or maximum an auction takes: 100 million in major units.
    public static let maxPrice: Int64 = 10_000_000_000

    /// ``currency`` with its decimals (two for a code Millet does not know).
    public var currencyUnit: Currency { Currency.known[currency] ?? Currency(code: currency, minorDigits: 2) }

    /// The latest the auction can end, every extension taken.
    public var latestEnd: Date { scheduledEnd.addingTimeInterval(extensionCap) }

    /// Whether the reserve (if any) is met by a leader bidding up to `maximum`.
    public func reserveMet(byMaximum maximum: Int64?) -> Bool {
        guard let reservePrice else { return maximum != nil }
        return (maximum ?? 0) >= reservePrice
    }
}

/// What staff ask for when they schedule an auction.
public struct AuctionPlan: Sendable {
    public var title: String
    public var skuId: String?
    public var marketCode: String
    public var currency: String
    public var startPrice: Int64
    public var reservePrice: Int64?
    public var increments: IncrementTable
    public var startsAt: Date
    public var endsAt: Date
    public var extensionWindow: TimeInterval
    public var extensionCap: TimeInterval
    public var minLevel: Int
    public var paymentWindow: TimeInterval
    public var secondChanceWindow: TimeInterval
    public var format: AuctionFormat
    public var pointsPerBid: Int
    public var maxBidsPerFan: Int

    /// An English auction by default; for a lowest-unique-bid one `startPrice` is the highest
    /// amount a fan may bid, and there is no reserve and no extension.
    public init(title: String, skuId: String?, marketCode: String, currency: String, startPrice: Int64, reservePrice: Int64?,
                increments: IncrementTable = .standard, startsAt: Date, endsAt: Date, extensionWindow: TimeInterval = 300,
                extensionCap: TimeInterval = 3600, minLevel: Int = 1, paymentWindow: TimeInterval = 48 * 3600,
                secondChanceWindow: TimeInterval = 24 * 3600, format: AuctionFormat = .english, pointsPerBid: Int = 0, maxBidsPerFan: Int = 0) {
        self.format = format
        self.pointsPerBid = pointsPerBid
        self.maxBidsPerFan = maxBidsPerFan
        self.paymentWindow = paymentWindow
        self.secondChanceWindow = secondChanceWindow
        self.title = title
        self.skuId = skuId
        self.marketCode = marketCode
        self.currency = currency
        self.startPrice = startPrice
        self.reservePrice = reservePrice
        self.increments = increments
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.extensionWindow = extensionWindow
        self.extensionCap = extensionCap
        self.minLevel = minLevel
    }

    /// The auction, or `invalid` naming each field that is wrong.
    public func auction(id: String = Identifier.make(), now: Date, by actor: String) throws -> Auction {
        var check = Validator()
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        check.requireLength(title, 1...120, "title", "must be 1 to 120 characters")
        check.require(!title.contains(where: \.isNewline), "title", "must be one line")
        check.require((1...Auction.maxPrice).contains(startPrice), "startPrice", "must be a positive amount in minor units, at most 10000000000")
        check.require(reservePrice.map { $0 >= startPrice && $0 <= Auction.maxPrice } ?? true, "reservePrice", "must be at least the start price")
        check.require(startsAt >= now.addingTimeInterval(-60), "startsAt", "must not be in the past")
        check.require(endsAt > startsAt.addingTimeInterval(60) && endsAt <= startsAt.addingTimeInterval(30 * 86_400),
                      "endsAt", "must be more than a minute and at most 30 days after the start")
        check.require((0...3600).contains(extensionWindow), "extensionSeconds", "must be 0 to 3600")
        check.require((0...86_400).contains(extensionCap), "extensionCapSeconds", "must be 0 to 86400")
        check.require((1...Standing.levels.count).contains(minLevel), "minLevel", "must be a community level from 1 to \(Standing.levels.count)")
        check.require((3600...7 * 86_400).contains(paymentWindow), "paymentHours", "must be 1 to 168 hours")
        check.require((3600...72 * 3600).contains(secondChanceWindow), "secondChanceHours", "must be 1 to 72 hours")
        let unique = format == .lowestUnique
        if unique {
            check.require(reservePrice == nil, "reservePrice", "a lowest-unique-bid auction has none: its winner pays the amount they bid")
            check.require((1...1_000).contains(pointsPerBid), "pointsPerBid", "must be 1 to 1000 community points")
            check.require((1...100).contains(maxBidsPerFan), "maxBidsPerFan", "must be 1 to 100")
        }
        try check.check()
        return Auction(id: id, title: title, skuId: skuId, marketCode: marketCode, currency: currency, startPrice: startPrice,
                       reservePrice: reservePrice, increments: increments, startsAt: startsAt, scheduledEnd: endsAt,
                       extensionWindow: unique ? 0 : extensionWindow, extensionCap: unique ? 0 : extensionCap, minLevel: minLevel, createdAt: now, createdBy: actor,
                       paymentWindow: paymentWindow, secondChanceWindow: secondChanceWindow, format: format,
                       pointsPerBid: unique ? pointsPerBid : 0, maxBidsPerFan: unique ? maxBidsPerFan : 0)
    }
}
