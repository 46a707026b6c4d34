import Foundation
import Hummingbird
import MilletCore

/// The partner portal (`/partner`): a partner's member signs in with their own account and sees
/// their organisation's stores, the units allocated to them, sales and sell-through; a clerk
/// records a sale at the till, a manager also sets advertised prices and runs API keys. Another
/// partner's objects are never shown; an account of no partner is refused.
struct PartnerPortalPages {
    let pages: PageKit
    let desk: PartnerDesk
    let catalog: any CatalogRepository
    let service: ServiceDesk
    let centres: any ServiceCentreRepository
    let clock: any MilletClock

    struct SaleForm: Decodable {
        let storeId, skuId, serials, unitPrice, customerEmail, customerName, idempotencyKey: String
    }

    struct PriceForm: Decodable {
        let storeId, skuId, price: String
    }

    struct SaleReturnForm: Decodable {
        let serial, reason: String
    }

    struct CaseStepForm: Decodable {
        let event: String
        let note, grade, centreId: String?
    }

    struct CentreForm: Decodable {
        let id, market, name, address, hours, pickupsPerDay: String
        /// A checkbox: present when the centre is open.
        let active: String?
    }

    struct KeyForm: Decodable {
        let name: String
        let scopes: [String]?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("partner") { request, context in
            let (member, chrome) = try await member(request, context)
            return try await portal(member, chrome: chrome, done: request.uri.queryParameters["done"].map(String.init))
        }
        groups.open.post("partner/sales") { request, context in
            let (member, chrome) = try await member(request, context)
            let typed = try await request.decodeForm(SaleForm.self, context: context)
            return try await acting(member, chrome, typed: ["storeId": typed.storeId, "skuId": typed.skuId, "serials": typed.serials,
                                                            "unitPrice": typed.unitPrice, "customerEmail": typed.customerEmail,
                                                            "customerName": typed.customerName, "idempotencyKey": typed.idempotencyKey]) {
                let store = try await desk.store(id: typed.storeId, for: member.caller)
                let market = try await pages.markets.requireMarket(store.marketCode)
                let price = try chrome.format.minorUnits(parsing: typed.unitPrice, currency: market.currency, field: "unitPrice")
                let serials = typed.serials.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
                _ = try await desk.sell(StoreSaleRequest(storeId: store.id, skuId: typed.skuId, serials: serials, unitPrice: price,
                                                         customerEmail: typed.customerEmail, customerName: typed.customerName),
                                        idempotencyKey: try Checkout.validate(idempotencyKey: typed.idempotencyKey), for: member.caller)
                return redirect("/partner?done=sale")
            }
        }
        groups.open.post("partner/prices") { request, context in
            let (member, chrome) = try await member(request, context)
            let typed = try await request.decodeForm(PriceForm.self, context: context)
            return try await acting(member, chrome, typed: [:]) {
                try member.caller.require(.salesWrite)
                guard member.role == .manager else { throw DomainError.forbidden(message: "managers set prices") }
                let store = try await desk.store(id: typed.storeId, for: member.caller)
                let market = try await pages.markets.requireMarket(store.marketCode)
                let price = try chrome.format.minorUnits(parsing: typed.price, currency: market.currency, field: "price")
                _ = try await desk.advertise(storeId: store.id, skuId: typed.skuId, price: price, for: member.caller)
                return redirect("/partner?done=price")
            }
        }
        groups.open.post("partner/sales/:id/returns") { request, context in
            let (member, chrome) = try await member(request, context)
            let typed = try await request.decodeForm(SaleReturnForm.self, context: context)
            let saleId = try context.parameters.require("id")
            return try await acting(member, chrome, typed: [:]) {
                _ = try await desk.returnSale(id: saleId, serials: [typed.serial], reason: typed.reason, for: member.caller)
                return redirect("/partner?done=sale_returned")
            }
        }
        groups.open.post("partner/service-cases/:id/events") { request, context in
            let (member, chrome) = try await member(request, context)
            let typed = try await request.decodeForm(CaseStepForm.self, context: context)
            let caseId = try context.parameters.require("id")
            return try await acting(member, chrome, typed: [:]) {
                let brand = try await desk.serviceBrand(member.caller)
                let step = try ServiceController.step(ServiceController.EventBody(
                    event: typed.event, note: typed.note, grade: typed.grade, serial: nil, pickupOn: nil, centreId: typed.centreId, parts: nil))
                _ = try await service.applyAsBrand(step, caseId: caseId, brandId: brand, actor: member.caller.keyId)
                return redirect("/partner?done=case_step#service")
            }
        }
        groups.open.post("partner/service-centres") { request, context in
            let (member, chrome) = try await member(request, context)
            let typed = try await request.decodeForm(CentreForm.self, context: context)
            return try await acting(member, chrome, typed: ["centreId": typed.id, "centreName": typed.name, "centreAddress": typed.address,
                                                            "centreHours": typed.hours, "centrePickups": typed.pickupsPerDay, "centreMarket": typed.market,
                                                            "centreClosed": typed.active == nil ? "closed" : ""]) {
                let brand = try await desk.serviceBrand(member.caller)
                let market = try await pages.markets.requireMarket(typed.market)
                guard let pickups = Int(typed.pickupsPerDay) else { throw DomainError.invalid(field: "pickupsPerDay", "a whole number from 0 to 10000") }
                try await service.saveCentre(try ServiceCentre(
                    id: typed.id, marketCode: market.code, name: typed.name, address: typed.address, hours: typed.hours, pickupsPerDay: pickups,
                    active: typed.active != nil, organisationId: brand), centres: centres)
                return redirect("/partner?done=centre#service")
            }
        }
        groups.open.post("partner/keys") { request, context in
            let (member, chrome) = try await member(request, context)
            let typed = try await request.decodeForm(KeyForm.self, context: context)
            return try await acting(member, chrome, typed: [:]) {
                guard member.role == .manager else { throw DomainError.forbidden(message: "managers run the keys") }
                let scopes = try PartnersController.scopes(typed.scopes ?? [])
                // A manager issues keys for what the portal itself does; other scopes come from the brand's staff.
                guard scopes.isSubset(of: Self.managerKeyScopes) else {
                    throw DomainError.invalid(field: "scopes", "a manager issues keys with \(Self.managerKeyScopes.map(\.rawValue).sorted().joined(separator: ", ")); ask the brand for others")
                }
                let (key, token) = try await desk.issueKey(organisationId: member.organisationId, name: typed.name, scopes: scopes)
                var response = try await portal(member, chrome: chrome, done: "key", issued: (key.name, token))
                response.headers[.cacheControl] = "no-store"
                return response
            }
        }
        groups.open.post("partner/keys/:keyId/revoke") { request, context in
            let (member, chrome) = try await member(request, context)
            let keyId = try context.parameters.require("keyId")
            return try await acting(member, chrome, typed: [:]) {
                guard member.role == .manager else { throw DomainError.forbidden(message: "managers run the keys") }
                // A manager revokes the keys a manager may issue; others are the brand's staff's to revoke.
                guard let key = try await desk.keys(organisationId: member.organisationId).first(where: { $0.id == keyId }) else {
                    throw DomainError.notFound(what: "key")
                }
                guard key.scopes.isSubset(of: Self.managerKeyScopes) else { throw DomainError.forbidden(message: "ask the brand's staff to revoke this key") }
                try await desk.revokeKey(organisationId: member.organisationId, keyId: keyId)
                return redirect("/partner?done=revoked")
            }
        }
    }

