import Foundation
import Hummingbird
import MilletCore

/// After-sales pages: a fan checks a unit's warranty, returns units of a delivered order, asks
/// for an exchange or a repair and follows each request; staff work the queue and move a case on
/// from its page. A refused form is shown again with what was typed and why.
struct AfterSalesPages {
    let pages: PageKit
    let desk: ServiceDesk
    let cases: any ServiceCaseRepository
    let centres: any ServiceCentreRepository
    let parts: any SparePartRepository
    let planDesk: PlanDesk
    let orderDesk: OrderDesk
    let orders: any OrderRepository
    let photos: ServicePhotos
    let clock: any MilletClock

    struct ServiceForm: Decodable {
        let serial: String
        let kind: String
        let part: String
        let description: String?
        let ground: String?
    }

    struct PlanForm: Decodable {
        let plan: String
    }

    struct PickupForm: Decodable {
        /// `centreId|YYYY-MM-DD`, as the slot list offers it.
        let slot: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("service") { request, context in
            let viewer = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let mine = try await cases.serviceCases(accountId: viewer.id)
            let units = try await desk.warranties(of: viewer).map { warranty -> [String: Any] in
                var unit: [String: Any] = ["serial": warranty.record.serial, "orderId": warranty.record.orderId]
                unit["start"] = warranty.start.map(chrome.format.day)
                // The longest free cover of the main unit left, if any.
                unit["freeUntil"] = warranty.covers.filter { $0.part == .mainUnit && $0.remedy == .repairFree }.compactMap(\.until).max()
                    .map { chrome.format.day($0.addingTimeInterval(-1)) }
                return unit
            }
            return pages.page("service", [
                "cases": mine.map { row($0, chrome: chrome) }, "hasCases": !mine.isEmpty, "units": units, "hasUnits": !units.isEmpty,
            ], chrome: chrome)
        }
        groups.open.get("warranty") { request, context in
            let viewer = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let serial = request.uri.queryParameters.get("serial") ?? ""
            return try await warrantyPage(serial: serial, viewer: viewer, chrome: chrome, form: [:], error: nil)
        }
        groups.open.post("service") { request, context in
            let viewer = try context.requireAccount()
            let form = try await request.decodeForm(ServiceForm.self, context: context)
            do {
                guard let kind = ServiceKind(rawValue: form.kind), let part = PartClass(rawValue: form.part),
                      let ground = ServiceGround(rawValue: form.ground ?? "fault"), ground != .anyReason
                else { throw DomainError.invalid(field: "kind", "exchange or repair of a part, for a fault or an accident") }
                let opened = try await desk.openService(
                    serial: form.serial, kind: kind, part: part, viewer: viewer, description: form.description ?? "", ground: ground)
                return redirect("/service/\(opened.id)")
            } catch let error as DomainError {
                let chrome = try await pages.chrome(request, context)
                let typed = ["kind": form.kind, "part": form.part, "description": form.description ?? "", "ground": form.ground ?? "fault"]
                return try await warrantyPage(serial: form.serial, viewer: viewer, chrome: chrome, form: typed, error: error)
            }
        }
        groups.open.post("warranty/:serial/plans") { request, context in
            let viewer = try context.requireAccount()
            let form = try await request.decodeForm(PlanForm.self, context: context)
            let bought = try await planDesk.buy(serial: try context.parameters.require("serial"), planCode: form.plan, viewer: viewer)
            // The plan's order, to pay.
            return redirect("/orders/\(bought.orderId)")
        }
        groups.open.post("service-plans/:id/cancel") { _, context in
            let viewer = try context.requireAccount()
            let cancelled = try await planDesk.cancel(planId: try context.parameters.require("id"), viewer: viewer)
            return redirect("/warranty?serial=\(cancelled.serial)")
        }
        groups.open.get("orders/:id/return") { request, context in
            let viewer = try context.requireAccount()
            let order = try await orderDesk.order(id: try context.parameters.require("id"), viewer: viewer)
            return try await returnPage(order, chrome: try await pages.chrome(request, context), form: [:], error: nil)
        }
        groups.open.post("orders/:id/return") { request, context in
            let viewer = try context.requireAccount()
            let order = try await orderDesk.order(id: try context.parameters.require("id"), viewer: viewer)
            let form = try await request.decodeForm([String: String].self, context: context)
            do {
                let lines = order.lines.compactMap { line -> CaseLine? in
                    guard let quantity = Int(form["qty-\(line.skuId)"] ?? ""), quantity > 0 else { return nil }
                    return CaseLine(skuId: line.skuId, quantity: quantity)
                }
                let ground: ServiceGround = form["reason"] == "fault" ? .fault : .anyReason
                let opened = try await desk.openReturn(orderId: order.id, viewer: viewer, lines: lines, ground: ground, description: form["description"] ?? "")
                return redirect("/service/\(opened.id)")
            } catch let error as DomainError {
                return try await returnPage(order, chrome: try await pages.chrome(request, context), form: form, error: error)
            }
        }
        groups.open.get("service/:id") { request, context in
            let viewer = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let found = try await desk.serviceCase(id: try context.parameters.require("id"), viewer: viewer)
            return pages.page("service-case", try await caseValues(found, viewer: viewer, chrome: chrome), chrome: chrome)
        }
        // The case page's script sends the chosen file as the body, as the API takes it.
        groups.open.post("service/:id/photos") { request, context in
            let viewer = try context.requireAccount()
            let caseId = try context.parameters.require("id")
            _ = try await photos.upload(request, caseId: caseId, viewer: viewer, context: context)
            return redirect("/service/\(caseId)")
        }
        groups.open.get("service/:id/photos/:n") { _, context in
            let viewer = try context.requireAccount()
            return try await photos.image(
                caseId: try context.parameters.require("id"), number: try context.parameters.require("n"), viewer: viewer, context: context)
        }
        groups.open.post("service/:id/cancel") { _, context in
            let viewer = try context.requireAccount()
            let cancelled = try await desk.cancel(caseId: try context.parameters.require("id"), viewer: viewer)
            return redirect("/service/\(cancelled.id)")
        }
        groups.open.post("service/:id/pickup") { request, context in
            let viewer = try context.requireAccount()
            let form = try await request.decodeForm(PickupForm.self, context: context)
            let parts = form.slot.split(separator: "|").map(String.init)
            guard parts.count == 2 else { throw DomainError.invalid(field: "slot", "a centre and a day") }
            let booked = try await desk.bookPickup(caseId: try context.parameters.require("id"), viewer: viewer, centreId: parts[0], day: parts[1])
            return redirect("/service/\(booked.id)")
        }
        groups.staff.get("staff/pickups") { request, context in
            _ = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let days = ServiceCentre.pickupDays(from: clock.now().addingTimeInterval(-86_400))
            let day = request.uri.queryParameters.get("day").flatMap { days.contains($0) ? $0 : nil } ?? days[0]
            var rows: [[String: Any]] = []
            for pickup in try await cases.pickups(day: day, centreId: nil) {
                guard let order = try await orders.order(id: pickup.orderId) else { continue }
                let address = order.shippingAddress
                rows.append(row(pickup, chrome: chrome).merging([
                    "centre": pickup.centreId ?? "", "name": address.name, "address": "\(address.line1), \(address.city) \(address.postcode)",
                    "phone": address.phone,
                ]) { a, _ in a })
            }
            return pages.page("staff-pickups", [
                "day": day, "days": days.map { ["day": $0, "selected": $0 == day] }, "pickups": rows, "hasPickups": !rows.isEmpty,
            ], chrome: chrome)
        }
        groups.staff.get("staff/service") { request, context in
            _ = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let t = pages.strings(chrome.preferences.language)
            let status = request.uri.queryParameters.get("status").flatMap(CaseStatus.init)
            let market = request.uri.queryParameters.get("market").flatMap { code in chrome.markets.first { $0.code == code }?.code }
            let queue = try await cases.serviceCases(status: status, marketCode: market, limit: 200)
            let now = clock.now()
            return pages.page("staff-service", [
                "cases": queue.map { row($0, chrome: chrome).merging(["attention": $0.needsAttention(now: now)]) { a, _ in a } },
                "statuses": CaseStatus.allCases.map { ["code": $0.rawValue, "label": MessageTexts.caseStep($0, language: chrome.preferences.language), "selected": $0 == status] },
                "marketChoices": chrome.markets.map { ["code": $0.code, "selected": $0.code == market] },
                "hasCases": !queue.isEmpty, "allLabel": t["service_open"] ?? "open",
            ], chrome: chrome)
        }
        groups.staff.post("staff/service/:id/events") { request, context in
            let staff = try context.requireAccount()
            // A plain form: the spare parts come as one checkbox each (`part-<code>`).
            let form = try await request.decodeForm([String: String].self, context: context)
            let caseId = try context.parameters.require("id")
            let step = try ServiceController.step(ServiceController.EventBody(
                event: form["event"] ?? "", note: form["note"], grade: PageKit.nonEmpty(form["grade"]), serial: PageKit.nonEmpty(form["serial"]),
                pickupOn: PageKit.nonEmpty(form["pickupOn"]), centreId: PageKit.nonEmpty(form["centreId"]), parts: Self.checkedParts(form)))
            _ = try await desk.apply(step, caseId: caseId, staff: staff)
            return redirect("/service/\(caseId)")
        }
        groups.staff.post("staff/service/:id/quote") { request, context in
            let staff = try context.requireAccount()
            let form = try await request.decodeForm([String: String].self, context: context)
            let caseId = try context.parameters.require("id")
            _ = try await desk.quote(caseId: caseId, parts: Self.checkedParts(form), staff: staff)
            return redirect("/service/\(caseId)")
        }
    }

