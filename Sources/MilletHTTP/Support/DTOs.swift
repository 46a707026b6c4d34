import Foundation
import Hummingbird
import MilletCore

/// An amount in the API: integer minor units and the ISO 4217 code.
struct MoneyDTO: Codable, Sendable, Equatable {
    let amount: Int64
    let currency: String

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("amount", amount)
            json.field("currency", currency)
        }
    }
}

struct AccountDTO: ResponseEncodable, Sendable {
    let id: String
    let email: String
    let displayName: String
    let role: String
    /// Whether the fan opened the verification link sent to `email`.
    let emailVerified: Bool

    init(_ account: Account) {
        id = account.id
        email = account.email
        displayName = account.displayName
        role = account.role.rawValue
        emailVerified = account.emailVerifiedAt != nil
    }
}

struct MarketDTO: ResponseEncodable, Sendable {
    let code, name, currency: String
    let minorDigits: Int
    let defaultLanguage: String
    let languages: [String]
    let taxRateBasisPoints: Int
    let pricesIncludeTax: Bool
    let warrantyMonths, returnWindowDays, paymentWindowMinutes: Int
    let shipping: MoneyDTO

    init(_ market: Market) {
        code = market.code
        name = market.name
        currency = market.currency.code
        minorDigits = market.currency.minorDigits
        defaultLanguage = market.defaultLanguage
        languages = market.languages
        taxRateBasisPoints = market.tax.rateBasisPoints
        pricesIncludeTax = market.tax.pricesIncludeTax
        warrantyMonths = market.warrantyMonths
        returnWindowDays = market.returnWindowDays
        paymentWindowMinutes = market.paymentWindowMinutes
        shipping = MoneyDTO(amount: market.flatShippingMinor, currency: market.currency.code)
    }
}

struct TotalsDTO: Codable, Sendable {
    let subtotal, shipping, tax, total: MoneyDTO
    let pricesIncludeTax: Bool

    init(_ totals: OrderTotals, currency: String) {
        subtotal = MoneyDTO(amount: totals.subtotal, currency: currency)
        shipping = MoneyDTO(amount: totals.shipping, currency: currency)
        tax = MoneyDTO(amount: totals.tax, currency: currency)
        total = MoneyDTO(amount: totals.total, currency: currency)
        pricesIncludeTax = totals.pricesIncludeTax
    }
}

struct OrderDTO: ResponseEncodable, Sendable {
    struct Line: Codable, Sendable {
        let skuId, skuCode, name: String
        let quantity: Int
        let unitPrice, lineTotal: MoneyDTO
    }
    struct Transition: Codable, Sendable {
        let from: String?
        let to, actor, note: String
        let at: Date
    }
    struct Address: Codable, Sendable {
        let name, line1, city, postcode, phone: String
    }

    let id, number, status, market, currency: String
    let lines: [Line]
    let totals: TotalsDTO
    let shippingAddress: Address
    let paymentDeadline, createdAt: Date
    let timeline: [Transition]
    let refunds: [RefundDTO]
    let shipments: [ShipmentDTO]
    /// When the last parcel was delivered: the start of the return window and warranty.
    let deliveredAt: Date?
    /// The shipping method chosen at checkout and when it should arrive; absent on flash-sale orders.
    let shipping: Shipping?
    /// The buyer's tax id given at checkout, printed on the invoice.
    let taxId: String?

    struct Shipping: Encodable, Sendable {
        let method, name: String
        let delivery: DeliveryWindowDTO
    }

    init(_ order: Order) {
        id = order.id
        number = order.number
        status = order.status.rawValue
        market = order.marketCode
        currency = order.currency
        lines = order.lines.map {
            Line(skuId: $0.skuId, skuCode: $0.skuCode, name: $0.productName, quantity: $0.quantity,
                 unitPrice: MoneyDTO(amount: $0.unitPrice, currency: order.currency),
                 lineTotal: MoneyDTO(amount: $0.lineTotal, currency: order.currency))
        }
        totals = TotalsDTO(order.totals, currency: order.currency)
        let a = order.shippingAddress
        shippingAddress = Address(name: a.name, line1: a.line1, city: a.city, postcode: a.postcode, phone: a.phone)
        paymentDeadline = order.paymentDeadline
        createdAt = order.createdAt
        timeline = order.timeline.map { Transition(from: $0.from?.rawValue, to: $0.to.rawValue, actor: $0.actor, note: $0.note, at: $0.at) }
        refunds = order.refunds.map(RefundDTO.init)
        shipments = order.shipments.map(ShipmentDTO.init)
        deliveredAt = order.deliveredAt
        shipping = order.shipping.map { Shipping(method: $0.methodCode, name: $0.methodName, delivery: DeliveryWindowDTO($0.delivery)) }
        taxId = order.buyerTaxId
    }

