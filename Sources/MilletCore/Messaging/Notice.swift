import Foundation

/// Why a fan hears from the brand, by email and where it helps by SMS.
public enum NoticeKind: String, Codable, Sendable, CaseIterable {
    case orderPlaced = "order_placed"
    case orderPaid = "order_paid"
    case parcelShipped = "parcel_shipped"
    case orderDelivered = "order_delivered"
    case orderCancelled = "order_cancelled"
    case refundIssued = "refund_issued"
    case saleOpening = "sale_opening"
    /// The fan won an auction: order and pay by the deadline.
    case auctionWon = "auction_won"
    /// The winner did not pay: the unit is offered to the fan at their maximum.
    case auctionSecondChance = "auction_second_chance"
    /// The batch a fan pre-ordered from ships later: the new window, and cancel in one click.
    case preorderSlipped = "preorder_slipped"
    /// The batch a fan pre-ordered from missed its window, no new date yet: cancel in one click.
    case preorderLate = "preorder_late"
    /// A batch with a place opened for the SKU the fan was waiting for.
    case batchOpened = "batch_opened"
    case releaseShipped = "release_shipped"
    case emailVerification = "email_verification"
    case passwordReset = "password_reset"
    case passwordChanged = "password_changed"
    case emailChanged = "email_changed"
    case serviceCaseUpdated = "service_case_updated"
    /// The code that proves a disputed number is the fan's, texted to that number only.
    case numberCode = "number_code"

    /// The group a fan chooses to receive or not; legal and security notices always go.
    public var category: MessageCategory {
        switch self {
        case .orderPlaced, .orderCancelled, .refundIssued, .auctionWon, .auctionSecondChance, .preorderSlipped, .preorderLate: .legal
        case .emailVerification, .passwordReset, .passwordChanged, .emailChanged, .numberCode: .security
        case .orderPaid, .parcelShipped, .orderDelivered, .serviceCaseUpdated: .orderUpdates
        case .saleOpening, .batchOpened: .saleReminders
        case .releaseShipped: .community
        }
    }

    /// Whether an SMS goes too (when the fan has a number and keeps SMS on): what is worth a
    /// text message is what happens at the door or the minute a sale opens.
    public var textsToo: Bool {
        [.parcelShipped, .orderDelivered, .saleOpening, .batchOpened, .numberCode, .auctionWon, .auctionSecondChance, .preorderSlipped, .preorderLate].contains(self)
    }

    /// Whether an email goes: not for a code that proves a number, which only a text to that
    /// number may carry.
    public var emails: Bool { self != .numberCode }

    /// The notice an order's move to `status` gives its fan, if any.
    public static func forOrder(movingTo status: OrderStatus) -> NoticeKind? {
        switch status {
        case .pendingPayment: .orderPlaced
        case .paid: .orderPaid
        case .delivered: .orderDelivered
        case .cancelled: .orderCancelled
        case .shipped, .completed, .refunded: nil
        }
    }
}

/// Groups of notices as the preferences page offers them.
public enum MessageCategory: String, Codable, Sendable, CaseIterable {
    /// The contract: an order's confirmation, its cancellation, money paid back. Always sent.
    case legal
    /// The account itself: verification, reset, changes. Always sent.
    case security
    case orderUpdates = "order_updates"
    case saleReminders = "sale_reminders"
    case community

    /// Legal and security messages go whatever the fan chose.
    public var isMandatory: Bool { self == .legal || self == .security }

    /// The channels its notices travel by: email always, SMS where one of them texts too.
    public var channels: [MessageChannel] {
        NoticeKind.allCases.contains { $0.category == self && $0.textsToo } ? [.email, .sms] : [.email]
    }
}

/// How a message travels.
public enum MessageChannel: String, Codable, Sendable, CaseIterable {
    case email, sms
}

/// Something a fan should hear about, written in the transaction of the change that caused it
/// (the outbox): the courier turns it into messages and sends them, retrying until each channel
/// is sent, skipped or has failed for good.
public struct Notice: Hashable, Sendable, Codable {
    public let id: String
    public let accountId: String
    public let kind: NoticeKind
    /// The order, refund, sale, release or account it is about.
    public let subjectId: String
    /// At most one notice per key: an order is confirmed once however often its transaction is retried.
    public let key: String
    /// What the message needs that is not stored elsewhere: a link's token (cleared once sent),
    /// the address an email change left, a release's version.
    public var params: [String: String]
    public let createdAt: Date

    public init(
        id: String = Identifier.make(), accountId: String, kind: NoticeKind, subjectId: String, key: String? = nil,
        params: [String: String] = [:], createdAt: Date
    ) {
        self.id = id
        self.accountId = accountId
        self.kind = kind
        self.subjectId = subjectId
        self.key = key ?? "\(kind.rawValue):\(subjectId)"
        self.params = params
        self.createdAt = createdAt
    }
}

/// Where one channel of a notice is.
public enum DeliveryStatus: String, Codable, Sendable {
    case pending, sent, skipped, failed
}

/// A notice leased for sending, with where each channel is and how often it was tried.
public struct PendingNotice: Sendable {
    public let notice: Notice
    public let email: DeliveryStatus
    public let sms: DeliveryStatus
    public let attempts: Int

    public init(notice: Notice, email: DeliveryStatus, sms: DeliveryStatus, attempts: Int) {
        self.notice = notice
        self.email = email
        self.sms = sms
        self.attempts = attempts
    }
}

/// Notices inside a ``Transaction``.
public protocol NoticeLedger: Sendable {
    /// Writes the notice unless one with its key exists.
    func notify(_ notice: Notice) async throws
}
