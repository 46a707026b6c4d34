import Foundation
import Hummingbird
import MilletCore

/// The flash-sale pages: the public calendar and the live sale page, where fans reserve before
/// the start and buy once it opens. Reserving and buying work with plain forms; the page's script
/// adds the live figures (server-sent events) and, when the sale asks for it, the proof of work.
struct SalePages {
    let pages: PageKit
    let saleDesk: SaleDesk
    let catalog: any CatalogRepository
    let payments: any PaymentRepository
    let sandbox: SandboxPaymentProvider
    let clock: any MilletClock

    struct SaleBuyForm: Decodable {
        let name, line1, city, postcode, phone: String
        let idempotencyKey: String
        let purchaseToken: String?
        let proofOfWork: String?
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("sales") { request, context in
            let chrome = try await pages.chrome(request, context)
            let now = clock.now()
            var sales: [[String: Any]] = []
            for sale in try await saleDesk.calendar() {
                sales.append(try await saleValues(sale, chrome: chrome, now: now))
            }
            return pages.page("sales", ["sales": sales, "empty": sales.isEmpty], chrome: chrome)
        }
        groups.open.get("sales/:id") { request, context in
            let chrome = try await pages.chrome(request, context)
            return try await salePage(try await sale(context), chrome: chrome, account: context.account)
        }
        groups.open.post("sales/:id/reserve") { _, context in
            let account = try context.requireAccount()
            let sale = try await sale(context)
            _ = try await saleDesk.reserve(sale, accountId: account.id)
            return redirect("/sales/\(sale.id)")
        }
        // The page's script fetches a token here (the API takes bearer tokens, pages take the cookie).
        groups.open.post("sales/:id/token") { _, context in
            let account = try context.requireAccount()
            let saleId = try context.parameters.require("id")
            return PurchaseTokenDTO(saleId: saleId, try await saleDesk.token(saleId: saleId, accountId: account.id))
        }
        groups.open.post("sales/:id/buy") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            let sale = try await sale(context)
            let form = try await request.decodeForm(SaleBuyForm.self, context: context)
            let address = try ShippingAddress(name: form.name, line1: form.line1, city: form.city, postcode: form.postcode, phone: form.phone)
            let key = try Checkout.validate(idempotencyKey: form.idempotencyKey)
            let bought: SaleOrder
            do {
                // Without the script (and when the sale asks no proof of work) the page fetches the token itself.
                var token = form.purchaseToken
                if token == nil { token = try await saleDesk.engine.issueToken(saleId: sale.id, accountId: account.id).token }
                bought = try await saleDesk.engine.purchase(
                    saleId: sale.id, accountId: account.id, ip: context.clientIP, idempotencyKey: key, address: address,
                    token: token, proof: form.proofOfWork)
            } catch let refusal as PurchaseRefusal {
                let error = APIError(refusal.domainError)
                return try await salePage(sale, chrome: chrome, account: account, refusal: (error.code, error.status), form: form, retry: refusal.retryable)
            }
            let payment = try await payments.createPayment(orderId: bought.order.id, provider: sandbox.name, now: clock.now())
            return redirect(sandbox.payURL(for: payment))
        }
    }

    private func sale(_ context: MilletRequestContext) async throws -> FlashSale {
        try await saleDesk.sale(id: try context.parameters.require("id"))
    }

    /// The sale's page; after a refused purchase, `form` fills the buy form again with its
    /// Idempotency-Key, so trying again is the same purchase (a `purchase_in_progress` retried
    /// answers the order it was), and `retry` keeps the form shown even if the figures say sold out.
    private func salePage(
        _ sale: FlashSale, chrome: PageChrome, account: Account?, refusal: (code: String, status: HTTPResponse.Status)? = nil,
        form: SaleBuyForm? = nil, retry: Bool = false
    ) async throws -> Response {
        let now = clock.now()
        var values = try await saleValues(sale, chrome: chrome, now: now)
        let strings = pages.strings(chrome.preferences.language)
        values["reserved"] = try await account.asyncMap { try await saleDesk.hasReserved(sale, accountId: $0.id) } ?? false
        values["idempotencyKey"] = form?.idempotencyKey ?? Identifier.make()
        values["name"] = form?.name ?? account?.displayName ?? ""
        values["line1"] = form?.line1 ?? ""
        values["city"] = form?.city ?? ""
        values["postcode"] = form?.postcode ?? ""
        values["phone"] = form?.phone ?? ""
        if retry, sale.phase(at: now) == .open {
            values["open"] = true
            values["retry"] = true
        }
        if let next = await saleDesk.engine.nextBatch(after: sale.id) {
            values["next"] = ["id": next.id, "startsAt": chrome.format.dateTime(next.startsAt)]
        }
        if let refusal { values["refusal"] = strings["error_\(refusal.code)"] ?? refusal.code }
        var page = pages.page("sale", ["sale": values], chrome: chrome, status: refusal?.status ?? .ok)
        if retry { page.headers[.retryAfter] = "1" }
        return page
    }

    private func saleValues(_ sale: FlashSale, chrome: PageChrome, now: Date) async throws -> [String: Any] {
        let live = LiveFigures(sale, figures: try await saleDesk.figures(saleId: sale.id), now: now, next: nil)
        let market = try await pages.markets.requireMarket(sale.marketCode)
        let product = try await catalog.sku(id: sale.skuId).asyncMap { try await catalog.product(id: $0.productId) } ?? nil
        let state = live.soldOut ? "sold_out" : live.phase
        return [
            "id": sale.id, "title": sale.title, "product": product?.text(in: chrome.preferences.language).name ?? "",
            "slug": product?.slug ?? "", "market": market.name,
            "price": LocaleFormat(language: chrome.preferences.language, region: market.code)
                .money(sale.price, currency: sale.currency, minorDigits: market.currency.minorDigits),
            "startsAt": chrome.format.dateTime(sale.startsAt), "endsAt": chrome.format.dateTime(sale.endsAt),
            "units": live.units, "sold": live.sold, "left": live.left, "reservations": live.reservations,
            "secondsToStart": live.secondsToStart, "countdown": Self.countdown(live.secondsToStart),
            "state": state, "stateLabel": pages.strings(chrome.preferences.language)["sale_state_\(state)"] ?? state,
            "upcoming": live.phase == "upcoming", "open": live.phase == "open" && !live.soldOut, "ended": live.phase == "ended",
            "limit": sale.perAccountLimit, "reservedOnly": sale.reservedOnly, "proofOfWorkBits": sale.proofOfWorkBits,
        ]
    }

    /// `H:MM:SS` until the start, the way the page's script writes it too.
    static func countdown(_ seconds: Int64) -> String {
        String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
}

extension Optional {
    /// `map` with an asynchronous transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
