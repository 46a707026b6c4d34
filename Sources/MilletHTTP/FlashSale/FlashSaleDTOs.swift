import Foundation
import Hummingbird
import MilletCore

/// A sale as the API shows it, with its live figures.
struct FlashSaleDTO: ResponseEncodable, Sendable {
    let id, title, skuId, market, warehouseId, phase: String
    let price: MoneyDTO
    let startsAt, endsAt: Date
    let units: Int64
    let perAccountLimit, paymentWindowSeconds: Int
    let reservedOnly: Bool
    let proofOfWorkBits: Int
    let live: LiveFigures

    init(_ sale: FlashSale, figures: SaleFigures, now: Date, next: FlashSale? = nil) {
        id = sale.id
        title = sale.title
        skuId = sale.skuId
        market = sale.marketCode
        warehouseId = sale.warehouseId
        phase = sale.phase(at: now).rawValue
        price = MoneyDTO(amount: sale.price, currency: sale.currency)
        startsAt = sale.startsAt
        endsAt = sale.endsAt
        units = sale.units
        perAccountLimit = sale.perAccountLimit
        paymentWindowSeconds = sale.paymentWindowSeconds
        reservedOnly = sale.reservedOnly
        proofOfWorkBits = sale.proofOfWorkBits
        live = LiveFigures(sale, figures: figures, now: now, next: next)
    }
}

/// What the live sale page shows, pushed over server-sent events.
struct LiveFigures: Codable, Sendable {
    let phase: String
    let secondsToStart: Int64
    let units, sold, left, reservations: Int64
    let soldOut: Bool
    /// The next sale of the same phone in the same market, for "next batch" when this one is gone.
    let nextSaleId: String?
    let nextSaleStartsAt: Date?

    init(_ sale: FlashSale, figures: SaleFigures, now: Date, next: FlashSale?) {
        phase = sale.phase(at: now).rawValue
        secondsToStart = max(0, Int64(sale.startsAt.timeIntervalSince(now).rounded(.up)))
        units = figures.units
        sold = figures.sold
        left = figures.left
        reservations = figures.reservations
        soldOut = figures.left <= 0 && sale.phase(at: now) == .open
        nextSaleId = next?.id
        nextSaleStartsAt = next?.startsAt
    }
}

struct FlashSaleList: ResponseEncodable, Sendable {
    let items: [FlashSaleDTO]
}

struct ReservationDTO: ResponseEncodable, Sendable {
    let saleId: String
    let reserved: Bool
    let reservations: Int64
}

struct FCodeList: ResponseEncodable, Sendable {
    let saleId: String
    let codes: [String]
}

/// A purchase token for one account and sale, with the proof-of-work challenge if the sale sets one.
struct PurchaseTokenDTO: ResponseEncodable, Sendable {
    let saleId: String
    let token: String
    let expiresAt: Date
    /// Find `proof` such that SHA-256 of `token + ":" + proof` starts with this many zero bits.
    let proofOfWorkBits: Int

    init(saleId: String, _ issued: (token: String, expiresAt: Date, proofOfWorkBits: Int)) {
        self.saleId = saleId
        self.token = issued.token
        self.expiresAt = issued.expiresAt
        self.proofOfWorkBits = issued.proofOfWorkBits
    }
}
