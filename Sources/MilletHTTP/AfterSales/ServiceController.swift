import Foundation
import Hummingbird
import MilletCore

/// After-sales in the API: a serial's warranty today, returns of a delivered order, exchanges and
/// repairs by serial, a fan's own cases; staff work the queue, move cases on and edit each
/// market's service rules.
struct ServiceController {
    let desk: ServiceDesk
    let cases: any ServiceCaseRepository
    let rules: any ServiceRuleRepository
    let centres: any ServiceCentreRepository
    let parts: any SparePartRepository
    let photos: ServicePhotos
    let markets: any MarketRepository
    let clock: any MilletClock

    struct ReturnBody: Decodable {
        let lines: [LineBody]
        /// `withdrawal` (no reason needed) or `fault`.
        let reason: String
        let description: String?
    }

    struct LineBody: Decodable {
        let skuId: String
        let quantity: Int
    }

    struct ServiceBody: Decodable {
        let serial: String
        let kind: String
        let part: String
        let description: String
        /// `fault` (the default) or `accident`.
        let ground: String?
    }

    struct EventBody: Decodable {
        let event: String
        let note: String?
        let grade: String?
        let serial: String?
        let pickupOn: String?
        let centreId: String?
        let parts: [String]?
    }

    struct QuoteBody: Decodable {
        let parts: [String]
    }

    struct PartBody: Decodable {
        let part, name: String
        let price: Int64
        let stocked: Bool
        let active: Bool?
    }

    struct StockBody: Decodable {
        let quantity: Int
    }

    struct PickupBody: Decodable {
        let centreId: String
        let day: String
    }

    struct CentreBody: Decodable {
        let market, name, address, hours: String
        let pickupsPerDay: Int
        let active: Bool?
    }

