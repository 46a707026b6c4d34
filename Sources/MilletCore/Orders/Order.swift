import Foundation

/// Where an order is delivered.
public struct ShippingAddress: Hashable, Sendable, Codable {
    public let name: String
    public let line1: String
    public let city: String
    public let postcode: String
    public let phone: String

    /// Trims and validates every field.
    public init(name: String, line1: String, city: String, postcode: String, phone: String) throws {
        var check = Validator()
        for (field, value, limit) in [("name", name, 100), ("line1", line1, 200), ("city", city, 100)] {
            check.requireLength(value, 1...limit, field, "is required (at most \(limit) characters)")
        }
        for (field, value) in [("name", name), ("line1", line1), ("city", city), ("postcode", postcode), ("phone", phone)] {
            check.requireSingleLine(value.trimmed, field)
        }
        check.requireLength(postcode, 0...20, "postcode", "at most 20 characters")
        let digits = phone.filter(\.isNumber)
        check.require(digits.count >= 6 && digits.count <= 20, "phone", "must have 6 to 20 digits")
        try check.check()
        self.name = name.trimmed
        self.line1 = line1.trimmed
        self.city = city.trimmed
        self.postcode = postcode.trimmed
        self.phone = phone.trimmed
    }
}

/// A buyer's tax id as typed at checkout: spaces dropped, upper case, 5 to 20 of `A-Z`, `0-9`,
/// `.`, `-` and `/`; `nil` when left empty.
public enum BuyerTaxId {
    public static func normalise(_ text: String?) throws -> String? {
        let compact = (text ?? "").filter { !$0.isWhitespace }.uppercased()
        guard !compact.isEmpty else { return nil }
        guard (5...20).contains(compact.count),
              compact.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || ".-/".unicodeScalars.contains($0) })
        else { throw DomainError.invalid(field: "taxId", "5 to 20 letters, digits, '.', '-' or '/'") }
        return compact
    }
}

/// One line of an order: a SKU, how many, the price it was sold at and where it ships from. A
/// service line (a repair's part or labour) has a `service:` SKU id and no warehouse: no stock is
/// held for it and nothing of it ships.
public struct OrderLine: Hashable, Sendable, Codable {
    /// How a service line's SKU id starts.
    public static let serviceSKUPrefix = "service:"

    /// A repair's part or labour, or a service plan, rather than goods.
    public var isService: Bool { skuId.hasPrefix(Self.serviceSKUPrefix) }

    public let skuId: String
    public let skuCode: String
    public let productName: String
    public let warehouseId: String
    public let quantity: Int
    public let unitPrice: Int64
    public let lineTotal: Int64

    public init(skuId: String, skuCode: String, productName: String, warehouseId: String, quantity: Int, unitPrice: Int64, lineTotal: Int64) {
        self.skuId = skuId
        self.skuCode = skuCode
        self.productName = productName
        self.warehouseId = warehouseId
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.lineTotal = lineTotal
    }
}

/// Money totals of an order, in minor units of its currency.
public struct OrderTotals: Hashable, Sendable, Codable {
    public let subtotal: Int64
    public let shipping: Int64
    /// The tax part: inside the total where prices include tax, added to it otherwise.
    public let tax: Int64
    public let total: Int64
    public let pricesIncludeTax: Bool

    public init(subtotal: Int64, shipping: Int64, tax: Int64, total: Int64, pricesIncludeTax: Bool) {
        self.subtotal = subtotal
        self.shipping = shipping
        self.tax = tax
        self.total = total
        self.pricesIncludeTax = pricesIncludeTax
    }

