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
    let live: LiveFigures

    init(_ sale: FlashSale, figures: SaleFigures, now: Date) {
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
        live = LiveFigures(sale, figures: figures, now: now)
    }
}

/// What the live sale page shows, pushed over server-sent events.
struct LiveFigures: Codable, Sendable {
    let phase: String
    let secondsToStart: Int64
    let units, sold, left, reservations: Int64
    let soldOut: Bool

    init(_ sale: FlashSale, figures: SaleFigures, now: Date) {
        phase = sale.phase(at: now).rawValue
        secondsToStart = max(0, Int64(sale.startsAt.timeIntervalSince(now).rounded(.up)))
        units = figures.units
        sold = figures.sold
        left = figures.left
        reservations = figures.reservations
        soldOut = figures.left <= 0 && sale.phase(at: now) == .open
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