    struct RuleBody: Decodable {
        let remedy, ground, period, title: String
        let parts: [String]?
        let caseDays: Int
        let active: Bool?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("warranty/:serial") { _, context in
            let viewer = try context.requireAccount()
            return WarrantyDTO(try await desk.warranty(serial: try context.parameters.require("serial"), viewer: viewer))
        }
        groups.open.get("me/warranties") { _, context in
            let viewer = try context.requireAccount()
            return WarrantyList(items: try await desk.warranties(of: viewer).map(WarrantyDTO.init))
        }
        groups.open.post("orders/:id/returns") { request, context in
            let viewer = try context.requireAccount()
            let body = try await request.decodeJSON(ReturnBody.self, context: context)
            let ground: ServiceGround = switch body.reason {
            case "withdrawal": .anyReason
            case "fault": .fault
            default: throw DomainError.invalid(field: "reason", "withdrawal or fault")
            }
            let opened = try await desk.openReturn(
                orderId: try context.parameters.require("id"), viewer: viewer, lines: body.lines.map { CaseLine(skuId: $0.skuId, quantity: $0.quantity) },
                ground: ground, description: body.description ?? "")
            return ServiceCaseDTO(opened, now: clock.now()).with(status: .created)
        }
        groups.open.post("service-cases") { request, context in
            let viewer = try context.requireAccount()
            let body = try await request.decodeJSON(ServiceBody.self, context: context)
            guard let kind = ServiceKind(rawValue: body.kind), kind != .return else { throw DomainError.invalid(field: "kind", "exchange or repair") }
            guard let part = PartClass(rawValue: body.part) else { throw DomainError.invalid(field: "part", "main_unit, battery or accessory") }
            guard let ground = ServiceGround(rawValue: body.ground ?? "fault"), ground != .anyReason else {
                throw DomainError.invalid(field: "ground", "fault or accident")
            }
            let opened = try await desk.openService(serial: body.serial, kind: kind, part: part, viewer: viewer, description: body.description, ground: ground)
            return ServiceCaseDTO(opened, now: clock.now()).with(status: .created)
        }
        groups.open.get("me/service-cases") { _, context in
            let viewer = try context.requireAccount()
            let now = clock.now()
            return ServiceCaseList(items: try await cases.serviceCases(accountId: viewer.id).map { ServiceCaseDTO($0, now: now) })
        }
        groups.open.get("service-cases/:id") { _, context in
            let viewer = try context.requireAccount()
            return ServiceCaseDTO(try await desk.serviceCase(id: try context.parameters.require("id"), viewer: viewer), now: clock.now())
        }
        groups.open.post("service-cases/:id/cancel") { _, context in
            let viewer = try context.requireAccount()
            return ServiceCaseDTO(try await desk.cancel(caseId: try context.parameters.require("id"), viewer: viewer), now: clock.now())
        }
        groups.open.post("service-cases/:id/photos") { request, context in
            let viewer = try context.requireAccount()
            let updated = try await photos.upload(request, caseId: try context.parameters.require("id"), viewer: viewer, context: context)
            return ServiceCaseDTO(updated, now: clock.now()).with(status: .created)
        }
        groups.open.get("service-cases/:id/photos/:n") { _, context in
            let viewer = try context.requireAccount()
            return try await photos.image(
                caseId: try context.parameters.require("id"), number: try context.parameters.require("n"), viewer: viewer, context: context)
        }
        groups.open.get("markets/:code/service-centres") { _, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            return ServiceCentreList(items: try await centres.serviceCentres(marketCode: market.code, includeInactive: false).map(ServiceCentreDTO.init))
        }
        groups.open.get("service-cases/:id/pickup-slots") { _, context in
            let viewer = try context.requireAccount()
            let slots = try await desk.pickupSlots(caseId: try context.parameters.require("id"), viewer: viewer, centres: centres)
            return PickupSlotList(items: slots.map { PickupSlotList.Slot(centreId: $0.centre.id, centreName: $0.centre.name, day: $0.day, left: $0.left) })
        }
        groups.open.post("service-cases/:id/pickup") { request, context in
            let viewer = try context.requireAccount()
            let body = try await request.decodeJSON(PickupBody.self, context: context)
            let booked = try await desk.bookPickup(caseId: try context.parameters.require("id"), viewer: viewer, centreId: body.centreId, day: body.day)
            return ServiceCaseDTO(booked, now: clock.now())
        }
        groups.open.get("markets/:code/spare-parts") { _, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            return SparePartList(items: try await parts.spareParts(marketCode: market.code, includeInactive: false).map(SparePartDTO.init))
        }
        groups.staff.put("staff/markets/:code/spare-parts/:part") { request, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            let body = try await request.decodeJSON(PartBody.self, context: context)
            guard let part = PartClass(rawValue: body.part) else { throw DomainError.invalid(field: "part", "main_unit, battery or accessory") }
            let line = try SparePart(
                marketCode: market.code, code: try context.parameters.require("part"), part: part, name: body.name, price: body.price,
                stocked: body.stocked, active: body.active ?? true)
            try await parts.save(line)
            return SparePartDTO(line)
        }
        groups.staff.get("staff/service-centres/:id/spare-parts") { _, context in
            let centre = try await requireCentre(try context.parameters.require("id"))
            return SparePartStockDTO(centreId: centre.id, stock: try await parts.sparePartStock(centreId: centre.id))
        }
        groups.staff.put("staff/service-centres/:id/spare-parts/:part") { request, context in
            let centre = try await requireCentre(try context.parameters.require("id"))
            let body = try await request.decodeJSON(StockBody.self, context: context)
            let code = try context.parameters.require("part")
            guard try await parts.spareParts(marketCode: centre.marketCode, includeInactive: true).contains(where: { $0.code == code && $0.stocked }) else {
                throw DomainError.invalid(field: "part", "not a stocked part of market \(centre.marketCode)'s price list")
            }
            guard (0...1_000_000).contains(body.quantity) else { throw DomainError.invalid(field: "quantity", "0 to 1000000") }
            try await parts.setSparePartStock(centreId: centre.id, code: code, quantity: body.quantity)
            return SparePartStockDTO(centreId: centre.id, stock: try await parts.sparePartStock(centreId: centre.id))
        }
        groups.staff.post("staff/service-cases/:id/quote") { request, context in
            let staff = try context.requireAccount()
            let body = try await request.decodeJSON(QuoteBody.self, context: context)
            return ServiceCaseDTO(try await desk.quote(caseId: try context.parameters.require("id"), parts: body.parts, staff: staff), now: clock.now())
        }
        groups.staff.put("staff/service-centres/:id") { request, context in
            _ = try context.requireAccount()
            let body = try await request.decodeJSON(CentreBody.self, context: context)
            let market = try await markets.requireMarket(body.market)
            let id = try context.parameters.require("id")
            // A brand's centre stays the brand's when staff edit it.
            let existing = try await centres.serviceCentre(id: id)
            let centre = try ServiceCentre(
                id: id, marketCode: market.code, name: body.name, address: body.address, hours: body.hours, pickupsPerDay: body.pickupsPerDay,
                active: body.active ?? true, organisationId: existing?.organisationId)
            try await desk.saveCentre(centre, centres: centres)
            return ServiceCentreDTO(centre)
        }
        groups.staff.get("staff/pickups") { request, context in
            _ = try context.requireAccount()
            let day = request.uri.queryParameters.get("day") ?? ""
            guard let date = RFC3339.date(day + "T00:00:00Z"), date.utcDay == day else { throw DomainError.invalid(field: "day", "YYYY-MM-DD") }
            let now = clock.now()
            return ServiceCaseList(items: try await cases.pickups(day: day, centreId: request.uri.queryParameters.get("centre")).map { ServiceCaseDTO($0, now: now) })
        }
        groups.staff.get("staff/service-cases") { request, context in
            _ = try context.requireAccount()
            let status = try request.uri.queryParameters.get("status").map { value in
                guard let status = CaseStatus(rawValue: value) else { throw DomainError.invalid(field: "status", "a case status") }
                return status
            }
            var market: String?
            if let code = request.uri.queryParameters.get("market") { market = try await markets.requireMarket(code).code }
            let now = clock.now()
            return ServiceCaseList(items: try await cases.serviceCases(status: status, marketCode: market, limit: 200).map { ServiceCaseDTO($0, now: now) })
        }
        groups.staff.post("staff/service-cases/:id/events") { request, context in
            let staff = try context.requireAccount()
            let body = try await request.decodeJSON(EventBody.self, context: context)
            return ServiceCaseDTO(try await desk.apply(try Self.step(body), caseId: try context.parameters.require("id"), staff: staff), now: clock.now())
        }
        groups.staff.get("staff/markets/:code/service-rules") { _, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            return ServiceRuleList(items: try await rules.serviceRules(marketCode: market.code, includeInactive: true).map(ServiceRuleDTO.init))
        }
        groups.staff.put("staff/markets/:code/service-rules/:rule") { request, context in
            let market = try await markets.requireMarket(try context.parameters.require("code"), field: "code")
            let body = try await request.decodeJSON(RuleBody.self, context: context)
            let rule = try Self.rule(body, market: market.code, code: try context.parameters.require("rule"))
            try await rules.save(rule)
            return ServiceRuleDTO(rule)
        }
    }

