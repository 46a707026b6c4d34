import Foundation
import Hummingbird
import MilletCore

/// The staff console for partners: organisations, their stores, keys (a new key's token shown on
/// the page that issued it, once) and the units allocated to their stores.
struct PartnerPages {
    let pages: PageKit
    let desk: PartnerDesk
    let catalog: any CatalogRepository
    let inventory: any InventoryRepository
    let clock: any MilletClock

    struct OrganisationForm: Decodable {
        let name, kind: String
    }

    struct StoreForm: Decodable {
        let name, address, city, phone, market: String
    }

    struct KeyForm: Decodable {
        let name: String
        let scopes: [String]?
    }

    struct AllocationForm: Decodable {
        let storeId, skuId, week, warehouseId, units: String
    }

    struct ReturnForm: Decodable {
        let units: String
    }

    struct MemberForm: Decodable {
        let email, role: String
    }

    struct CommissionForm: Decodable {
        let percent: String
    }

    struct DecisionForm: Decodable {
        let decision: String
        let note: String?
    }

    struct MinimumForm: Decodable {
        let skuId, market, price, startsAt: String
        let endsAt: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/partners") { request, context in
            try await list(try await pages.chrome(request, context), typed: [:], error: nil)
        }
        groups.staff.post("staff/partners") { request, context in
            let chrome = try await pages.chrome(request, context)
            let typed = try await request.decodeForm(OrganisationForm.self, context: context)
            do {
                guard let kind = PartnerKind(rawValue: typed.kind) else { throw DomainError.invalid(field: "kind", "choose a kind") }
                let organisation = try await desk.createOrganisation(name: typed.name, kind: kind)
                return redirect("/staff/partners/\(organisation.id)")
            } catch let error as DomainError {
                return try await list(chrome, typed: ["name": typed.name, "kind": typed.kind], error: error)
            }
        }
        groups.staff.post("staff/minimum-prices") { request, context in
            let chrome = try await pages.chrome(request, context)
            let typed = try await request.decodeForm(MinimumForm.self, context: context)
            do {
                let market = try await pages.markets.requireMarket(typed.market)
                let price = try chrome.format.minorUnits(parsing: typed.price, currency: market.currency, field: "price")
                let ends = try PageKit.nonEmpty(typed.endsAt).map { try PreordersController.date($0, field: "endsAt") }
                _ = try await desk.setMinimumPrice(skuId: typed.skuId, marketCode: market.code, price: price,
                                                   startsAt: try PreordersController.date(typed.startsAt, field: "startsAt"), endsAt: ends)
                return redirect("/staff/partners")
            } catch let error as DomainError {
                return try await list(chrome, typed: [:], error: error)
            }
        }
        groups.staff.post("staff/minimum-prices/:id/end") { request, context in
            do {
                _ = try await desk.endMinimumPrice(id: try context.parameters.require("id"))
                return redirect("/staff/partners")
            } catch let error as DomainError {
                return try await list(try await pages.chrome(request, context), typed: [:], error: error)
            }
        }
        groups.staff.post("staff/partners/:id/commission") { request, context in
            let id = try context.parameters.require("id")
            let typed = try await request.decodeForm(CommissionForm.self, context: context)
            return try await acting(id, request, context) {
                // Typed as a percent with up to two decimals: 12.5 is 1250 basis points.
                let basisPoints = try Currency.named("EUR").minorUnits(parsing: typed.percent, field: "percent")
                _ = try await desk.setCommission(organisationId: id, basisPoints: Int(basisPoints))
                return redirect("/staff/partners/\(id)?done=commission")
            }
        }
        groups.staff.post("staff/product-reviews/:productId") { request, context in
            let chrome = try await pages.chrome(request, context)
            let typed = try await request.decodeForm(DecisionForm.self, context: context)
            do {
                _ = try await desk.decide(productId: try context.parameters.require("productId"), approve: typed.decision == "approve", note: typed.note ?? "")
                return redirect("/staff/partners")
            } catch let error as DomainError {
                return try await list(chrome, typed: [:], error: error)
            }
        }
        groups.staff.get("staff/partners/:id") { request, context in
            try await detail(try context.parameters.require("id"), chrome: try await pages.chrome(request, context), done: request.uri.queryParameters["done"].map(String.init))
        }
        groups.staff.post("staff/partners/:id/stores") { request, context in
            let id = try context.parameters.require("id")
            let typed = try await request.decodeForm(StoreForm.self, context: context)
            return try await acting(id, request, context) {
                _ = try await desk.addStore(organisationId: id, name: typed.name, address: typed.address, city: typed.city, phone: typed.phone, marketCode: typed.market)
                return redirect("/staff/partners/\(id)?done=store")
            }
        }
        groups.staff.post("staff/partners/:id/keys") { request, context in
            let id = try context.parameters.require("id")
            let typed = try await request.decodeForm(KeyForm.self, context: context)
            return try await acting(id, request, context) {
                let (key, token) = try await desk.issueKey(organisationId: id, name: typed.name, scopes: try PartnersController.scopes(typed.scopes ?? []))
                // The token is shown on this answer only.
                var response = try await detail(id, chrome: try await pages.chrome(request, context), done: "key", issued: (key.name, token))
                response.headers[.cacheControl] = "no-store"
                return response
            }
        }
        groups.staff.post("staff/partners/:id/keys/:keyId/revoke") { request, context in
            let id = try context.parameters.require("id"), keyId = try context.parameters.require("keyId")
            return try await acting(id, request, context) {
                try await desk.revokeKey(organisationId: id, keyId: keyId)
                return redirect("/staff/partners/\(id)?done=revoked")
            }
        }
        groups.staff.post("staff/partners/:id/members") { request, context in
            let id = try context.parameters.require("id")
            let typed = try await request.decodeForm(MemberForm.self, context: context)
            return try await acting(id, request, context) {
                guard let role = PartnerMember.Role(rawValue: typed.role) else { throw DomainError.invalid(field: "role", "manager or clerk") }
                _ = try await desk.addMember(organisationId: id, email: typed.email, role: role)
                return redirect("/staff/partners/\(id)?done=member")
            }
        }
        groups.staff.post("staff/partners/:id/members/:accountId/remove") { request, context in
            let id = try context.parameters.require("id"), accountId = try context.parameters.require("accountId")
            return try await acting(id, request, context) {
                try await desk.removeMember(organisationId: id, accountId: accountId)
                return redirect("/staff/partners/\(id)?done=member_removed")
            }
        }
        groups.staff.post("staff/partners/:id/allocations") { request, context in
            let staff = try context.requireAccount()
            let id = try context.parameters.require("id")
            let typed = try await request.decodeForm(AllocationForm.self, context: context)
            return try await acting(id, request, context) {
                guard let units = Int64(typed.units.trimmingCharacters(in: .whitespaces)) else { throw DomainError.invalid(field: "units", "a whole number from 1 to 100000") }
                let store = try await desk.store(id: typed.storeId, for: PartnerCaller(keyId: "", organisationId: id, scopes: []))
                _ = try await desk.allocate(storeId: store.id, skuId: typed.skuId, week: typed.week, warehouseId: typed.warehouseId, units: units, by: staff)
                return redirect("/staff/partners/\(id)?done=allocated")
            }
        }
        groups.staff.post("staff/partners/:id/allocations/:allocationId/return") { request, context in
            let staff = try context.requireAccount()
            let id = try context.parameters.require("id"), allocationId = try context.parameters.require("allocationId")
            let typed = try await request.decodeForm(ReturnForm.self, context: context)
            return try await acting(id, request, context) {
                guard let units = Int64(typed.units.trimmingCharacters(in: .whitespaces)) else { throw DomainError.invalid(field: "units", "a whole number from 1 to 100000") }
                _ = try await desk.allocation(id: allocationId, for: PartnerCaller(keyId: "", organisationId: id, scopes: []))
                _ = try await desk.returnUnits(allocationId: allocationId, units: units, by: staff)
                return redirect("/staff/partners/\(id)?done=returned")
            }
        }
    }

    /// Runs a form's work on the organisation's page: a refusal shows on that page, with the reason.
    private func acting(_ id: String, _ request: Request, _ context: MilletRequestContext, _ work: () async throws -> Response) async throws -> Response {
        do {
            return try await work()
        } catch let error as DomainError {
            return try await detail(id, chrome: try await pages.chrome(request, context), done: nil, error: error)
        }
    }

    private func list(_ chrome: PageChrome, typed: [String: String], error: DomainError?) async throws -> Response {
        let t = pages.strings(chrome.preferences.language)
        let rows = try await desk.organisations().map { organisation -> [String: Any] in
            ["id": organisation.id, "name": organisation.name, "kind": t["partner_kind_\(organisation.kind.rawValue)"] ?? organisation.kind.rawValue]
        }
        let names = try await skuNames(language: chrome.preferences.language)
        let money = { (minor: Int64, marketCode: String) in
            let market = chrome.markets.first { $0.code == marketCode }
            return chrome.format.money(minor, currency: market?.currency.code ?? "", minorDigits: market?.currency.minorDigits ?? 2)
        }
        let minimums = try await desk.minimumPrices().map { minimum -> [String: Any] in
            ["sku": names[minimum.skuId] ?? minimum.skuId, "market": minimum.marketCode, "price": money(minimum.price, minimum.marketCode),
             "id": minimum.id, "from": chrome.format.day(minimum.startsAt), "until": minimum.endsAt.map(chrome.format.day) ?? "—",
             "inForce": minimum.applies(at: clock.now())]
        }
        var stores: [String: PartnerStore] = [:], organisations: [String: String] = [:]
        let refusals = try await desk.priceRefusals(organisationId: nil).prefix(50)
        for refusal in refusals where stores[refusal.storeId] == nil {
            if let store = try await partnerStore(refusal.storeId) { stores[store.id] = store }
            organisations[refusal.organisationId] = try? await desk.organisation(id: refusal.organisationId).name
        }
        var waiting: [[String: Any]] = []
        for (product, review) in try await desk.waitingReviews() {
            waiting.append(["id": product.id, "name": product.text(in: chrome.preferences.language).name, "slug": product.slug,
                            "brand": try await desk.organisation(id: review.organisationId).name, "skus": product.skus.map(\.code).joined(separator: ", "),
                            "submitted": chrome.format.dateTime(review.submittedAt)])
        }
        let running = try await desk.sellThrough(organisationId: nil, days: 28).lines.filter(\.lowCover)
        var lowStores: [[String: Any]] = []
        for line in running {
            let store = try? await partnerStore(line.storeId)
            lowStores.append(["partnerId": store?.organisationId ?? "", "store": store?.name ?? line.storeId, "sku": names[line.skuId] ?? line.skuId,
                              "cover": line.weeksOfCover.map { String(format: "%.1f", $0) } ?? "—", "onHand": line.onHand])
        }
        var data: [String: Any] = [
            "reviews": waiting, "hasReviews": !waiting.isEmpty,
            "lowCover": lowStores, "hasLowCover": !lowStores.isEmpty,
            "minimums": minimums, "hasMinimums": !minimums.isEmpty,
            "refusals": refusals.map { refusal -> [String: Any] in
                let market = stores[refusal.storeId]?.marketCode ?? ""
                return ["partner": organisations[refusal.organisationId] ?? "", "store": stores[refusal.storeId]?.name ?? refusal.storeId,
                        "sku": names[refusal.skuId] ?? refusal.skuId, "price": money(refusal.price, market), "minimum": money(refusal.minimum, market),
                        "context": t["partner_refused_\(refusal.context.rawValue)"] ?? refusal.context.rawValue, "at": chrome.format.dateTime(refusal.at)]
            },
            "hasRefusals": !refusals.isEmpty,
            "skus": names.sorted { $0.value < $1.value }.map { ["id": $0.key, "label": $0.value] },
            "markets": chrome.markets.map { ["code": $0.code, "name": $0.name] }, "today": MessageCourier.day(clock.now()),
            "organisations": rows, "empty": rows.isEmpty, "typed": typed,
            "kinds": PartnerKind.allCases.map { ["code": $0.rawValue, "label": t["partner_kind_\($0.rawValue)"] ?? $0.rawValue, "selected": typed["kind"] == $0.rawValue] },
        ]
        if let error { data["error"] = PageKit.refusal(error, strings: t) }
        return pages.page("staff-partners", data, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }

    /// A store of any partner, for staff.
    private func partnerStore(_ id: String) async throws -> PartnerStore? {
        try await desk.allStores(id: id)
    }

    private func skuNames(language: String) async throws -> [String: String] {
        try await catalog.skuLabels(language: language, includeUnpublished: true)
    }

    private func detail(_ id: String, chrome: PageChrome, done: String?, issued: (name: String, token: String)? = nil,
                        error: DomainError? = nil) async throws -> Response {
        let t = pages.strings(chrome.preferences.language), language = chrome.preferences.language
        let organisation = try await desk.organisation(id: id)
        let stores = try await desk.stores(organisationId: id)
        let skuNames = try await skuNames(language: language)
        let skus = skuNames.sorted { $0.value < $1.value }.map { ["id": $0.key, "label": $0.value] }
        let markets = Set(stores.map(\.marketCode))
        var warehouses: [[String: Any]] = [], warehouseNames: [String: String] = [:]
        for warehouse in try await inventory.warehouses(marketCode: nil) where markets.contains(warehouse.marketCode) {
            warehouseNames[warehouse.id] = "\(warehouse.marketCode) · \(warehouse.name)"
            warehouses.append(["id": warehouse.id, "label": warehouseNames[warehouse.id]!])
        }
        let storeNames = Dictionary(uniqueKeysWithValues: stores.map { ($0.id, "\($0.name) (\($0.marketCode))") })
        var data: [String: Any] = [
            "id": organisation.id, "partnerId": organisation.id, "name": organisation.name, "kind": t["partner_kind_\(organisation.kind.rawValue)"] ?? organisation.kind.rawValue,
            "stores": stores.map { ["id": $0.id, "name": $0.name, "address": $0.address, "city": $0.city, "phone": $0.phone, "market": $0.marketCode] },
            "hasStores": !stores.isEmpty,
            "keys": try await desk.keys(organisationId: id).map { key -> [String: Any] in
                ["id": key.id, "name": key.name, "scopes": key.scopes.map(\.rawValue).sorted().joined(separator: " "), "created": chrome.format.dateTime(key.createdAt),
                 "revoked": key.revokedAt.map(chrome.format.dateTime) ?? "", "active": key.revokedAt == nil]
            },
            "scopes": PartnerScope.allCases.map { ["code": $0.rawValue] },
            "members": try await desk.members(organisationId: id).map { member, account -> [String: Any] in
                ["accountId": account.id, "email": account.email, "name": account.displayName,
                 "role": t["partner_role_\(member.role.rawValue)"] ?? member.role.rawValue]
            },
            "roles": PartnerMember.Role.allCases.map { ["code": $0.rawValue, "label": t["partner_role_\($0.rawValue)"] ?? $0.rawValue] },
            "allocations": try await desk.allocations(organisationId: id).map { allocation -> [String: Any] in
                ["id": allocation.id, "store": storeNames[allocation.storeId] ?? allocation.storeId, "sku": skuNames[allocation.skuId] ?? allocation.skuId,
                 "week": allocation.week, "warehouse": warehouseNames[allocation.warehouseId] ?? allocation.warehouseId, "units": allocation.units,
                 "sold": allocation.sold, "returned": allocation.returned, "remaining": allocation.remaining, "hasRemaining": allocation.remaining > 0]
            },
            "skus": skus, "warehouses": warehouses, "week": Allocation.week(of: clock.now()),
            "markets": chrome.markets.map { ["code": $0.code, "name": $0.name] },
        ]
        let (lines, daily) = try await desk.sellThrough(organisationId: id, days: 28)
        data["sellThrough"] = lines.map { line -> [String: Any] in
            ["store": storeNames[line.storeId] ?? line.storeId, "sku": skuNames[line.skuId] ?? line.skuId, "sold": line.sold, "returned": line.returned,
             "onHand": line.onHand, "weekly": String(format: "%.1f", line.weeklyRate), "cover": line.weeksOfCover.map { String(format: "%.1f", $0) } ?? "—",
             "percent": String(format: "%.0f", line.sellThroughPercent), "low": line.lowCover, "latest": line.latestDay]
        }
        data["hasSellThrough"] = !lines.isEmpty
        data["sellThroughChart"] = DemandChart(days: 28, until: clock.now(), counts: daily.map { ($0.day, Int($0.sold), 0) })
            .svg(label: t["partner_sold_per_day"] ?? "", waitingLabel: "", id: "sellthrough-chart")
        if organisation.kind == .ecoBrand {
            let month = SettlementStatement.month(of: clock.now())
            let statement = try await desk.settlement(organisationId: id, from: month.start, to: month.end)
            data["brand"] = [
                "percent": String(format: "%.2f", Double(organisation.commissionBasisPoints) / 100),
                "month": "\(chrome.format.day(month.start)) – \(chrome.format.day(month.end.addingTimeInterval(-1)))",
                "totals": statement.totals.map { total -> [String: Any] in
                    let money = { (minor: Int64) in chrome.format.money(minor, currency: total.currency) }
                    return ["sales": money(total.sales), "commission": money(total.commission), "clawback": money(total.clawback),
                            "returned": money(total.commissionReturned), "payable": money(total.payable)]
                },
                "orders": statement.orders.count,
            ] as [String: Any]
        }
        if let done, let said = t["partner_done_\(done)"] { data["done"] = said }
        if let issued { data["issued"] = ["name": issued.name, "token": issued.token] }
        if let error { data["error"] = PageKit.refusal(error, strings: t) }
        return pages.page("staff-partner", data, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }
}
