import Foundation
import Hummingbird
import MilletCore

/// The auction pages: the list, and the live page where a signed-in fan bids their maximum with a
/// plain form; the page's script follows the price, the leader and the end from the events stream.
struct AuctionPages {
    let pages: PageKit
    let desk: AuctionDesk
    let clock: any MilletClock

    struct BidForm: Decodable {
        let maximum: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("auctions") { request, context in
            let chrome = try await pages.chrome(request, context)
            let rows = try await desk.calendar().map { values($0, history: nil, chrome: chrome, viewer: nil) }
            return pages.page("auctions", ["auctions": rows, "empty": rows.isEmpty], chrome: chrome)
        }
        groups.open.get("auctions/:id") { request, context in
            let chrome = try await pages.chrome(request, context)
            return try await page(try context.parameters.require("id"), chrome: chrome, viewer: context.account, typed: nil, error: nil)
        }
        groups.open.post("auctions/:id/bid") { request, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            let form = try await request.decodeForm(BidForm.self, context: context)
            do {
                let record = try await desk.auction(id: id)
                let currency = Currency.known[record.auction.currency] ?? Currency(code: record.auction.currency, minorDigits: 2)
                let maximum = try currency.minorUnits(parsing: form.maximum, field: "maximum")
                _ = try await desk.bid(auctionId: id, by: account, maximum: maximum)
                return redirect("/auctions/\(id)")
            } catch let error as DomainError {
                return try await page(id, chrome: try await pages.chrome(request, context), viewer: account, typed: form.maximum, error: error)
            }
        }
    }

    private func page(_ id: String, chrome: PageChrome, viewer: Account?, typed: String?, error: DomainError?) async throws -> Response {
        let (record, history) = try await desk.history(auctionId: id)
        let t = pages.strings(chrome.preferences.language)
        var values = values(record, history: history, chrome: chrome, viewer: viewer?.id)
        let digits = Currency.known[record.auction.currency]?.minorDigits ?? 2
        let money = { (minor: Int64) in chrome.format.money(minor, currency: record.auction.currency, minorDigits: digits) }
        values["signedIn"] = viewer != nil
        values["typed"] = typed ?? ""
        values["digits"] = digits
        values["history"] = history.entries.reversed().map { entry -> [String: Any] in
            var row: [String: Any] = [
                "bidder": AuctionHistory.pseudonym(entry.bidder), "at": chrome.format.dateTime(entry.placedAt), "price": money(entry.priceAfter),
                "rule": t["auction_rule_\(entry.rule.rawValue)"] ?? entry.rule.rawValue, "leader": AuctionHistory.pseudonym(entry.leaderAfter),
            ]
            row["maximum"] = entry.maximum.map(money)
            return row
        }
        if let error { values["error"] = PageKit.refusal(error, strings: t) }
        return pages.page("auction", ["auction": values], chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }

    private func values(_ record: AuctionRecord, history: AuctionHistory?, chrome: PageChrome, viewer: String?) -> [String: Any] {
        let t = pages.strings(chrome.preferences.language)
        let dto = AuctionDTO(record, history: history, viewer: viewer, now: clock.now(), staff: false)
        let digits = Currency.known[record.auction.currency]?.minorDigits ?? 2
        let money = { (minor: Int64) in chrome.format.money(minor, currency: record.auction.currency, minorDigits: digits) }
        var values: [String: Any] = [
            "id": dto.id, "title": dto.title, "currency": dto.currency, "status": dto.status,
            "statusLabel": t["auction_status_\(dto.status)"] ?? dto.status, "open": dto.status == "open",
            "price": money(dto.price), "priceMinor": dto.price, "minimum": money(dto.minimumBid), "minimumMinor": dto.minimumBid,
            "minimumPlain": MinorUnitMath.decimal(dto.minimumBid, digits: digits), "bids": dto.bids,
            "reserve": dto.reserve, "reserveLabel": t["auction_reserve_\(dto.reserve)"] ?? dto.reserve,
            "startsAt": chrome.format.dateTime(dto.startsAt), "endsAt": chrome.format.dateTime(dto.endsAt),
            "endsAtISO": dto.endsAt.formatted(.iso8601), "minLevel": dto.minLevel,
            "secondsLeft": max(0, Int(record.state.endsAt.timeIntervalSince(clock.now()).rounded(.up))),
        ]
        values["leader"] = dto.leader
        values["you"] = dto.you?.bidder
        values["leading"] = dto.you?.leading == true
        return values
    }
}