    /// Written by ``JSONWriter``: every flash-sale win answers with an order, and `JSONEncoder`
    /// took a tenth of the CPU of a sale. Lists of orders still go through `Encodable`.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONWriter()
        write(to: &json)
        return json.response()
    }

    /// The members in `Encodable`'s order (the order they are declared in), as every nested
    /// type below writes its own.
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("number", number)
            json.field("status", status)
            json.field("market", market)
            json.field("currency", currency)
            json.key("lines")
            json.array(lines) { json, line in line.write(to: &json) }
            json.key("totals")
            totals.write(to: &json)
            json.key("shippingAddress")
            shippingAddress.write(to: &json)
            json.field("paymentDeadline", paymentDeadline)
            json.field("createdAt", createdAt)
            json.key("timeline")
            json.array(timeline) { json, transition in transition.write(to: &json) }
            json.key("refunds")
            json.array(refunds) { json, refund in refund.write(to: &json) }
            json.key("shipments")
            json.array(shipments) { json, shipment in shipment.write(to: &json) }
            json.field("deliveredAt", deliveredAt)
            if let shipping {
                json.key("shipping")
                json.object { json in
                    json.field("method", shipping.method)
                    json.field("name", shipping.name)
                    json.key("delivery")
                    json.object { json in
                        json.field("earliest", shipping.delivery.earliest)
                        json.field("latest", shipping.delivery.latest)
                    }
                }
            }
            json.field("taxId", taxId)
        }
    }
}

extension OrderDTO.Line {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("skuId", skuId)
            json.field("skuCode", skuCode)
            json.field("name", name)
            json.field("quantity", Int64(quantity))
            json.key("unitPrice")
            unitPrice.write(to: &json)
            json.key("lineTotal")
            lineTotal.write(to: &json)
        }
    }
}

extension OrderDTO.Address {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("name", name)
            json.field("line1", line1)
            json.field("city", city)
            json.field("postcode", postcode)
            json.field("phone", phone)
        }
    }
}

extension OrderDTO.Transition {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("from", from)
            json.field("to", to)
            json.field("actor", actor)
            json.field("note", note)
            json.field("at", at)
        }
    }
}

extension TotalsDTO {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("subtotal")
            subtotal.write(to: &json)
            json.key("shipping")
            shipping.write(to: &json)
            json.key("tax")
            tax.write(to: &json)
            json.key("total")
            total.write(to: &json)
            json.field("pricesIncludeTax", pricesIncludeTax)
        }
    }
}

/// Money going back for an order, and where it is on its way to the provider.
struct RefundDTO: Codable, Sendable {
    let id, paymentId, status, reason, actor: String
    let amount: MoneyDTO
    let attempts: Int64
    let providerReference, lastError: String?
    let createdAt: Date
    let settledAt: Date?

    init(_ refund: Refund) {
        id = refund.id
        paymentId = refund.paymentId
        status = refund.status.rawValue
        reason = refund.reason
        actor = refund.actor
        amount = MoneyDTO(amount: refund.amount, currency: refund.currency)
        attempts = Int64(refund.attempts)
        providerReference = refund.providerReference
        lastError = refund.lastError
        createdAt = refund.createdAt
        settledAt = refund.settledAt
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("paymentId", paymentId)
            json.field("status", status)
            json.field("reason", reason)
            json.field("actor", actor)
            json.key("amount")
            amount.write(to: &json)
            json.field("attempts", attempts)
            json.field("providerReference", providerReference)
            json.field("lastError", lastError)
            json.field("createdAt", createdAt)
            json.field("settledAt", settledAt)
        }
    }
}

struct PaymentDTO: ResponseEncodable, Sendable {
    let id, orderId, provider, status, payUrl: String
    let amount: MoneyDTO

    init(_ payment: Payment, payURL: String) {
        id = payment.id
        orderId = payment.orderId
        provider = payment.provider
        status = payment.status.rawValue
        payUrl = payURL
        amount = MoneyDTO(amount: payment.amount, currency: payment.currency)
    }
}

extension ResponseEncodable {
    /// This value answered with another status, such as 201.
    func with(status: HTTPResponse.Status) -> EditedResponse<Self> {
        EditedResponse(status: status, response: self)
    }
}
