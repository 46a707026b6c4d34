import Foundation
import Hummingbird
import MilletCore

/// The auction pages: the list, and the live page where a signed-in fan bids their maximum with a
/// plain form; the page's script follows the price, the leader and the end from the events stream.
struct AuctionPages {
    let pages: PageKit
    let desk: AuctionDesk
    let offers: AuctionOffers
    let catalog: any CatalogRepository
    let clock: any MilletClock

    struct BidForm: Decodable {
        let maximum: String
    }

    struct SealedForm: Decodable {
        let amount: String
    }

    /// The delivery address that orders an offer.
    struct OfferForm: Decodable {
        let name, line1, city, postcode, phone: String
    }

    /// The staff form: amounts in the market's currency as people write them, times on the
    /// market's clock (`datetime-local`).
    struct ScheduleForm: Decodable {
        let title, market, startPrice, startsAt, endsAt: String
        let reservePrice, increment, skuId, format: String?
        let minLevel, extensionMinutes, capMinutes, paymentHours, secondChanceHours, pointsPerBid, maxBidsPerFan: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("auctions") { request, context in
            let chrome = try await pages.chrome(request, context)
            let now = clock.now()
            let rows = try await desk.calendar().map { values($0, history: nil, chrome: chrome, viewer: nil) }
            // Closed in the last week, latest first, with how each ended.
            let recent = try await desk.calendar(since: now.addingTimeInterval(-7 * 86_400), limit: 200).filter { $0.state.isClosed(at: now) }
                .reversed().prefix(20).map { values($0, history: nil, chrome: chrome, viewer: nil) }
            var data: [String: Any] = ["auctions": rows, "empty": rows.isEmpty, "recent": Array(recent)]
            if let account = context.account {
                // A won unit waiting for the fan, findable without the email.
                data["yourOffers"] = try await offers.openOffers(of: account.id).map { offer, record -> [String: Any] in
                    ["id": record.auction.id, "title": record.auction.title, "price": Self.money(offer.price, record.auction, chrome),
                     "deadline": chrome.format.dateTime(offer.expiresAt), "ordered": offer.status == .ordered]
                }
            }
            return pages.page("auctions", data, chrome: chrome)
        }
        groups.open.get("auctions/:id") { request, context in
            let chrome = try await pages.chrome(request, context)
            return try await page(try context.parameters.require("id"), chrome: chrome, viewer: context.account, typed: nil, error: nil)
        }
        fanForm(groups, "bid", BidForm.self, keep: { ($0.maximum, nil) }) { account, id, form, chrome in
            let record = try await desk.auction(id: id)
            let maximum = try chrome.format.minorUnits(parsing: form.maximum, currency: record.auction.currencyUnit, field: "maximum")
            _ = try await desk.bid(auctionId: id, by: account, maximum: maximum)
            return "/auctions/\(id)"
        }
        fanForm(groups, "unique-bid", SealedForm.self, keep: { ($0.amount, nil) }) { account, id, form, chrome in
            let record = try await desk.auction(id: id)
            let amount = try chrome.format.minorUnits(parsing: form.amount, currency: record.auction.currencyUnit, field: "amount")
            _ = try await desk.bidUnique(auctionId: id, by: account, amount: amount)
            return "/auctions/\(id)"
        }
        fanForm(groups, "offer", OfferForm.self, keep: { (nil, $0) }) { account, id, form, chrome in
            let address = try ShippingAddress(name: form.name, line1: form.line1, city: form.city, postcode: form.postcode, phone: form.phone)
            let order = try await offers.order(auctionId: id, by: account.id, address: address, shippingMethod: nil, language: chrome.preferences.language)
            return "/orders/\(order.id)"
        }
        groups.open.post("auctions/:id/offer/decline") { request, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            do {
                _ = try await offers.decline(auctionId: id, by: account.id)
                return redirect("/auctions/\(id)")
            } catch let error as DomainError {
                return try await page(id, chrome: try await pages.chrome(request, context), viewer: account, typed: nil, error: error)
            }
        }
        groups.staff.get("staff/auctions") { request, context in
            try await console(try await pages.chrome(request, context), typed: [:], error: nil)
        }
        groups.staff.post("staff/auctions") { request, context in
            let staff = try context.requireAccount()
            let form = try await request.decodeForm(ScheduleForm.self, context: context)
            do {
                let record = try await desk.schedule(try await plan(form, format: try await pages.chrome(request, context).format), incrementsGiven: PageKit.nonEmpty(form.increment) != nil, by: staff.id)
                return redirect("/auctions/\(record.auction.id)")
            } catch let error as DomainError {
                let typed = ["title": form.title, "market": form.market, "startPrice": form.startPrice, "reservePrice": form.reservePrice ?? "",
                             "increment": form.increment ?? "", "startsAt": form.startsAt, "endsAt": form.endsAt, "minLevel": PageKit.nonEmpty(form.minLevel) ?? "1",
                             "extensionMinutes": PageKit.nonEmpty(form.extensionMinutes) ?? "5", "capMinutes": PageKit.nonEmpty(form.capMinutes) ?? "60",
                             "skuId": form.skuId ?? "", "paymentHours": PageKit.nonEmpty(form.paymentHours) ?? "48",
                             "secondChanceHours": PageKit.nonEmpty(form.secondChanceHours) ?? "24", "format": form.format ?? "english",
                             "pointsPerBid": PageKit.nonEmpty(form.pointsPerBid) ?? "10", "maxBidsPerFan": PageKit.nonEmpty(form.maxBidsPerFan) ?? "10"]
                return try await console(try await pages.chrome(request, context), typed: typed, error: error)
            }
        }
        groups.staff.post("staff/auctions/:id/cancel") { request, context in
            do {
                _ = try await desk.cancel(auctionId: try context.parameters.require("id"))
                return redirect("/staff/auctions")
            } catch let error as DomainError {
                return try await console(try await pages.chrome(request, context), typed: [:], error: error)
            }
        }
    }