    /// The price-list codes a form's checkboxes (`part-<code>`) chose.
    static func checkedParts(_ form: [String: String]) -> [String] {
        form.keys.filter { $0.hasPrefix("part-") }.map { String($0.dropFirst(5)) }.sorted()
    }

    /// A case as a row of a list.
    func row(_ c: ServiceCase, chrome: PageChrome) -> [String: Any] {
        let t = pages.strings(chrome.preferences.language)
        return ["id": c.id, "number": c.number, "kind": t["service_kind_\(c.kind.rawValue)"] ?? c.kind.rawValue, "status": c.status.rawValue,
                "statusLabel": MessageTexts.caseStep(c.status, language: chrome.preferences.language), "market": c.marketCode,
                "deadline": chrome.format.dateTime(c.deadline), "createdAt": chrome.format.dateTime(c.createdAt)]
    }

    func caseValues(_ c: ServiceCase, viewer: Account, chrome: PageChrome) async throws -> [String: Any] {
        let t = pages.strings(chrome.preferences.language)
        let order = try await orderDesk.order(id: c.orderId, viewer: viewer)
        let money = try await pages.orderFormat(order, chrome: chrome)
        var values = row(c, chrome: chrome)
        // Mustache shows a section for an empty string too: only what is there is set.
        values["serial"] = c.serial
        values["orderId"] = c.orderId
        values["orderNumber"] = order.number
        values["description"] = c.description.isEmpty ? nil : c.description
        values["rule"] = c.ruleCode
        values["ruleTitle"] = c.ruleTitle
        values["reason"] = t["reason_\(c.ground == .anyReason ? "withdrawal" : c.ground.rawValue)"] ?? ""
        values["part"] = t["part_\(c.part.rawValue)"] ?? c.part.rawValue
        values["remedy"] = t["remedy_\(c.remedy.rawValue)"] ?? c.remedy.rawValue
        values["lines"] = c.lines.map { line in
            ["quantity": line.quantity, "name": order.lines.first { $0.skuId == line.skuId }?.productName ?? line.skuId] as [String: Any]
        }
        if c.refundAmount > 0 { values["refundAmount"] = money(c.refundAmount) }
        if let refund = order.refunds.first(where: { $0.id == c.refundId }) {
            values["refund"] = ["amount": money(refund.amount), "status": t["refund_\(refund.status.rawValue)"] ?? refund.status.rawValue]
        }
        values["grade"] = c.grade.map { t["grade_\($0.rawValue)"] ?? $0.rawValue }
        values["replacementSerial"] = c.replacementSerial
        values["pickupOn"] = c.pickupOn
        let allCentres = try await centres.serviceCentres(marketCode: c.marketCode, includeInactive: false)
        values["centreName"] = allCentres.first { $0.id == c.centreId }?.name
        // A brand's unit goes to the brand's own centres.
        let marketCentres = ServiceCentre.serving(c, among: allCentres)
        if c.status.goodsWithFan {
            values["centres"] = marketCentres.map { ["name": $0.name, "address": $0.address, "hours": $0.hours] }
            values["hasCentres"] = !marketCentres.isEmpty
        }
        if c.events.contains(.schedulePickup) {
            let slots = try await desk.pickupSlots(caseId: c.id, viewer: viewer, centres: centres)
            values["slots"] = slots.map { ["value": "\($0.centre.id)|\($0.day)", "label": "\($0.day) · \($0.centre.name) (\($0.left))"] }
            values["hasSlots"] = !slots.isEmpty
        }
        values["history"] = c.history.map { step -> [String: Any] in
            var row: [String: Any] = ["at": chrome.format.dateTime(step.at), "status": MessageTexts.caseStep(step.to, language: chrome.preferences.language),
                                      "event": step.event]
            if !step.note.isEmpty { row["note"] = step.note }
            return row
        }
        if let quoteId = c.quoteOrderId, let quote = try await orders.order(id: quoteId) {
            values["quote"] = ["id": quote.id, "number": quote.number, "total": money(quote.totals.total), "pending": quote.status == .pendingPayment,
                               "status": t["status_\(quote.status.rawValue)"] ?? quote.status.rawValue] as [String: Any]
        }
        values["cancellable"] = c.status.goodsWithFan
        values["photos"] = c.photos.indices.map { ["url": "/service/\(c.id)/photos/\($0 + 1)", "n": $0 + 1] }
        values["canAddPhoto"] = !c.status.isTerminal && c.photos.count < CasePhoto.limit
        if viewer.role.isStaff {
            // A pickup is booked with the slot list above, as the fan books one.
            values["staffEvents"] = c.events.filter { ($0 != .cancel || !c.status.goodsWithFan) && $0 != .schedulePickup }.map { event -> [String: Any] in
                ["event": event.rawValue, "label": t["event_\(event.rawValue)"] ?? event.rawValue, "needsGrade": event == .inspect && c.kind != .repair,
                 "needsSerial": event == .shipBack, "needsNote": event == .refuse, "needsCentre": event == .dropOff, "needsParts": event == .repair,
                 "destructive": event.isFinal]
            }
            values["centreChoices"] = marketCentres.map { ["id": $0.id, "name": $0.name] }
            let priceList = try await parts.spareParts(marketCode: c.marketCode, includeInactive: false)
            values["priceList"] = priceList.map { ["code": $0.code, "name": $0.name, "price": money($0.price)] }
            values["quotable"] = c.remedy == .repairPaid && c.status == .inspected
            values["grades"] = InspectionGrade.allCases.map { ["code": $0.rawValue, "label": t["grade_\($0.rawValue)"] ?? $0.rawValue] }
            values["attention"] = c.needsAttention(now: clock.now())
        }
        return values
    }