    /// A staff event as typed: its name and what goes with it.
    static func step(_ body: EventBody) throws -> ServiceDesk.CaseStep {
        guard let event = CaseEvent(rawValue: body.event) else {
            throw DomainError.invalid(field: "event", "one of \(CaseEvent.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let grade = try body.grade.map { value in
            guard let grade = InspectionGrade(rawValue: value) else { throw DomainError.invalid(field: "grade", "resell, refurbish or scrap") }
            return grade
        }
        return ServiceDesk.CaseStep(
            event: event, note: body.note ?? "", grade: grade, serial: body.serial, pickupOn: body.pickupOn, centreId: body.centreId, parts: body.parts ?? [])
    }

    private func requireCentre(_ id: String) async throws -> ServiceCentre {
        guard let centre = try await centres.serviceCentre(id: id) else { throw DomainError.notFound(what: "service centre") }
        return centre
    }

    static func rule(_ body: RuleBody, market: String, code: String) throws -> ServiceRule {
        guard let remedy = Remedy(rawValue: body.remedy) else { throw DomainError.invalid(field: "remedy", "return, exchange or repair_free") }
        guard let ground = ServiceGround(rawValue: body.ground) else { throw DomainError.invalid(field: "ground", "any_reason or fault") }
        let parts = try (body.parts ?? []).map { value in
            guard let part = PartClass(rawValue: value) else { throw DomainError.invalid(field: "parts", "main_unit, battery or accessory") }
            return part
        }
        return try ServiceRule(
            marketCode: market, code: code, remedy: remedy, ground: ground, parts: parts, period: try ServicePeriod(text: body.period),
            caseDays: body.caseDays, title: body.title, active: body.active ?? true)
    }
}