    /// A form a fan posts on the auction page, at `auctions/{id}/<action>`: `act` does it and
    /// answers where to go next; a refusal shows the auction again with the refusal and what was
    /// typed (`keep`). Reloading the form's address shows the auction.
    private func fanForm<Form: Decodable & Sendable>(
        _ groups: RouteGroups, _ action: String, _ type: Form.Type, keep: @escaping @Sendable (Form) -> (typed: String?, offer: OfferForm?),
        act: @escaping @Sendable (Account, String, Form, PageChrome) async throws -> String
    ) {
        groups.open.get("auctions/:id/\(action)") { _, context in
            redirect("/auctions/\(try context.parameters.require("id"))")
        }
        groups.open.post("auctions/:id/\(action)") { request, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let form = try await request.decodeForm(Form.self, context: context)
            let chrome = try await pages.chrome(request, context)
            do {
                return redirect(try await act(account, id, form, chrome))
            } catch let error as DomainError {
                let kept = keep(form)
                return try await page(id, chrome: chrome, viewer: account, typed: kept.typed, error: error, offerForm: kept.offer)
            }
        }
    }

    /// The staff console: the form that schedules an auction (of a unit from stock or a one-off
    /// lot), and the auctions running, to come or closed in the last 30 days, with their reserves
    /// and how each closed one is settling.
    private func console(_ chrome: PageChrome, typed given: [String: String], error: DomainError?) async throws -> Response {
        let t = pages.strings(chrome.preferences.language)
        var typed = given
        let market = typed["market"] ?? chrome.preferences.marketCode
        if typed.isEmpty {
            // A fresh form starts five minutes from now and runs a day, on the market's clock.
            let start = Date(timeIntervalSince1970: (clock.now().timeIntervalSince1970 / 60).rounded(.up) * 60 + 300)
            typed = ["startsAt": MarketTimeZone.local(start, in: market), "endsAt": MarketTimeZone.local(start.addingTimeInterval(86_400), in: market)]
        }
        let language = chrome.preferences.language
        let skus = try await catalog.skuLabels(language: language, includeUnpublished: false).sorted { $0.value < $1.value }
            .map { ["id": $0.key, "label": $0.value, "selected": $0.key == typed["skuId"]] as [String: Any] }
        var data: [String: Any] = [
            "typed": typed,
            "auctionMarkets": chrome.markets.map { ["code": $0.code, "name": $0.name, "currency": $0.currency.code, "selected": $0.code == market] },
            "auctionSkus": skus,
            "auctionFormats": AuctionFormat.allCases.map { format in
                ["value": format.rawValue, "label": t["auction_format_\(format.rawValue)"] ?? format.rawValue, "selected": format.rawValue == (typed["format"] ?? "english")]
            },
            "auctions": try await (desk.calendar(since: clock.now().addingTimeInterval(-30 * 86_400), limit: 200).filter { $0.state.isClosed(at: clock.now()) }
                .suffix(50).reversed() + desk.calendar()).map { record -> [String: Any] in
                var row = self.values(record, history: nil, chrome: chrome, viewer: nil)
                row["reservePrice"] = record.auction.reservePrice.map { Self.money($0, record.auction, chrome) }
                row["cancellable"] = record.outcome == nil && !record.state.isClosed(at: clock.now())
                return row
            },
        ]
        if let error { data["error"] = PageKit.refusal(error, strings: t) }
        return pages.page("staff-auctions", data, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }

    /// The form as a plan: amounts in the market's currency, times as UTC.
    private func plan(_ form: ScheduleForm, format: LocaleFormat) async throws -> AuctionPlan {
        let market = try await pages.markets.requireMarket(form.market)
        let startPrice = try format.minorUnits(parsing: form.startPrice, currency: market.currency, field: "startPrice")
        let reserve = try PageKit.nonEmpty(form.reservePrice).map { try format.minorUnits(parsing: $0, currency: market.currency, field: "reservePrice") }
        // One increment at every price, when given: what a currency without cents needs.
        let increments = try PageKit.nonEmpty(form.increment).map { text in
            try IncrementTable(bands: [.init(from: 0, increment: try format.minorUnits(parsing: text, currency: market.currency, field: "increment"))])
        }
        func whole(_ text: String?, _ field: String, _ range: ClosedRange<Int>, default value: Int) throws -> Int {
            guard let text = PageKit.nonEmpty(text) else { return value }
            let problem = "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
            let number = try PageKit.wholeNumber(text, field: field, problem)
            guard range.contains(number) else { throw DomainError.invalid(field: field, problem) }
            return number
        }
        let minLevel = try whole(form.minLevel, "minLevel", 1...Standing.levels.count, default: 1)
        let extensionMinutes = try whole(form.extensionMinutes, "extensionMinutes", 0...60, default: 5)
        let capMinutes = try whole(form.capMinutes, "capMinutes", 0...1440, default: 60)
        let paymentHours = try whole(form.paymentHours, "paymentHours", 1...168, default: 48)
        let secondChanceHours = try whole(form.secondChanceHours, "secondChanceHours", 1...72, default: 24)
        let pointsPerBid = try whole(form.pointsPerBid, "pointsPerBid", 1...1000, default: 10)
        let maxBidsPerFan = try whole(form.maxBidsPerFan, "maxBidsPerFan", 1...100, default: 10)
        guard let format = AuctionFormat(rawValue: PageKit.nonEmpty(form.format) ?? "english") else {
            throw DomainError.invalid(field: "format", "must be english or lowest_unique")
        }
        func time(_ text: String, _ field: String) throws -> Date {
            // `datetime-local` sends 2026-12-04T20:30 (or with seconds), no zone: it is the market's own time.
            guard let date = MarketTimeZone.date(local: text, in: market.code) else {
                throw DomainError.invalid(field: field, "must be a date and time such as 2026-12-04T20:30")
            }
            return date
        }
        return AuctionPlan(
            title: form.title, skuId: PageKit.nonEmpty(form.skuId), marketCode: market.code, currency: market.currency.code, startPrice: startPrice,
            reservePrice: reserve, increments: increments ?? .standard, startsAt: try time(form.startsAt, "startsAt"), endsAt: try time(form.endsAt, "endsAt"),
            extensionWindow: TimeInterval(extensionMinutes * 60), extensionCap: TimeInterval(capMinutes * 60), minLevel: minLevel,
            paymentWindow: TimeInterval(paymentHours * 3600), secondChanceWindow: TimeInterval(secondChanceHours * 3600), format: format,
            pointsPerBid: pointsPerBid, maxBidsPerFan: maxBidsPerFan)
    }

    private func page(_ id: String, chrome: PageChrome, viewer: Account?, typed: String?, error: DomainError?, offerForm: OfferForm? = nil) async throws -> Response {
        let (record, history) = try await desk.history(auctionId: id)
        let t = pages.strings(chrome.preferences.language)
        var values = values(record, history: history, chrome: chrome, viewer: viewer?.id)
        let money = { (minor: Int64) in Self.money(minor, record.auction, chrome) }
        values["signedIn"] = viewer != nil
        values["typed"] = typed ?? ""
        values["digits"] = record.auction.currencyUnit.minorDigits
        values["history"] = history.entries.reversed().map { entry -> [String: Any] in
            var row: [String: Any] = [
                "bidder": Self.bidder(entry.bidder, t), "at": chrome.format.dateTime(entry.placedAt), "price": money(entry.priceAfter),
                "rule": t["auction_rule_\(entry.rule.rawValue)"] ?? entry.rule.rawValue, "leader": Self.bidder(entry.leaderAfter, t),
            ]
            row["maximum"] = entry.maximum.map(money)
            return row
        }
        if let viewer, let own = history.maxima[viewer.id] { values["yourMaximum"] = money(own) }
        let leads = record.state.leaderAccountId == viewer?.id
        let offer = try await viewer.asyncMap { viewer in try await offers.offers(auctionId: id).last { $0.accountId == viewer.id } } ?? nil
        // Once the unit is offered, the offer box says where the fan stands.
        if let viewer, history.bidders[viewer.id] != nil, offer == nil {
            let closed = record.state.isClosed(at: clock.now())
            let key = !closed ? (leads ? "auction_you_lead" : "auction_outbid")
                : !record.state.reserveMet(in: record.auction) ? "auction_no_sale" : leads ? "auction_you_won" : "auction_you_lost"
            values["standing"] = t[key] ?? key
        }
        if let viewer {
            let strikes = try await offers.strikes(of: viewer.id)
            if strikes > 0 {
                values["strikes"] = (t["auction_strikes"] ?? "{n}/{of}").replacingOccurrences(of: "{n}", with: String(strikes))
                    .replacingOccurrences(of: "{of}", with: String(AuctionSettlement.strikesToBar))
            }
        }
        if record.auction.format == .lowestUnique {
            let sealed = try await sealedValues(record, viewer: viewer, chrome: chrome, money: money)
            values["sealed"] = sealed
            if let you = sealed["you"] as? String, offer == nil {
                values["you"] = you
                values["standing"] = t[sealed["youWon"] as? Bool == true ? "auction_you_won" : "auction_you_lost"] ?? ""
            }
        }
        if let offer {
            var box = offerValues(offer, form: offerForm, chrome: chrome, money: money)
            if offer.isOpen(at: clock.now()) { box["total"] = money(try await offers.totals(of: offer, in: record.auction).total) }
            values["offer"] = box
        }
        if let error {
            var refusal = PageKit.refusal(error, strings: t)
            // The refusal in the reader's words, without the API's English detail; a bid too low
            // says the least it can be.
            if case .conflict(let code, _) = error {
                refusal["detail"] = code == "bid_too_low" ? "\(t["auction_minimum"] ?? ""): \(money(record.state.minimumBid(in: record.auction)))" : ""
            } else if case .notEligible = error {
                refusal["detail"] = ""
            } else if case .invalidInput(_, let fields) = error, Set(fields.keys).isSubset(of: ["maximum", "amount"]) {
                // An amount that is not one: say what one looks like, in the auction's currency.
                let most = record.auction.format == .lowestUnique ? record.auction.startPrice : Auction.maxPrice
                refusal["detail"] = "\(t["auction_amount_hint"] ?? "") \(money(1)) – \(money(most))"
            }
            values["error"] = refusal
        }
        return pages.page("auction", ["auction": values], chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }

    /// A lowest-unique-bid auction's box: what a bid costs, the fan's amounts and points, and once
    /// closed every amount with how many fans bid it.
    private func sealedValues(_ record: AuctionRecord, viewer: Account?, chrome: PageChrome, money: (Int64) -> String) async throws -> [String: Any] {
        let auction = record.auction
        var values: [String: Any] = ["pointsPerBid": auction.pointsPerBid, "maxBidsPerFan": auction.maxBidsPerFan, "maxAmount": money(auction.startPrice)]
        if let viewer {
            let (bids, left) = try await desk.uniqueBids(auctionId: auction.id, of: viewer.id)
            values["yourAmounts"] = bids.map { money($0.amount) }
            values["hasAmounts"] = !bids.isEmpty
            values["pointsLeft"] = left
        }
        if let result = try await desk.uniqueResult(record) {
            let t = pages.strings(chrome.preferences.language)
            let yours = Set(result.uniqueBids.filter { $0.accountId == viewer?.id }.map(\.amount))
                .union(try await viewer.asyncMap { try await desk.uniqueBids(auctionId: auction.id, of: $0.id).bids.map(\.amount) } ?? [])
            var shown: [String: Any] = ["amounts": result.amounts.map {
                ["amount": money($0.amount), "fans": $0.fans, "wins": $0.amount == result.winner?.amount, "yours": yours.contains($0.amount)]
            }]
            if let winner = result.winner {
                shown["winner"] = result.bidders[winner.accountId].map { Self.bidder($0, t) } ?? ""
                shown["winningAmount"] = money(winner.amount)
            }
            values["result"] = shown
            if let viewer, let number = result.bidders[viewer.id] {
                values["you"] = Self.bidder(number, t)
                values["youWon"] = result.winner?.accountId == viewer.id
            }
        }
        return values
    }

    /// The fan's offer: open, with the address form that orders it; ordered, with its order; or
    /// how it ended.
    private func offerValues(_ offer: AuctionOffer, form: OfferForm?, chrome: PageChrome, money: (Int64) -> String) -> [String: Any] {
        let t = pages.strings(chrome.preferences.language)
        let open = offer.isOpen(at: clock.now())
        var values: [String: Any] = [
            "price": money(offer.price), "deadline": chrome.format.dateTime(offer.expiresAt), "open": open, "secondChance": !offer.isWin,
            "status": open || offer.status != .open ? offer.status.rawValue : "lapsed",
            "ordered": offer.status == .ordered, "orderId": offer.orderId ?? "",
        ]
        values["statusLabel"] = t["auction_offer_\(values["status"] as! String)"] ?? ""
        if let form {
            values["typed"] = ["name": form.name, "line1": form.line1, "city": form.city, "postcode": form.postcode, "phone": form.phone]
        }
        return values
    }

    /// "Bidder 3" in the reader's language.
    static func bidder(_ number: Int, _ t: [String: String]) -> String {
        (t["auction_bidder_n"] ?? "Bidder {n}").replacingOccurrences(of: "{n}", with: String(number))
    }

    private func values(_ record: AuctionRecord, history: AuctionHistory?, chrome: PageChrome, viewer: String?) -> [String: Any] {
        let t = pages.strings(chrome.preferences.language)
        let dto = AuctionDTO(record, history: history, viewer: viewer, now: clock.now(), staff: false)
        let money = { (minor: Int64) in Self.money(minor, record.auction, chrome) }
        var values: [String: Any] = [
            "id": dto.id, "title": dto.title, "currency": dto.currency, "status": dto.status,
            "statusLabel": t["auction_status_\(dto.status)"] ?? dto.status, "open": dto.status == "open",
            "price": money(dto.price), "priceMinor": dto.price, "minimum": money(dto.minimumBid), "minimumMinor": dto.minimumBid,
            "minimumPlain": MinorUnitMath.decimal(dto.minimumBid, digits: record.auction.currencyUnit.minorDigits), "bids": dto.bids,
            "reserve": dto.reserve, "reserveLabel": t["auction_reserve_\(dto.reserve)"] ?? dto.reserve,
            "startsAt": chrome.format.dateTime(dto.startsAt), "endsAt": chrome.format.dateTime(dto.endsAt),
            "endsAtISO": dto.endsAt.formatted(.iso8601),
            "zoneOffset": MarketTimeZone.zone(of: chrome.format.region).secondsFromGMT(for: dto.endsAt) / 60,
            "zoneLabel": MarketTimeZone.label(of: chrome.format.region, at: dto.endsAt), "minLevel": dto.minLevel, "scheduled": dto.status == "scheduled",
            "leaderLabel": t[dto.status == "closed" ? "auction_winner" : "auction_leader"] ?? "",
            "secondsLeft": max(0, Int(record.state.endsAt.timeIntervalSince(clock.now()).rounded(.up))),
        ]
        values["leader"] = history?.leader.map { Self.bidder($0, t) }
        values["english"] = record.auction.format == .english
        values["outcomeLabel"] = record.outcome.map { outcome in
            if outcome == .sold, let sold = record.soldPrice { return "\(t["auction_outcome_sold_at"] ?? "") \(money(sold))." }
            return t["auction_outcome_\(outcome.rawValue)"] ?? outcome.rawValue
        }
        // What a list shows as the price: what it sold for, else the price now (sealed bids have none).
        values["listPrice"] = record.soldPrice.map(money) ?? (record.auction.format == .english ? money(dto.price) : t["auction_sealed"] ?? "")
        let number = history.flatMap { history in viewer.flatMap { history.bidders[$0] } }
        values["you"] = number.map { Self.bidder($0, t) }
        values["youNumber"] = number.map(String.init) ?? ""
        values["leading"] = dto.you?.leading == true
        return values
    }

    /// An amount of the auction's currency as the page's language writes it.
    static func money(_ minor: Int64, _ auction: Auction, _ chrome: PageChrome) -> String {
        chrome.format.money(minor, currency: auction.currency, minorDigits: auction.currencyUnit.minorDigits)
    }
}