    func warrantyPage(serial: String, viewer: Account, chrome: PageChrome, form: [String: String], error: DomainError?) async throws -> Response {
        let t = pages.strings(chrome.preferences.language)
        var values: [String: Any] = ["serial": serial, "typedDescription": form["description"] ?? ""]
        values["kinds"] = [ServiceKind.repair, .exchange].map { ["code": $0.rawValue, "label": t["service_kind_\($0.rawValue)"] ?? $0.rawValue, "selected": form["kind"] == $0.rawValue] }
        values["parts"] = PartClass.allCases.map { ["code": $0.rawValue, "label": t["part_\($0.rawValue)"] ?? $0.rawValue, "selected": form["part"] == $0.rawValue] }
        values["grounds"] = [ServiceGround.fault, .accident].map { ["code": $0.rawValue, "label": t["reason_\($0.rawValue)"] ?? $0.rawValue, "selected": form["ground"] == $0.rawValue] }
        if let error { values["error"] = PageKit.refusal(error, strings: t) }
        guard !serial.isEmpty else { return pages.page("warranty", values, chrome: chrome) }
        do {
            let warranty = try await desk.warranty(serial: serial, viewer: viewer)
            values["found"] = true
            values["serial"] = warranty.record.serial
            values["orderId"] = warranty.record.orderId
            values["start"] = warranty.start.map(chrome.format.day)
            values["replacedBy"] = warranty.record.replacedBy
            values["builtWith"] = warranty.record.options.map { ["name": $0.name, "label": $0.label] }
            values["hasBuiltWith"] = !warranty.record.options.isEmpty
            values["covers"] = warranty.covers.map { cover in
                ["part": t["part_\(cover.part.rawValue)"] ?? cover.part.rawValue,
                 "remedy": (t["remedy_\(cover.remedy.rawValue)"] ?? cover.remedy.rawValue) + (cover.ground == .accident ? " · " + (t["reason_accident"] ?? "") : ""),
                 "remedyCode": cover.remedy.rawValue, "until": cover.until.map { chrome.format.day($0.addingTimeInterval(-1)) } ?? (t["warranty_no_end"] ?? ""),
                 "rule": cover.ruleCode, "ruleTitle": cover.ruleTitle] as [String: Any]
            }
            values["hasCovers"] = !warranty.covers.isEmpty
            if warranty.start != nil, warranty.record.replacedBy == nil {
                let (offered, bought) = try await planDesk.plans(serial: warranty.record.serial, viewer: viewer)
                let money = try await pages.marketFormat(warranty.marketCode, chrome: chrome)
                values["offeredPlans"] = offered.map { ["code": $0.code, "name": $0.name, "price": money($0.price)] }
                values["boughtPlans"] = bought.map { plan -> [String: Any] in
                    ["id": plan.id, "name": plan.name, "status": t["plan_\(plan.status.rawValue)"] ?? plan.status.rawValue, "code": plan.status.rawValue,
                     "orderId": plan.orderId, "from": chrome.format.day(plan.startsAt), "until": chrome.format.day(plan.endsAt),
                     "cancellable": plan.status != .cancelled && clock.now() < plan.endsAt]
                }
                values["hasPlans"] = !offered.isEmpty || !bought.isEmpty
            }
            return pages.page("warranty", values, chrome: chrome, status: error == nil ? .ok : .unprocessableContent)
        } catch let lookup as DomainError {
            values["error"] = PageKit.refusal(lookup, strings: t)
            return pages.page("warranty", values, chrome: chrome, status: .notFound)
        }
    }

    func returnPage(_ order: Order, chrome: PageChrome, form: [String: String], error: DomainError?) async throws -> Response {
        let t = pages.strings(chrome.preferences.language)
        let money = try await pages.orderFormat(order, chrome: chrome)
        var values: [String: Any] = ["id": order.id, "number": order.number]
        values["description"] = form["description"]
        values["lines"] = order.lines.map { line in
            ["skuId": line.skuId, "name": line.productName, "code": line.skuCode, "unitPrice": money(line.unitPrice),
             "choices": (0...line.quantity).map { ["n": $0, "selected": String($0) == (form["qty-\(line.skuId)"] ?? (order.lines.count == 1 ? "1" : "0"))] }] as [String: Any]
        }
        values["fault"] = form["reason"] == "fault"
        if let error { values["error"] = PageKit.refusal(error, strings: t) }
        let existing = try await cases.serviceCases(accountId: order.accountId).filter { $0.orderId == order.id }
        values["cases"] = existing.map { row($0, chrome: chrome) }
        values["hasCases"] = !existing.isEmpty
        return pages.page("service-return", values, chrome: chrome, status: error == nil ? .ok : .unprocessableContent)
    }
}