    /// Prices lines plus `shipping` (the market's flat shipping when `nil`) under the market's tax rule.
    public static func compute(lines: [(unitPrice: Int64, quantity: Int)], market: Market, shipping chosen: Int64? = nil) throws -> OrderTotals {
        var subtotal = market.money(0)
        for line in lines {
            subtotal = try subtotal + market.money(line.unitPrice).times(line.quantity)
        }
        let shipping = lines.isEmpty ? 0 : chosen ?? market.flatShippingMinor
        let shelf = try subtotal + market.money(shipping)
        let (tax, payable) = market.tax.apply(toShelfAmount: shelf.minorUnits)
        return OrderTotals(
            subtotal: subtotal.minorUnits, shipping: shipping, tax: tax, total: payable,
            pricesIncludeTax: market.tax.pricesIncludeTax)
    }
}

/// An order as stored: who, where, what, how much and its status.
public struct Order: Hashable, Sendable, Codable {
    public let id: String
    /// What the fan reads out on the phone: market, UTC day and that day's sequence in the
    /// market, `IN-20261204-0042`; unique by the database's constraint.
    public let number: String
    public let accountId: String
    public let marketCode: String
    public let currency: String
    public var status: OrderStatus
    public let lines: [OrderLine]
    public let totals: OrderTotals
    public let shippingAddress: ShippingAddress
    /// After this instant an unpaid order cancels itself and its stock is released.
    public let paymentDeadline: Date
    public let createdAt: Date
    public var timeline: [OrderTransition]
    /// Money returned to the fan, oldest first, with where each refund is.
    public var refunds: [Refund]
    /// The order's parcels, oldest first.
    public var shipments: [Shipment]
    /// The shipping method chosen at checkout; `nil` for a flash-sale order, which ships standard
    /// at the market's flat price.
    public let shipping: OrderShipping?
    /// The buyer's tax id (GSTIN, NIF, VAT number) as given at checkout, printed on the invoice.
    public let buyerTaxId: String?

    public init(
        id: String, number: String, accountId: String, marketCode: String, currency: String, status: OrderStatus, lines: [OrderLine],
        totals: OrderTotals, shippingAddress: ShippingAddress, paymentDeadline: Date, createdAt: Date,
        timeline: [OrderTransition], refunds: [Refund] = [], shipments: [Shipment] = [], shipping: OrderShipping? = nil,
        buyerTaxId: String? = nil
    ) {
        self.id = id
        self.number = number
        self.accountId = accountId
        self.marketCode = marketCode
        self.currency = currency
        self.status = status
        self.lines = lines
        self.totals = totals
        self.shippingAddress = shippingAddress
        self.paymentDeadline = paymentDeadline
        self.createdAt = createdAt
        self.timeline = timeline
        self.refunds = refunds
        self.shipments = shipments
        self.shipping = shipping
        self.buyerTaxId = buyerTaxId
    }

    /// When the order was delivered (its last parcel, or staff marking it): the start of its
    /// return window and warranty.
    public var deliveredAt: Date? { timeline.last { $0.to == .delivered }?.at }

    /// A sale at a partner's store: its money was taken at the till, so a return goes back there.
    public var isStoreSale: Bool { shipping?.methodCode == OrderShipping.partnerStore }

    /// A repair quote or a service plan: nothing in it holds stock or ships.
    public var isServiceOnly: Bool { !lines.isEmpty && lines.allSatisfy(\.isService) }

    /// The number of the `sequence`th order of a market on a UTC day (`day` as `20261204`),
    /// four digits at least.
    public static func number(market: String, day: String, sequence: Int64) -> String {
        let digits = String(sequence)
        return "\(market)-\(day)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The day part of the numbers of orders placed at `date`.
    public static func numberDay(_ date: Date) -> String { date.utcDay.replacingOccurrences(of: "-", with: "") }
}

/// One recorded change of an order's status, with who made it and when.
public struct OrderTransition: Hashable, Sendable, Codable {
    public let from: OrderStatus?
    public let to: OrderStatus
    /// `account:<id>`, `system:payment-deadline`, `provider:sandbox` and so on.
    public let actor: String
    public let note: String
    public let at: Date

    public init(from: OrderStatus?, to: OrderStatus, actor: String, note: String, at: Date) {
        self.from = from
        self.to = to
        self.actor = actor
        self.note = note
        self.at = at
    }
}
