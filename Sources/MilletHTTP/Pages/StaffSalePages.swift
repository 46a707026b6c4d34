import Foundation
import Hummingbird
import MilletCore

/// The console's flash sales (`/staff/sales`): the sales not ended yet with their figures, a form
/// to schedule one (its units leave the warehouse's stock at once) and, per sale, a form that
/// issues F-codes, shown once. The same use cases as `POST /api/v1/staff/flash-sales` and its
/// `fcodes`; a refusal shows the page again with its reason and what was typed.
struct StaffSalePages {
    let pages: PageKit
    let desk: SaleDesk
    let catalog: any CatalogRepository
    let clock: any MilletClock

    struct ScheduleForm: Decodable {
        let title, market, skuId, startsAt, endsAt, units: String
        let perAccountLimit, price: String?
        /// A checkbox: present when only fans who reserved may buy.
        let reservedOnly: String?
    }

    struct FCodeForm: Decodable {
        let count: String
        /// The sale's F-code units when the page was drawn: a form sent again (a reload) finds
        /// more and issues nothing.
        let seen: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/sales") { request, context in
            try await console(try await pages.chrome(request, context))
        }
        groups.staff.post("staff/sales") { request, context in
            let chrome = try await pages.chrome(request, context)
            let form = try await request.decodeForm(ScheduleForm.self, context: context)
            do {
                let sale = try await desk.schedule(try saleRequest(form, chrome: chrome))
                return redirect("/staff/sales?scheduled=\(sale.id)")
            } catch let error as DomainError {
                let typed = ["title": form.title, "market": form.market, "skuId": form.skuId, "startsAt": form.startsAt, "endsAt": form.endsAt,
                             "units": form.units, "perAccountLimit": form.perAccountLimit ?? "", "price": form.price ?? "",
                             "reservedOnly": form.reservedOnly == nil ? "" : "on"]
                return try await console(chrome, typed: typed, error: error)
            }
        }
        groups.staff.post("staff/sales/:id/fcodes") { request, context in
            let chrome = try await pages.chrome(request, context)
            let form = try await request.decodeForm(FCodeForm.self, context: context)
            let id = try context.parameters.require("id")
            do {
                let count = try PageKit.wholeNumber(form.count, field: "count", "a whole number of codes")
                let sale = try await desk.sale(id: id)
                guard String(try await desk.figures(saleId: sale.id).fcodeUnits) == form.seen else {
                    throw DomainError.conflict(code: "stale_form", message: "F-codes were issued for this sale since the page was drawn; look again before issuing more")
                }
                let codes = try await desk.issueFCodes(sale, count: count)
                // The codes are shown this once: the page is not kept.
                var response = try await console(chrome, issued: (sale.title, codes))
                response.headers[.cacheControl] = "no-store"
                return response
            } catch let error as DomainError {
                return try await console(chrome, error: error)
            } catch let refusal as PurchaseRefusal {
                return try await console(chrome, error: refusal.domainError)
            }
        }
    }

    /// The sale the form asks for: times typed in the market's own time zone (`datetime-local`
    /// sends no zone), the price in major units as the page's language writes it.
    func saleRequest(_ form: ScheduleForm, chrome: PageChrome) throws -> SaleRequest {
        guard let market = chrome.markets.first(where: { $0.code == form.market.uppercased() }) else {
            throw DomainError.invalid(field: "market", "one of \(chrome.markets.map(\.code).joined(separator: ", "))")
        }
        func time(_ text: String, _ field: String) throws -> Date {
            guard let date = MarketTimeZone.date(local: text, in: market.code) else {
                throw DomainError.invalid(field: field, "a date and time such as 2026-12-04T20:30")
            }
            return date
        }
        let units = Int64(try PageKit.wholeNumber(form.units, field: "units", "a whole number of units"))
        let limit = try PageKit.nonEmpty(form.perAccountLimit).map { try PageKit.wholeNumber($0, field: "perAccountLimit", "a whole number") } ?? 1
        let price = try PageKit.nonEmpty(form.price).map {
            try LocaleFormat(language: chrome.preferences.language, region: market.code).minorUnits(parsing: $0, currency: market.currency, field: "price")
        }
        let startsAt = try time(form.startsAt, "startsAt")
        // A start already past (times typed for another market's clock) would open the sale before anyone could reserve.
        guard startsAt >= clock.now().addingTimeInterval(-60) else {
            throw DomainError.invalid(field: "startsAt", "is already past on \(market.code)'s clock (\(MarketTimeZone.label(of: market.code, at: startsAt)))")
        }
        return SaleRequest(title: form.title, skuId: form.skuId, marketCode: market.code, price: price, startsAt: startsAt,
                           endsAt: try time(form.endsAt, "endsAt"), units: units, perAccountLimit: limit, reservedOnly: form.reservedOnly != nil)
    }

    private func console(_ chrome: PageChrome, typed given: [String: String] = [:], error: DomainError? = nil,
                         issued: (title: String, codes: [String])? = nil) async throws -> Response {
        let t = pages.strings(chrome.preferences.language), language = chrome.preferences.language
        var typed = given
        let market = typed["market"] ?? chrome.preferences.marketCode
        if typed.isEmpty {
            // A fresh form starts ten minutes from now, on the market's clock, and runs two hours.
            let start = Date(timeIntervalSince1970: (clock.now().timeIntervalSince1970 / 60).rounded(.up) * 60 + 600)
            typed = ["startsAt": MarketTimeZone.local(start, in: market), "endsAt": MarketTimeZone.local(start.addingTimeInterval(7200), in: market),
                     "units": "100", "perAccountLimit": "1"]
        }
        let names = try await catalog.skuLabels(language: language, includeUnpublished: false)
        let skus = names.sorted { $0.value < $1.value }.map { ["id": $0.key, "label": $0.value, "selected": $0.key == typed["skuId"]] as [String: Any] }
        let now = clock.now()
        var sales: [[String: Any]] = []
        for sale in try await desk.calendar() {
            let figures = try await desk.figures(saleId: sale.id)
            // On the sale's market's clock.
            let format = LocaleFormat(language: language, region: sale.marketCode)
            sales.append([
                "id": sale.id, "title": sale.title, "sku": names[sale.skuId] ?? sale.skuId, "market": sale.marketCode,
                "price": format.money(sale.price, currency: sale.currency), "starts": format.dateTime(sale.startsAt),
                "ends": format.dateTime(sale.endsAt), "units": sale.units, "sold": figures.sold, "left": figures.left,
                "fcodes": figures.fcodeUnits, "phase": t["sale_state_\(sale.phase(at: now).rawValue)"] ?? sale.phase(at: now).rawValue,
            ])
        }
        var data: [String: Any] = [
            "typed": typed, "saleSkus": skus, "sales": sales, "hasSales": !sales.isEmpty, "reservedOnly": typed["reservedOnly"] == "on",
            "saleMarkets": chrome.markets.map {
                ["code": $0.code, "name": $0.name, "currency": $0.currency.code, "selected": $0.code == market,
                 "offset": MarketTimeZone.label(of: $0.code, at: now)]
            },
        ]
        if let issued { data["issued"] = ["title": issued.title, "codes": issued.codes.joined(separator: "\n"), "count": issued.codes.count] }
        if let error { data["error"] = PageKit.refusal(error, strings: t) }
        return pages.page("staff-sales", data, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }
}
