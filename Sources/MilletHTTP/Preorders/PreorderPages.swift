import Foundation
import Hummingbird
import MilletCore

/// Build to order on the site: a fan pre-orders a unit of a SKU in its next batch and pays the
/// deposit; their pre-orders show batch, window and status with a one-click cancel; staff open
/// batches, size them from the demand, slip and pack them.
struct PreorderPages {
    let pages: PageKit
    let desk: PreorderDesk
    let catalog: any CatalogRepository
    let inventory: any InventoryRepository
    let pricing: PricingPolicy
    let clock: any MilletClock

    struct PreorderForm: Decodable {
        let skuId, idempotencyKey, name, line1, city, postcode, phone: String
        /// `options[back-cover]=walnut`: option code to choice code or text.
        let options: [String: String]?
    }

    struct WaitlistForm: Decodable {
        let skuId: String
    }

    struct BatchForm: Decodable {
        let skuId, market, units, shipFrom, shipTo: String
        let deposit, goal, fundingEnds: String?
    }

    struct SlipForm: Decodable {
        let shipFrom, shipTo: String
    }

    struct PackForm: Decodable {
        let warehouseId: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("preorders/new") { request, context in
            let chrome = try await pages.chrome(request, context)
            return try await form(skuId: request.uri.queryParameters["sku"].map(String.init) ?? "", chrome: chrome, typed: nil, error: nil,
                                  signedIn: context.account != nil, accountId: context.account?.id)
        }
        groups.open.post("preorders") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let typed = try await request.decodeForm(PreorderForm.self, context: context)
            // The options are checked first, so a refusal is said in the fan's words beside the option.
            if let sku = try await catalog.sku(id: typed.skuId) {
                do {
                    _ = try await catalog.options(productId: sku.productId).choose(typed.options ?? [:], marketCode: chrome.market.code, language: "en")
                } catch let refusal as OptionRefusal {
                    return try await form(skuId: typed.skuId, chrome: chrome, typed: typed, error: refusal.domainError, signedIn: true, accountId: account.id,
                                          refusal: refusal)
                }
            }
            do {
                let address = try ShippingAddress(name: typed.name, line1: typed.line1, city: typed.city, postcode: typed.postcode, phone: typed.phone)
                let key = try Checkout.validate(idempotencyKey: typed.idempotencyKey)
                let (preorder, _) = try await desk.preorder(skuId: typed.skuId, marketCode: chrome.market.code, by: account.id, address: address,
                                                           idempotencyKey: key, options: typed.options ?? [:])
                // The deposit is paid like any order.
                return redirect("/orders/\(preorder.depositOrderId)")
            } catch let error as DomainError {
                return try await form(skuId: typed.skuId, chrome: chrome, typed: typed, error: error, signedIn: true, accountId: account.id)
            }
        }
        groups.open.post("waitlist") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let typed = try await request.decodeForm(WaitlistForm.self, context: context)
            do {
                _ = try await desk.joinWaitlist(skuId: typed.skuId, marketCode: chrome.market.code, by: account.id)
                return redirect("/preorders/new?sku=\(typed.skuId)")
            } catch let error as DomainError {
                return try await form(skuId: typed.skuId, chrome: chrome, typed: nil, error: error, signedIn: true, accountId: account.id)
            }
        }
        groups.open.post("waitlist/leave") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let typed = try await request.decodeForm(WaitlistForm.self, context: context)
            try? await desk.leaveWaitlist(skuId: typed.skuId, marketCode: chrome.market.code, by: account.id)
            return redirect("/preorders/new?sku=\(typed.skuId)")
        }
        groups.open.get("preorders") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            var rows: [[String: Any]] = []
            for (preorder, batch) in try await desk.preorders(of: account.id) { rows.append(try await values(preorder, batch, chrome: chrome)) }
            return pages.page("preorders", ["preorders": rows, "empty": rows.isEmpty], chrome: chrome)
        }
        groups.open.get("preorders/:id") { request, context in
            try await detail(try context.parameters.require("id"), viewer: try context.requireAccount(), chrome: try await pages.chrome(request, context), error: nil)
        }
        groups.open.post("preorders/:id/cancel") { request, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            do {
                _ = try await desk.cancel(preorderId: id, by: account)
                return redirect("/preorders/\(id)")
            } catch let error as DomainError {
                return try await detail(id, viewer: account, chrome: try await pages.chrome(request, context), error: error)
            }
        }
        groups.staff.get("staff/batches/:id/build-list") { request, context in
            let chrome = try await pages.chrome(request, context)
            let list = try await desk.buildList(batchId: try context.parameters.require("id"))
            var values = batchValues(list.batch, chrome: chrome)
            if let sku = try await catalog.sku(id: list.batch.skuId) { values["sku"] = sku.code }
            // Named in the batch's market language, as its orders are; the codes are what the line reads.
            values["unitRows"] = list.units.enumerated().map { index, unit -> [String: Any] in
                ["position": index + 1, "id": unit.id, "status": unit.status.rawValue,
                 "statusLabel": pages.strings(chrome.preferences.language)["preorder_status_\(unit.status.rawValue)"] ?? unit.status.rawValue,
                 "options": unit.options.map { ["name": $0.name, "label": $0.label, "code": "\($0.option)=\($0.value)"] }, "standard": unit.options.isEmpty,
                 "balanceOrderId": unit.balanceOrderId ?? ""]
            }
            values["parts"] = list.parts.map { part -> [String: Any] in
                ["name": part.name, "label": part.label, "units": part.units, "code": part.value.isEmpty ? part.option : "\(part.option)=\(part.value)"]
            }
            values["hasParts"] = !list.parts.isEmpty
            values["empty"] = list.units.isEmpty
            return pages.page("staff-build-list", ["list": values], chrome: chrome)
        }
        groups.staff.get("staff/batches") { request, context in
            try await console(try await pages.chrome(request, context), typed: [:], error: nil)
        }
        groups.staff.post("staff/batches") { request, context in
            let chrome = try await pages.chrome(request, context)
            let typed = try await request.decodeForm(BatchForm.self, context: context)
            do {
                let market = try await pages.markets.requireMarket(typed.market)
                let units = try PageKit.wholeNumber(typed.units, field: "units", "must be a whole number from 1 to 100000")
                let deposit = try PageKit.nonEmpty(typed.deposit).map { try chrome.format.minorUnits(parsing: $0, currency: market.currency, field: "deposit") }
                let (from, to) = try PreordersController.window(typed.shipFrom, typed.shipTo)
                let goal = try PageKit.nonEmpty(typed.goal).map { try PageKit.wholeNumber($0, field: "goal") }
                var ends: Date?
                if let text = PageKit.nonEmpty(typed.fundingEnds) { ends = try PreordersController.date(text, field: "fundingEnds") }
                _ = try await desk.open(BatchPlan(skuId: typed.skuId, marketCode: market.code, units: units, shipFrom: from, shipTo: to, deposit: deposit,
                                                  goal: goal, fundingEnds: ends))
                return redirect("/staff/batches")
            } catch let error as DomainError {
                let kept = ["skuId": typed.skuId, "market": typed.market, "units": typed.units, "shipFrom": typed.shipFrom, "shipTo": typed.shipTo,
                            "deposit": typed.deposit ?? "", "goal": typed.goal ?? "", "fundingEnds": typed.fundingEnds ?? ""]
                return try await console(chrome, typed: kept, error: error)
            }
        }
        groups.staff.post("staff/batches/:id/slip") { request, context in
            let chrome = try await pages.chrome(request, context)
            let typed = try await request.decodeForm(SlipForm.self, context: context)
            do {
                let (from, to) = try PreordersController.window(typed.shipFrom, typed.shipTo)
                _ = try await desk.slip(batchId: try context.parameters.require("id"), shipFrom: from, shipTo: to)
                return redirect("/staff/batches")
            } catch let error as DomainError {
                return try await console(chrome, typed: [:], error: error)
            }
        }
        groups.staff.post("staff/batches/:id/pack") { request, context in
            let staff = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let typed = try await request.decodeForm(PackForm.self, context: context)
            do {
                _ = try await desk.pack(batchId: try context.parameters.require("id"), warehouseId: typed.warehouseId, by: staff)
                return redirect("/staff/batches")
            } catch let error as DomainError {
                return try await console(chrome, typed: [:], error: error)
            }
        }
    }

    /// The pre-order form of a SKU: its next batch with a place, what is paid now and later.
    private func form(skuId: String, chrome: PageChrome, typed: PreorderForm?, error: DomainError?, signedIn: Bool, accountId: String?,
                      refusal: OptionRefusal? = nil) async throws -> Response {
        let t = pages.strings(chrome.preferences.language)
        guard Identifier.isWellFormed(skuId), let sku = try await catalog.sku(id: skuId), let product = try await catalog.product(id: sku.productId) else {
            throw DomainError.notFound(what: "SKU")
        }
        let batch = try await desk.batches(skuIds: [skuId], marketCode: chrome.market.code, openOnly: true).first { $0.free > 0 }
        var data: [String: Any] = [
            "skuId": skuId, "product": product.text(in: chrome.preferences.language).name, "slug": product.slug,
            "variant": "\(t["colour_\(sku.colour)"] ?? sku.colour) · \(sku.storage)", "signedIn": signedIn,
            "idempotencyKey": typed?.idempotencyKey ?? Identifier.make(),
        ]
        if batch == nil, let accountId {
            // No place: the fan may wait for the next batch, and is counted in its demand.
            data["waiting"] = try await desk.waitlist(of: accountId).contains { $0.skuId == skuId && $0.marketCode == chrome.market.code && $0.toldAt == nil }
        }
        let definition = try await catalog.options(productId: product.id)
        let said = refusal.map { Self.wording(of: $0, definition: definition, t: t, language: chrome.preferences.language) }
        if let batch {
            var values = batchValues(batch, chrome: chrome)
            values["configurator"] = ConfiguratorValues(options: definition.offered(in: chrome.market.code), selection: typed?.options ?? [:], chrome: chrome,
                                                        pricing: pricing, standardSwatch: ConfiguratorValues.swatch(ofColour: sku.colour),
                                                        refusal: refusal.flatMap { refusal in said.map { (refusal.option, $0) } }).values(batch: batch)
            data["batch"] = values
        }
        if let typed { data["typed"] = ["name": typed.name, "line1": typed.line1, "city": typed.city, "postcode": typed.postcode, "phone": typed.phone] }
        if let error { data["error"] = said.map { ["text": $0, "detail": ""] } ?? Self.refusal(error, t) }
        return pages.page("preorder-new", data, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }

    private func detail(_ id: String, viewer: Account, chrome: PageChrome, error: DomainError?) async throws -> Response {
        let (preorder, batch) = try await desk.preorder(id: id, viewer: viewer)
        var data = try await values(preorder, batch, chrome: chrome)
        if let error { data["error"] = Self.refusal(error, pages.strings(chrome.preferences.language)) }
        return pages.page("preorder", ["preorder": data], chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }

    /// An option refused, in the reader's words: "Engraving: the word “sample” cannot be engraved".
    static func wording(of refusal: OptionRefusal, definition: ProductOptions, t: [String: String], language: String) -> String {
        let name = definition.options.first { $0.code == refusal.option }?.name(in: language) ?? refusal.option
        let reason = (t["option_refused_\(refusal.reason.rawValue)"] ?? refusal.message).replacingOccurrences(of: "{detail}", with: refusal.detail)
        return "\(name): \(reason)"
    }

    /// A refusal in the reader's words: a translated code needs no English detail after it.
    static func refusal(_ error: DomainError, _ t: [String: String]) -> [String: String] {
        var refusal = PageKit.refusal(error, strings: t)
        if case .conflict(let code, _) = error, t["error_\(code)"] != nil { refusal["detail"] = "" }
        return refusal
    }

    private func values(_ preorder: Preorder, _ batch: ProductionBatch, chrome: PageChrome) async throws -> [String: Any] {
        let t = pages.strings(chrome.preferences.language)
        var values = batchValues(batch, chrome: chrome)
        if let sku = try await catalog.sku(id: batch.skuId), let product = try await catalog.product(id: sku.productId) {
            values["product"] = "\(product.text(in: chrome.preferences.language).name) · \(t["colour_\(sku.colour)"] ?? sku.colour) · \(sku.storage)"
        }
        values["id"] = preorder.id
        values["options"] = try await optionWording(preorder, batch: batch, language: chrome.preferences.language)
        values["price"] = chrome.format.money(preorder.unitPrice(in: batch), currency: batch.currency)
        values["balance"] = chrome.format.money(preorder.balance(in: batch), currency: batch.currency)
        values["status"] = preorder.status.rawValue
        values["statusLabel"] = t["preorder_status_\(preorder.status.rawValue)"] ?? preorder.status.rawValue
        values["depositOrderId"] = preorder.depositOrderId
        values["balanceOrderId"] = preorder.balanceOrderId
        values["cancellable"] = preorder.status.holdsPlace
        values["awaitingDeposit"] = preorder.status == .awaitingDeposit
        values["placedAt"] = chrome.format.dateTime(preorder.createdAt)
        return values
    }

    /// A pre-order's options named in the reader's language where the product still has them.
    private func optionWording(_ preorder: Preorder, batch: ProductionBatch, language: String) async throws -> [[String: String]] {
        guard !preorder.options.isEmpty, let sku = try await catalog.sku(id: batch.skuId) else { return [] }
        let definition = try await catalog.options(productId: sku.productId)
        return preorder.options.map { chosen in
            let (name, label) = definition.wording(of: chosen, in: language)
            return ["name": name, "label": label]
        }
    }

    private func batchValues(_ batch: ProductionBatch, chrome: PageChrome) -> [String: Any] {
        let money = { (minor: Int64) in chrome.format.money(minor, currency: batch.currency) }
        var values: [String: Any] = [
            "batchId": batch.id, "number": batch.number, "window": "\(chrome.format.day(batch.shipFrom)) – \(chrome.format.day(batch.shipTo))",
            "price": money(batch.price), "deposit": money(batch.deposit), "balance": money(batch.price - batch.deposit),
            "fullPayment": batch.isFullPayment, "units": batch.units, "reserved": batch.reserved, "free": batch.free, "slips": batch.slips,
            "slipped": batch.slips > 0, "packed": batch.status == .packed, "market": batch.marketCode,
            "failed": batch.status == .failed, "closed": batch.status != .open,
        ]
        if let goal = batch.goal {
            values["campaign"] = ["goal": goal, "ends": batch.fundingEnds.map(chrome.format.dateTime) ?? "", "funded": batch.fundedAt != nil,
                                  "percent": min(100, batch.reserved * 100 / max(1, goal))] as [String: Any]
        }
        return values
    }

    /// The staff console: open a batch, every batch with its places taken (the demand it met),
    /// slip and pack forms, and the pre-orders of the last 30 days by day.
    private func console(_ chrome: PageChrome, typed: [String: String], error: DomainError?) async throws -> Response {
        let t = pages.strings(chrome.preferences.language), language = chrome.preferences.language
        var skus: [[String: Any]] = [], names: [String: String] = [:]
        for product in try await catalog.products(includeUnpublished: true, offset: 0, limit: 200) {
            for sku in product.skus {
                let label = "\(product.text(in: language).name) · \(sku.code)"
                names[sku.id] = label
                skus.append(["id": sku.id, "label": label, "selected": sku.id == typed["skuId"]])
            }
        }
        let market = typed["market"] ?? chrome.preferences.marketCode
        var rows: [[String: Any]] = []
        for batch in try await desk.batches(openOnly: false) {
            var row = batchValues(batch, chrome: chrome)
            row["sku"] = names[batch.skuId] ?? batch.skuId
            row["warehouses"] = try await inventory.warehouses(marketCode: batch.marketCode).map { ["id": $0.id, "name": $0.name] }
            rows.append(row)
        }
        let now = clock.now()
        let demand = try await desk.demand(since: now.addingTimeInterval(-30 * 86_400))
        var data: [String: Any] = [
            "typed": typed, "batchSkus": skus, "batches": rows,
            "batchMarkets": chrome.markets.map { ["code": $0.code, "name": $0.name, "selected": $0.code == market] },
            "demandChart": DemandChart(days: 30, until: now, counts: demand.map { ($0.day, $0.preorders, $0.waiting) })
                .svg(label: t["preorder_demand_chart"] ?? "", waitingLabel: t["preorder_waiting_label"] ?? ""),
            "demand": Dictionary(grouping: demand) { "\($0.skuId) \($0.marketCode)" }.map { _, days in
                ["sku": names[days[0].skuId] ?? days[0].skuId, "market": days[0].marketCode, "preorders": days.reduce(0) { $0 + $1.preorders },
                 "waiting": days.reduce(0) { $0 + $1.waiting }] as [String: Any]
            }.sorted { ($0["preorders"] as! Int) + ($0["waiting"] as! Int) > ($1["preorders"] as! Int) + ($1["waiting"] as! Int) },
        ]
        if let error { data["error"] = Self.refusal(error, t) }
        return pages.page("staff-batches", data, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }
}

/// Counts per day as an SVG bar chart, the last `days` days up to `until`: pre-orders with the
/// fans who joined the waiting list stacked on top in a second colour (and a legend for them),
/// or units sold at partners' stores.
struct DemandChart {
    let days: Int
    let until: Date
    let counts: [(day: String, preorders: Int, waiting: Int)]

    func svg(label: String, waitingLabel: String, id: String = "demand-chart") -> String {
        var perDay: [String: (Int, Int)] = [:]
        for (day, placed, waiting) in counts { perDay[day, default: (0, 0)].0 += placed; perDay[day, default: (0, 0)].1 += waiting }
        let dayList = (0..<days).reversed().map { MessageCourier.day(until.addingTimeInterval(-Double($0) * 86_400)) }
        let most = max(1, dayList.map { (perDay[$0]?.0 ?? 0) + (perDay[$0]?.1 ?? 0) }.max() ?? 1)
        let width = 20 * days + 40, height = 140
        let escape = { (text: String) in text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;") }
        var bars = ""
        let legend = "<rect x=\"\(width / 2 - 60)\" y=\"121\" width=\"10\" height=\"10\" fill=\"#64748b\"/><text x=\"\(width / 2 - 46)\" y=\"130\" font-size=\"11\">\(escape(waitingLabel))</text>"
        for (index, day) in dayList.enumerated() {
            let (placed, waiting) = perDay[day] ?? (0, 0)
            let placedHeight = placed * 100 / most, waitingHeight = waiting * 100 / most
            bars += "<rect x=\"\(30 + index * 20)\" y=\"\(110 - placedHeight)\" width=\"14\" height=\"\(placedHeight)\" fill=\"#c2410c\"><title>\(day): \(placed)</title></rect>"
            if waiting > 0 {
                bars += "<rect x=\"\(30 + index * 20)\" y=\"\(110 - placedHeight - waitingHeight)\" width=\"14\" height=\"\(waitingHeight)\" fill=\"#64748b\" class=\"waiting\"><title>\(day): \(escape(waitingLabel)) \(waiting)</title></rect>"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" id="\(id)" role="img" aria-label="\(escape(label))" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)">\
            <text x="0" y="12" font-size="11">\(most)</text><line x1="28" y1="110" x2="\(width)" y2="110" stroke="#999"/>\(bars)\
            <text x="30" y="130" font-size="11">\(dayList.first ?? "")</text><text x="\(width - 70)" y="130" font-size="11">\(dayList.last ?? "")</text>\
            \(counts.contains { $0.waiting > 0 } ? legend : "")</svg>
            """
    }
}
