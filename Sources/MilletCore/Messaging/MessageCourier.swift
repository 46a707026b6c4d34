import Foundation

/// An email as it leaves: to whom, the subject, a plain-text part and an HTML part.
public struct OutgoingEmail: Hashable, Sendable {
    public let to: String
    public let toName: String
    public let subject: String
    public let text: String
    public let html: String

    public init(to: String, toName: String, subject: String, text: String, html: String) {
        self.to = to
        self.toName = toName
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// Hands emails to a mail server (SMTP) or, without one, to the sandbox mailbox.
public protocol EmailTransport: Sendable {
    func send(_ email: OutgoingEmail) async throws
}

/// A text message as it leaves.
public struct OutgoingSMS: Hashable, Sendable {
    public let to: String
    public let text: String

    public init(to: String, text: String) {
        self.to = to
        self.text = text
    }
}

/// An SMS provider; the sandbox records what it was given and shows it on a page.
public protocol SMSProvider: Sendable {
    func send(_ sms: OutgoingSMS) async throws
}

/// Stored notices and what fans chose to receive.
public protocol NoticeRepository: Sendable {
    /// Notices with a channel still pending whose time has come, leased until `until` so no
    /// other node sends them meanwhile; at most `limit`, oldest first.
    func leaseDueNotices(now: Date, until: Date, limit: Int) async throws -> [PendingNotice]
    /// Records where each channel is after a try; `nextAt` is the next try while one is pending,
    /// `nil` once nothing is, when the notice's parameters (a link's token) are dropped.
    func recordDelivery(noticeId: String, email: DeliveryStatus, sms: DeliveryStatus, attempts: Int, nextAt: Date?, error: String?) async throws
    func messagePreferences(accountId: String) async throws -> MessagePreferences
    func saveMessagePreferences(_ preferences: MessagePreferences, accountId: String) async throws
    /// Writes a `sale_opening` notice for every reservation of a sale that opens in `[now, before)`.
    func noticeSalesOpening(now: Date, before: Date) async throws -> Int
    /// An account's notices, newest first, with where each channel is.
    func notices(accountId: String, limit: Int) async throws -> [PendingNotice]
}

/// Sends the notice outbox: writes each notice in the fan's language, emails it and where it
/// helps texts it, as the fan chose (legal and security always go), and retries a channel that
/// failed on a schedule until it has failed for good.
public struct MessageCourier: Sendable {
    private let notices: any NoticeRepository
    private let accounts: any AccountRepository
    private let orders: any OrderRepository
    private let markets: any MarketRepository
    private let sales: any FlashSaleRepository
    private let email: any EmailTransport
    private let sms: any SMSProvider
    private let clock: any MilletClock
    /// Where links in messages point, for example `https://shop.example`.
    private let publicURL: String

    /// Tries before a channel is given up; the waits between them double from 30 s to an hour.
    public static let maxAttempts = 10

    public init(
        notices: any NoticeRepository, accounts: any AccountRepository, orders: any OrderRepository, markets: any MarketRepository,
        sales: any FlashSaleRepository, email: any EmailTransport, sms: any SMSProvider, clock: any MilletClock, publicURL: String
    ) {
        self.notices = notices
        self.accounts = accounts
        self.orders = orders
        self.markets = markets
        self.sales = sales
        self.email = email
        self.sms = sms
        self.clock = clock
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    /// Writes the reminders of sales opening in the next 10 minutes, then sends what is due;
    /// answers how many notices were settled (every channel sent, skipped or failed). The lease
    /// covers a batch of slow sends (45 s a notice), so no other node sends them meanwhile.
    @discardableResult
    public func sendDue(limit: Int = 10) async throws -> Int {
        let now = clock.now()
        _ = try await notices.noticeSalesOpening(now: now, before: now.addingTimeInterval(600))
        var settled = 0
        for pending in try await notices.leaseDueNotices(now: now, until: now.addingTimeInterval(45 * Double(limit)), limit: limit) {
            if try await deliver(pending) { settled += 1 }
        }
        return settled
    }

    /// One try of each pending channel; `true` when nothing is left pending.
    private func deliver(_ pending: PendingNotice) async throws -> Bool {
        var (emailStatus, smsStatus) = (pending.email, pending.sms)
        let attempts = pending.attempts + 1
        do {
            guard let message = try await write(pending.notice) else {
                try await notices.recordDelivery(
                    noticeId: pending.notice.id, email: emailStatus == .pending ? .skipped : emailStatus,
                    sms: smsStatus == .pending ? .skipped : smsStatus, attempts: attempts, nextAt: nil, error: "its subject is gone")
                return true
            }
            let category = pending.notice.kind.category
            if emailStatus == .pending {
                if pending.notice.kind.emails && message.preferences.wants(category, by: .email) {
                    try await email.send(OutgoingEmail(
                        to: message.emailTo, toName: message.name, subject: message.written.subject, text: message.written.text,
                        html: MessageTexts.html(message.written.text)))
                    emailStatus = .sent
                } else {
                    emailStatus = .skipped
                }
            }
            if smsStatus == .pending {
                if pending.notice.kind.textsToo, let phone = message.phone, message.preferences.wants(category, by: .sms) {
                    try await sms.send(OutgoingSMS(to: phone, text: message.written.sms))
                    smsStatus = .sent
                } else {
                    smsStatus = .skipped
                }
            }
            try await notices.recordDelivery(noticeId: pending.notice.id, email: emailStatus, sms: smsStatus, attempts: attempts, nextAt: nil, error: nil)
            return true
        } catch {
            let giveUp = attempts >= Self.maxAttempts
            let wait = min(3600, 30 * Double(1 << min(attempts - 1, 7)))
            try await notices.recordDelivery(
                noticeId: pending.notice.id, email: giveUp && emailStatus == .pending ? .failed : emailStatus,
                sms: giveUp && smsStatus == .pending ? .failed : smsStatus, attempts: attempts,
                nextAt: giveUp ? nil : clock.now().addingTimeInterval(wait), error: String(describing: error).prefix(500).description)
            return giveUp
        }
    }

    /// A notice written for its fan, with where it goes.
    struct Message {
        let written: MessageTexts.Written
        let name: String
        let emailTo: String
        let phone: String?
        let preferences: MessagePreferences
    }

    /// The message of a notice in the fan's language (chosen, else the market's), or `nil` when
    /// what it is about no longer exists.
    func write(_ notice: Notice) async throws -> Message? {
        guard let account = try await accounts.account(id: notice.accountId) else { return nil }
        let preferences = try await notices.messagePreferences(accountId: account.id)
        var values = notice.params.merging(["name": account.displayName, "email": account.email]) { kept, _ in kept }
        var language = preferences.language
        var phone = preferences.phone
        let kind = notice.kind
        switch kind {
        case .orderPlaced, .orderPaid, .parcelShipped, .orderDelivered, .orderCancelled, .refundIssued, .serviceCaseUpdated:
            let orderId = [.parcelShipped, .refundIssued, .serviceCaseUpdated].contains(kind) ? notice.params["orderId"] ?? "" : notice.subjectId
            guard let order = try await orders.order(id: orderId) else { return nil }
            let market = try await markets.market(code: order.marketCode)
            language = language ?? market?.defaultLanguage
            phone = order.shippingAddress.phone
            values["number"] = order.number
            values["total"] = Money(minorUnits: order.totals.total, currency: order.currency).plain
            values["deadline"] = Self.when(order.paymentDeadline)
            values["link"] = "\(publicURL)/orders/\(order.id)"
            if kind == .parcelShipped, let parcel = order.shipments.first(where: { $0.id == notice.subjectId }) {
                values["carrier"] = parcel.carrier
                values["tracking"] = parcel.trackingNumber ?? "—"
            }
            if kind == .serviceCaseUpdated, let caseId = notice.params["caseId"], let status = notice.params["status"].flatMap(CaseStatus.init) {
                values["case"] = ServiceCase.number(caseId)
                values["step"] = MessageTexts.caseStep(status, language: language ?? "en")
                values["link"] = "\(publicURL)/service/\(caseId)"
            }
            if kind == .refundIssued, let refund = order.refunds.first(where: { $0.id == notice.subjectId }) {
                values["amount"] = Money(minorUnits: refund.amount, currency: order.currency).plain
            }
        case .saleOpening:
            guard let sale = try await sales.sale(id: notice.subjectId) else { return nil }
            if language == nil { language = try await markets.market(code: sale.marketCode)?.defaultLanguage }
            values["sale"] = sale.title
            values["opens"] = Self.when(sale.startsAt)
            values["link"] = "\(publicURL)/sales/\(sale.id)"
        case .preorderSlipped, .preorderLate:
            if language == nil, let market = notice.params["market"] { language = try await markets.market(code: market)?.defaultLanguage }
            values["link"] = "\(publicURL)/preorders/\(notice.subjectId)"
            phone = preferences.phone
        case .batchOpened:
            if language == nil, let market = notice.params["market"] { language = try await markets.market(code: market)?.defaultLanguage }
            values["link"] = "\(publicURL)/preorders/new?sku=\(notice.subjectId)"
            phone = preferences.phone
        case .auctionWon, .auctionSecondChance:
            if language == nil, let market = notice.params["market"] { language = try await markets.market(code: market)?.defaultLanguage }
            values["link"] = "\(publicURL)/auctions/\(notice.subjectId)"
            phone = preferences.phone
        case .releaseShipped:
            values["link"] = "\(publicURL)/releases/\(notice.subjectId)"
        case .emailVerification:
            values["link"] = "\(publicURL)/verify-email?token=\(notice.params["token"] ?? "")"
        case .passwordReset:
            values["link"] = "\(publicURL)/password-reset/\(notice.params["token"] ?? "")"
        case .passwordChanged, .emailChanged:
            values["when"] = Self.when(notice.createdAt)
            values["link"] = "\(publicURL)/password-reset"
        case .numberCode:
            phone = notice.params["phone"]
            values["link"] = "\(publicURL)/phone/disputes/\(notice.subjectId)"
        }
        values.removeValue(forKey: "token")
        let written = MessageTexts.write(kind, language: language ?? "en", values)
        return Message(
            written: written, name: account.displayName, emailTo: notice.params["to"] ?? account.email,
            phone: kind == .saleOpening ? preferences.phone : phone, preferences: preferences)
    }

    /// `2026-12-03`, the UTC day.
    public static func day(_ date: Date) -> String { String(date.formatted(.iso8601).prefix(10)) }

    /// `2026-12-03 18:30 UTC`.
    public static func when(_ date: Date) -> String {
        let c = Calendar.utc.dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }
}

extension MessageTexts {
    /// The HTML part of a plain-text message: the same words, paragraphs kept, links clickable.
    public static func html(_ text: String) -> String {
        let paragraphs = text.components(separatedBy: "\n\n").map { paragraph in
            "<p>" + paragraph.split(separator: "\n", omittingEmptySubsequences: false).map { linked(String($0)) }.joined(separator: "<br>") + "</p>"
        }
        return "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">" + paragraphs.joined() + "</body></html>"
    }

    /// Every `http://` or `https://` link in a text, wherever it starts (after a full-width colon,
    /// say), up to the next white space.
    public static func links(in text: String) -> [String] {
        pieces(text).compactMap { $0.isLink ? $0.text : nil }
    }

    /// A line escaped for HTML with its links made anchors.
    static func linked(_ line: String) -> String {
        pieces(line).map { $0.isLink ? "<a href=\"\(escape($0.text))\">\(escape($0.text))</a>" : escape($0.text) }.joined()
    }

    /// The text cut into links and what lies between them.
    static func pieces(_ text: String) -> [(text: String, isLink: Bool)] {
        var pieces: [(String, Bool)] = []
        var rest = Substring(text)
        while let start = [rest.range(of: "https://"), rest.range(of: "http://")].compactMap({ $0?.lowerBound }).min() {
            let end = rest[start...].firstIndex { $0.isWhitespace } ?? rest.endIndex
            if start > rest.startIndex { pieces.append((String(rest[..<start]), false)) }
            pieces.append((String(rest[start..<end]), true))
            rest = rest[end...]
        }
        if !rest.isEmpty { pieces.append((String(rest), false)) }
        return pieces
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
