import Foundation

/// A launch-day sale: a fixed number of units of one SKU, sold in one market between two instants,
/// a few per account, each order to be paid within the payment window.
///
/// The units are taken from one warehouse's stock when the sale is created, so the store and the
/// sale never both sell a unit; what the sale does not sell goes back to the store when it ends.
public struct FlashSale: Hashable, Sendable, Codable {
    public let id: String
    public let title: String
    public let skuId: String
    public let marketCode: String
    public let warehouseId: String
    /// The sale price in the market's minor units (tax as the market shows it).
    public let price: Int64
    public let currency: String
    public let startsAt: Date
    public let endsAt: Date
    public let units: Int64
    public let perAccountLimit: Int
    public let paymentWindowSeconds: Int
    /// Only accounts that reserved before the start may buy.
    public let reservedOnly: Bool
    public let createdAt: Date
    /// Leading zero bits a purchase's proof of work must have; 0 asks for none.
    public let proofOfWorkBits: Int
    /// The key purchase tokens of this sale are signed with; never shown.
    public let tokenKey: String

    public init(
        id: String, title: String, skuId: String, marketCode: String, warehouseId: String, price: Int64, currency: String,
        startsAt: Date, endsAt: Date, units: Int64, perAccountLimit: Int, paymentWindowSeconds: Int, reservedOnly: Bool, createdAt: Date,
        proofOfWorkBits: Int = 0, tokenKey: String = PurchaseToken.makeKey()
    ) {
        self.id = id
        self.title = title
        self.skuId = skuId
        self.marketCode = marketCode
        self.warehouseId = warehouseId
        self.price = price
        self.currency = currency
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.units = units
        self.perAccountLimit = perAccountLimit
        self.paymentWindowSeconds = paymentWindowSeconds
        self.reservedOnly = reservedOnly
        self.createdAt = createdAt
        self.proofOfWorkBits = proofOfWorkBits
        self.tokenKey = tokenKey
    }

    /// Where a sale is in its life at an instant.
    public enum Phase: String, Sendable, Codable {
        case upcoming, open, ended
    }

    public func phase(at now: Date) -> Phase {
        now < startsAt ? .upcoming : (now < endsAt ? .open : .ended)
    }

    /// Fans may reserve until the sale opens.
    public func acceptsReservations(at now: Date) -> Bool { now < startsAt }

    /// Checks what staff asked for before any unit is taken from stock.
    public static func validate(
        title: String, startsAt: Date, endsAt: Date, units: Int64, perAccountLimit: Int, paymentWindowSeconds: Int, price: Int64, now: Date,
        proofOfWorkBits: Int = 0
    ) throws {
        var check = Validator()
        check.requireLength(title, 1...120, "title", "must be 1 to 120 characters")
        check.require(endsAt > startsAt, "endsAt", "must be after startsAt")
        check.require(endsAt > now, "endsAt", "must be in the future")
        check.require(endsAt.timeIntervalSince(startsAt) <= 7 * 24 * 3600, "endsAt", "a sale lasts at most 7 days")
        check.require((1...10_000_000).contains(units), "units", "must be from 1 to 10000000")
        check.require((1...10).contains(perAccountLimit), "perAccountLimit", "must be from 1 to 10")
        check.require((60...24 * 3600).contains(paymentWindowSeconds), "paymentWindowSeconds", "must be from 60 to 86400")
        check.require(price >= 1, "price", "must be at least 1")
        check.require((0...PurchaseToken.maxProofBits).contains(proofOfWorkBits), "proofOfWorkBits", "must be from 0 to \(PurchaseToken.maxProofBits)")
        try check.check()
    }
}

/// The live figures of a sale that the public sees.
public struct SaleFigures: Hashable, Sendable, Codable {
    public let units: Int64
    /// Units in orders waiting for payment or paid.
    public let sold: Int64
    /// Units no node holds and nobody bought: what the next lease can take.
    public let pool: Int64
    /// Units leased to nodes and not yet sold.
    public let leased: Int64
    /// Units set aside for F-codes not yet redeemed.
    public let fcodeUnits: Int64
    /// Units given back to the store when the sale ended.
    public let returned: Int64
    public let reservations: Int64

    public init(units: Int64, sold: Int64, pool: Int64, leased: Int64, fcodeUnits: Int64, returned: Int64, reservations: Int64) {
        self.units = units
        self.sold = sold
        self.pool = pool
        self.leased = leased
        self.fcodeUnits = fcodeUnits
        self.returned = returned
        self.reservations = reservations
    }

    /// Units a fan could still get now.
    public var left: Int64 { pool + leased }
}

/// Why a purchase was refused, in the codes the API answers.
public enum PurchaseRefusal: String, Error, Sendable, Equatable {
    case soldOut = "sold_out"
    case notStarted = "not_started"
    case ended
    case notReserved = "not_reserved"
    case limitReached = "limit_reached"
    case rateLimited = "rate_limited"
    case overloaded
    case invalidToken = "invalid_purchase_token"
    case proofOfWorkFailed = "proof_of_work_failed"
    /// A purchase with the same key is being made (on this node or another), or other nodes are
    /// still selling the sale's last units, so whether this account bought one is not known yet.
    case inProgress = "purchase_in_progress"

    /// Sending the same purchase again soon may buy or answer it: the refusal says when
    /// (`Retry-After`), not no.
    public var retryable: Bool { domainError.retryAfterSeconds != nil }

    /// The domain error the HTTP layer maps to a status.
    public var domainError: DomainError {
        switch self {
        case .soldOut: .conflict(code: rawValue, message: "every unit is sold; units that are not paid in time come back")
        case .notStarted: .conflict(code: rawValue, message: "the sale has not started yet")
        case .ended: .conflict(code: rawValue, message: "the sale has ended")
        case .notReserved: .notEligible(code: rawValue, message: "this sale is for accounts that reserved before it started")
        case .limitReached: .conflict(code: rawValue, message: "this account already bought the most this sale allows")
        case .rateLimited: .throttled(retryAfterSeconds: 1)
        case .overloaded: .overloaded(retryAfterSeconds: 1)
        case .invalidToken: .notEligible(code: rawValue, message: "fetch a purchase token for this sale (POST .../tokens) and send it as purchaseToken")
        case .proofOfWorkFailed: .notEligible(code: rawValue, message: "proofOfWork does not solve this token's challenge")
        case .inProgress:
            .notYet(code: rawValue, message: "a purchase with this Idempotency-Key, or the sale's last units, are still being bought; retry with the same key", retryAfterSeconds: 1)
        }
    }
}

/// F-codes: single-use priority codes staff give loyal fans.
public enum FCode {
    /// Letters and digits that cannot be mistaken for one another when read aloud or typed.
    static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// A new code such as `F7KQ-M2XD-9HTP`.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return "F" + String(characters[1..<4]) + "-" + String(characters[4..<8]) + "-" + String(characters[8..<12])
    }

    /// `true` for something shaped like a code.
    public static func isWellFormed(_ code: String) -> Bool {
        code.count == 14 && code.hasPrefix("F") && code.allSatisfy { $0 == "-" || alphabet.contains($0) }
    }
}