    /// The scopes a manager may give the keys they issue.
    static let managerKeyScopes: Set<PartnerScope> = [.stockRead, .salesWrite, .sellthroughWrite]

    /// The signed-in member and the page chrome; `forbidden` for an account of no partner.
    private func member(_ request: Request, _ context: MilletRequestContext) async throws -> (PartnerMember, PageChrome) {
        let account = try context.requireAccount()
        return (try await desk.membership(of: account), try await pages.chrome(request, context))
    }

    /// Runs a form's work; a refusal shows on the portal with the reason and what was typed.
    private func acting(_ member: PartnerMember, _ chrome: PageChrome, typed: [String: String], _ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch let error as DomainError {
            return try await portal(member, chrome: chrome, done: nil, typed: typed, error: error)
        }
    }

    private func portal(_ member: PartnerMember, chrome: PageChrome, done: String?, issued: (name: String, token: String)? = nil,
                        typed: [String: String] = [:], error: DomainError? = nil) async throws -> Response {
        let t = pages.strings(chrome.preferences.language), language = chrome.preferences.language
        let organisation = try await desk.organisation(id: member.organisationId)
        let stores = try await desk.stores(organisationId: organisation.id)
        let storeNames = Dictionary(uniqueKeysWithValues: stores.map { ($0.id, $0.name) })
        let storeMarkets = Dictionary(uniqueKeysWithValues: stores.map { ($0.id, $0.marketCode) })
        let skuNames = try await catalog.skuLabels(language: language, includeUnpublished: false)
        let money = { (minor: Int64, currency: String) in chrome.format.money(minor, currency: currency) }
        let allocations = try await desk.allocations(organisationId: organisation.id)
        let held = Set(allocations.filter { $0.remaining > 0 }.map(\.skuId))
        var data: [String: Any] = [
            "organisation": organisation.name, "kind": t["partner_kind_\(organisation.kind.rawValue)"] ?? organisation.kind.rawValue,
            "role": t["partner_role_\(member.role.rawValue)"] ?? member.role.rawValue, "manager": member.role == .manager,
            "stores": stores.map { ["id": $0.id, "name": $0.name, "address": "\($0.address), \($0.city)", "market": $0.marketCode, "selected": typed["storeId"] == $0.id] },
            "allocations": allocations.map { allocation -> [String: Any] in
                ["store": storeNames[allocation.storeId] ?? allocation.storeId, "sku": skuNames[allocation.skuId] ?? allocation.skuId,
                 "week": allocation.week, "units": allocation.units, "sold": allocation.sold, "remaining": allocation.remaining]
            },
            "hasAllocations": !allocations.isEmpty,
            "sellable": skuNames.filter { held.contains($0.key) }.sorted { $0.value < $1.value }
                .map { ["id": $0.key, "label": $0.value, "selected": typed["skuId"] == $0.key] },
            "sales": try await desk.storeSales(for: member.caller).prefix(50).map { sale -> [String: Any] in
                ["id": sale.id, "store": storeNames[sale.storeId] ?? sale.storeId, "sku": skuNames[sale.skuId] ?? sale.skuId,
                 "serials": sale.keptSerials.joined(separator: ", "),
                 "returned": sale.returnedSerials.joined(separator: ", "), "hasReturned": !sale.returnedSerials.isEmpty,
                 "kept": sale.keptSerials.map { ["serial": $0] }, "canReturn": !sale.keptSerials.isEmpty,
                 "price": money(sale.unitPrice, sale.currency), "at": chrome.format.dateTime(sale.soldAt)]
            },
            "prices": try await desk.advertisedPrices(for: member.caller).map { price -> [String: Any] in
                let currency = chrome.markets.first { $0.code == storeMarkets[price.storeId] }?.currency.code ?? ""
                return ["store": storeNames[price.storeId] ?? price.storeId, "sku": skuNames[price.skuId] ?? price.skuId, "price": money(price.price, currency)]
            },
            "allSkus": skuNames.sorted { $0.value < $1.value }.map { ["id": $0.key, "label": $0.value] },
            // A refused sale stored nothing: the next try is a new sale with a new key.
            "typed": typed, "idempotencyKey": Identifier.make(),
        ]
        let lines = try await desk.sellThrough(organisationId: organisation.id, days: 28).lines
        data["sellThrough"] = lines.map { line -> [String: Any] in
            ["store": storeNames[line.storeId] ?? line.storeId, "sku": skuNames[line.skuId] ?? line.skuId, "sold": line.sold, "onHand": line.onHand,
             "cover": line.weeksOfCover.map { String(format: "%.1f", $0) } ?? "—", "low": line.lowCover]
        }
        data["hasSellThrough"] = !lines.isEmpty
        if member.role == .manager {
            data["keys"] = try await desk.keys(organisationId: organisation.id).map { key -> [String: Any] in
                ["id": key.id, "name": key.name, "scopes": key.scopes.map(\.rawValue).sorted().joined(separator: " "), "active": key.revokedAt == nil]
            }
            data["scopes"] = Self.managerKeyScopes.map(\.rawValue).sorted().map { ["code": $0] }
        }
        if organisation.kind == .ecoBrand && member.caller.scopes.contains(.serviceWrite) {
            try await brandService(organisation.id, into: &data, chrome: chrome, skuNames: skuNames, typed: typed)
        }
        if let done, let said = t["partner_done_\(done)"] { data["done"] = said }
        if let issued { data["issued"] = ["name": issued.name, "token": issued.token] }
        if let error {
            // A refused centre shows its reason by the form, far down the page.
            if typed["centreId"] != nil { data["centreError"] = PageKit.refusal(error, strings: t) } else { data["error"] = PageKit.refusal(error, strings: t) }
        }
        data["hasStores"] = !stores.isEmpty
        return pages.page("partner-portal", data, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }
}

extension PartnerPortalPages {
    /// A brand's service desk: the cases about its units, a form per step it may take on a
    /// repair, and its centres with a form to open or change one.
    func brandService(_ brand: String, into data: inout [String: Any], chrome: PageChrome, skuNames: [String: String], typed: [String: String]) async throws {
        let t = pages.strings(chrome.preferences.language), language = chrome.preferences.language
        let own = try await centres.serviceCentres(organisationId: brand)
        let centreNames = Dictionary(uniqueKeysWithValues: own.map { ($0.id, $0.name) })
        let cases = try await service.brandCases(brandId: brand, status: nil)
        data["brandService"] = true
        data["serviceCases"] = cases.prefix(100).map { found -> [String: Any] in
            let steps = found.kind == .repair ? found.events.filter(ServiceDesk.brandEvents.contains) : []
            return [
                "id": found.id, "number": found.number, "kind": t["service_kind_\(found.kind.rawValue)"] ?? found.kind.rawValue,
                "units": found.lines.map { skuNames[$0.skuId] ?? $0.skuId }.joined(separator: ", ") + (found.serial.map { " · \($0)" } ?? ""),
                "market": found.marketCode, "status": t["partner_case_\(found.status.rawValue)"] ?? MessageTexts.caseStep(found.status, language: language),
                "centre": found.centreId.map { centreNames[$0] ?? $0 } ?? "—", "opened": chrome.format.dateTime(found.createdAt),
                "description": found.description, "pickupOn": found.pickupOn ?? "",
                "steps": steps.map { event -> [String: Any] in
                    ["event": event.rawValue, "label": t["event_\(event.rawValue)"] ?? event.rawValue,
                     "needsNote": event == .refuse, "needsCentre": event == .dropOff, "destructive": event.isFinal,
                     "centreChoices": own.filter { $0.active && $0.marketCode == found.marketCode }.map { ["id": $0.id, "name": $0.name] }]
                },
                "storeHandles": found.kind != .repair && !found.status.isTerminal,
            ]
        }
        data["hasServiceCases"] = !cases.isEmpty
        data["ownCentres"] = own.map { ["id": $0.id, "name": $0.name, "market": $0.marketCode, "address": $0.address, "hours": $0.hours,
                                        "pickups": $0.pickupsPerDay, "active": $0.active] }
        data["hasOwnCentres"] = !own.isEmpty
        let market = typed["centreMarket"] ?? chrome.market.code
        data["centreMarkets"] = chrome.markets.map { ["code": $0.code, "name": $0.name, "selected": $0.code == market] }
        data["centreOpen"] = typed["centreClosed"] != "closed"
    }
}
