import Foundation
import Hummingbird
import MilletCore

// The after-sales API's answers.

struct WarrantyList: ResponseEncodable {
    let items: [WarrantyDTO]
}

struct WarrantyDTO: ResponseEncodable {
    struct Cover: Codable {
        let part, remedy, ground, rule, ruleTitle: String
        let until: Date?
        let caseDays: Int
    }

    let serial, orderId, market: String
    let skuId, replacedBy: String?
    let coverStartsAt: Date?
    let covers: [Cover]
    /// The options the unit was built with.
    let options: [ChosenOptionDTO]

    init(_ warranty: Warranty) {
        options = warranty.record.options.map(ChosenOptionDTO.init)
        serial = warranty.record.serial
        orderId = warranty.record.orderId
        market = warranty.marketCode
        skuId = warranty.record.skuId
        replacedBy = warranty.record.replacedBy
        coverStartsAt = warranty.start
        covers = warranty.covers.map {
            Cover(part: $0.part.rawValue, remedy: $0.remedy.rawValue, ground: $0.ground.rawValue, rule: $0.ruleCode, ruleTitle: $0.ruleTitle,
                  until: $0.until, caseDays: $0.caseDays)
        }
    }
}

struct ServiceCaseList: ResponseEncodable {
    let items: [ServiceCaseDTO]
}

struct ServiceCaseDTO: ResponseEncodable {
    struct Line: Codable {
        let skuId: String
        let quantity: Int
    }

    struct Step: Codable {
        let from: String?
        let to, event, actor, note: String
        let at: Date
    }

    let id, number, kind, status, orderId, market, reason, part, description, remedy, rule, ruleTitle: String
    let serial, refundId, grade, replacementSerial, pickupOn, centreId, quoteOrderId: String?
    let partsUsed: [String]
    /// Where each photo is, `/api/v1/service-cases/{id}/photos/{n}`.
    let photos: [String]
    let lines: [Line]
    let refundAmount: MoneyDTO
    let deadline, createdAt: Date
    /// 80% of the time to the deadline has gone and it is not settled.
    let needsAttention: Bool
    let events: [String]
    let history: [Step]
    /// The eco-chain brand whose unit it is, whose centres repair it.
    let brandId: String?
    /// To a brand's centre: where the repaired unit goes back to (the order's delivery address).
    var shipTo: ShippingAddress?

    /// The case as staff and its fan see it; `photoPath` is where its photos are served from.
    init(_ c: ServiceCase, now: Date, photoPath: String = "/api/v1/service-cases") {
        id = c.id
        number = c.number
        kind = c.kind.rawValue
        status = c.status.rawValue
        orderId = c.orderId
        market = c.marketCode
        reason = switch c.ground {
        case .anyReason: "withdrawal"
        case .fault: "fault"
        case .accident: "accident"
        }
        part = c.part.rawValue
        description = c.description
        remedy = c.remedy.rawValue
        rule = c.ruleCode
        ruleTitle = c.ruleTitle
        serial = c.serial
        refundId = c.refundId
        grade = c.grade?.rawValue
        replacementSerial = c.replacementSerial
        pickupOn = c.pickupOn
        centreId = c.centreId
        quoteOrderId = c.quoteOrderId
        partsUsed = c.partsUsed
        photos = c.photos.indices.map { "\(photoPath)/\(c.id)/photos/\($0 + 1)" }
        brandId = c.brandId
        lines = c.lines.map { Line(skuId: $0.skuId, quantity: $0.quantity) }
        refundAmount = MoneyDTO(amount: c.refundAmount, currency: c.currency)
        deadline = c.deadline
        createdAt = c.createdAt
        needsAttention = c.needsAttention(now: now)
        events = c.events.map(\.rawValue)
        history = c.history.map { Step(from: $0.from?.rawValue, to: $0.to.rawValue, event: $0.event, actor: $0.actor, note: $0.note, at: $0.at) }
    }
}

struct ServiceRuleList: ResponseEncodable {
    let items: [ServiceRuleDTO]
}

struct ServiceRuleDTO: ResponseEncodable {
    let market, code, remedy, ground, period, title: String
    let parts: [String]
    let caseDays: Int
    let active: Bool

    init(_ rule: ServiceRule) {
        market = rule.marketCode
        code = rule.code
        remedy = rule.remedy.rawValue
        ground = rule.ground.rawValue
        period = rule.period.text
        title = rule.title
        parts = rule.parts.map(\.rawValue)
        caseDays = rule.caseDays
        active = rule.active
    }
}

struct ServiceCentreList: ResponseEncodable {
    let items: [ServiceCentreDTO]
}

struct ServiceCentreDTO: ResponseEncodable {
    let id, market, name, address, hours: String
    let pickupsPerDay: Int
    let active: Bool
    /// The eco-chain brand that runs it; absent for the store's own.
    let organisationId: String?

    init(_ centre: ServiceCentre) {
        organisationId = centre.organisationId
        id = centre.id
        market = centre.marketCode
        name = centre.name
        address = centre.address
        hours = centre.hours
        pickupsPerDay = centre.pickupsPerDay
        active = centre.active
    }
}

struct PickupSlotList: ResponseEncodable {
    struct Slot: Codable {
        let centreId, centreName, day: String
        let left: Int
    }

    let items: [Slot]
}

struct SparePartList: ResponseEncodable {
    let items: [SparePartDTO]
}

struct SparePartDTO: ResponseEncodable {
    let market, code, part, name: String
    let price: Int64
    let stocked, active: Bool

    init(_ line: SparePart) {
        market = line.marketCode
        code = line.code
        part = line.part.rawValue
        name = line.name
        price = line.price
        stocked = line.stocked
        active = line.active
    }
}

struct SparePartStockDTO: ResponseEncodable {
    let centreId: String
    let stock: [String: Int]
}
