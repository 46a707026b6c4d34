import Foundation

/// What a fan asks for.
public enum ServiceKind: String, Codable, Sendable, CaseIterable {
    /// Units go back for a refund (a withdrawal, or a fault in the return window).
    case `return`
    /// A faulty unit goes back for a new one.
    case exchange
    /// A faulty unit goes back to be repaired.
    case repair
}

/// Where a service case is. The goods are with the fan until `pickup_scheduled` or
/// `dropped_off`, with the brand from `received`.
public enum CaseStatus: String, Codable, Sendable, CaseIterable {
    case requested, approved, refused
    case pickupScheduled = "pickup_scheduled"
    case droppedOff = "dropped_off"
    case inTransit = "in_transit"
    case received, inspected, refunded, exchanged, repaired
    case shippedBack = "shipped_back"
    case closed, cancelled

    /// No event leaves it.
    public var isTerminal: Bool { self == .refused || self == .closed || self == .cancelled }

    /// The fan still holds the goods: they may cancel.
    public var goodsWithFan: Bool { self == .requested || self == .approved || self == .pickupScheduled }
}

/// Something that happens to a service case.
public enum CaseEvent: String, Codable, Sendable, CaseIterable {
    /// Staff accept a fault claim (a withdrawal in its window is approved by the rules).
    case approve
    /// Staff refuse it, with a reason.
    case refuse
    /// A courier will collect the goods.
    case schedulePickup = "schedule_pickup"
    /// The fan handed the goods in at a service centre.
    case dropOff = "drop_off"
    /// The courier collected the goods, or the centre sent them on.
    case dispatch
    /// The warehouse or service centre has the goods.
    case receive
    /// Staff graded the goods.
    case inspect
    /// The money goes back.
    case refund
    /// A new unit goes out instead.
    case exchange
    /// The unit was repaired.
    case repair
    /// The new or repaired unit is on its way to the fan.
    case shipBack = "ship_back"
    /// Nothing is left to do.
    case close
    /// The fan or staff cancel before the goods are received.
    case cancel
}

extension CaseEvent {
    /// It ends the case or gives money back: pages ask before they send it.
    public var isFinal: Bool { self == .refuse || self == .refund || self == .close || self == .cancel }
}

/// What the caller does, in the same transaction, when a case moves.
public struct CaseEffect: Equatable, Sendable {
    /// Money goes back through the refund outbox (if the case has not refunded already).
    public var requestRefund = false
    /// A new unit of the case's SKU leaves stock for the fan.
    public var takeReplacement = false

    public init(requestRefund: Bool = false, takeReplacement: Bool = false) {
        self.requestRefund = requestRefund
        self.takeReplacement = takeReplacement
    }
}

/// The one state machine for returns, exchanges and repairs, as a value: ``apply(_:)`` moves it
/// and answers the effect. Every transition not in the table is refused with `illegal_transition`.
public struct ServiceCaseLifecycle: Sendable, Equatable {
    public let kind: ServiceKind
    public private(set) var status: CaseStatus

    public init(kind: ServiceKind, status: CaseStatus) {
        self.kind = kind
        self.status = status
    }

    public mutating func apply(_ event: CaseEvent) throws -> CaseEffect {
        guard let (next, effect) = Self.transition(kind: kind, from: status, on: event) else {
            throw DomainError.conflict(
                code: "illegal_transition", message: "a \(kind.rawValue) case that is \(status.rawValue) cannot \(event.rawValue)")
        }
        status = next
        return effect
    }

    /// The transition table. A return's money goes back when the goods arrive (the law's
    /// deadline runs from the request, and the goods are what it may wait for); an exchange that
    /// cannot be made may still end in a refund; a repair that cannot be made, in an exchange.
    static func transition(kind: ServiceKind, from status: CaseStatus, on event: CaseEvent) -> (CaseStatus, CaseEffect)? {
        switch (status, event) {
        case (.requested, .approve): (.approved, CaseEffect())
        case (.requested, .refuse): (.refused, CaseEffect())
        case (.approved, .schedulePickup): (.pickupScheduled, CaseEffect())
        case (.approved, .dropOff), (.pickupScheduled, .dropOff): (.droppedOff, CaseEffect())
        case (.pickupScheduled, .dispatch), (.droppedOff, .dispatch): (.inTransit, CaseEffect())
        // Another day or centre for the courier.
        case (.pickupScheduled, .schedulePickup): (.pickupScheduled, CaseEffect())
        case (.droppedOff, .receive), (.inTransit, .receive): (.received, CaseEffect(requestRefund: kind == .return))
        case (.received, .inspect): (.inspected, CaseEffect())
        case (.inspected, .refund) where kind != .repair: (.refunded, CaseEffect(requestRefund: true))
        case (.inspected, .exchange) where kind != .return: (.exchanged, CaseEffect(takeReplacement: true))
        case (.inspected, .repair) where kind == .repair: (.repaired, CaseEffect())
        case (.exchanged, .shipBack), (.repaired, .shipBack): (.shippedBack, CaseEffect())
        case (.refunded, .close), (.shippedBack, .close): (.closed, CaseEffect())
        case (.requested, .cancel), (.approved, .cancel), (.pickupScheduled, .cancel), (.droppedOff, .cancel), (.inTransit, .cancel):
            (.cancelled, CaseEffect())
        default: nil
        }
    }

    /// The events a case accepts now; the console offers only these.
    public static func events(kind: ServiceKind, from status: CaseStatus) -> [CaseEvent] {
        CaseEvent.allCases.filter { transition(kind: kind, from: status, on: $0) != nil }
    }
}

/// What inspection decided for the goods that came back.
public enum InspectionGrade: String, Codable, Sendable, CaseIterable {
    /// As new: back on sale.
    case resell
    /// Sold again as refurbished.
    case refurbish
    /// Not worth selling.
    case scrap
}

/// Units of one SKU in a case.
public struct CaseLine: Hashable, Sendable, Codable {
    public let skuId: String
    public let quantity: Int

    public init(skuId: String, quantity: Int) {
        self.skuId = skuId
        self.quantity = quantity
    }
}

/// A photo the fan sent with a case (the fault, the damage, the unit in its box), kept by its
/// SHA-256 beside the firmware images.
public struct CasePhoto: Hashable, Sendable, Codable {
    public let sha256: String
    /// `image/jpeg` or `image/png`.
    public let contentType: String
    public let size: Int64
    public let at: Date

    /// At most this many per case.
    public static let limit = 3
    /// Bytes per photo at most.
    public static let maxSize = 5 * 1024 * 1024

    public init(sha256: String, contentType: String, size: Int64, at: Date) {
        self.sha256 = sha256
        self.contentType = contentType
        self.size = size
        self.at = at
    }

    /// The image type its first bytes show: JPEG or PNG, `nil` for anything else.
    public static func contentType(of head: [UInt8]) -> String? {
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        return nil
    }
}

/// One step of a case: from, to, by whom, when, why.
public struct CaseTransition: Hashable, Sendable, Codable {
    public let from: CaseStatus?
    public let to: CaseStatus
    public let event: String
    /// `account:<id>`, `staff:<id>`, `system:rules`, `system:refund-deadline`.
    public let actor: String
    public let note: String
    public let at: Date

    public init(from: CaseStatus?, to: CaseStatus, event: String, actor: String, note: String, at: Date) {
        self.from = from
        self.to = to
        self.event = event
        self.actor = actor
        self.note = note
        self.at = at
    }
}

/// A return, exchange or repair: what, why, the rule that decided it, its deadline and history.
public struct ServiceCase: Hashable, Sendable, Codable {
    public let id: String
    public let kind: ServiceKind
    public var status: CaseStatus
    public let accountId: String
    public let orderId: String
    public let marketCode: String
    /// The unit, for an exchange or a repair (a return may name one too).
    public let serial: String?
    public let lines: [CaseLine]
    public let ground: ServiceGround
    public let part: PartClass
    /// The fan's words about the fault.
    public let description: String
    public let remedy: Remedy
    public let ruleCode: String
    public let ruleTitle: String
    /// When the brand must have settled it (refunded, exchanged, repaired).
    public let deadline: Date
    /// Minor units the return gives back; 0 for an exchange or a repair.
    public let refundAmount: Int64
    public let currency: String
    /// The refund in the outbox, once written.
    public var refundId: String?
    public var grade: InspectionGrade?
    /// The unit the fan got back instead, after an exchange or a repair that replaced it.
    public var replacementSerial: String?
    public var pickupOn: String?
    /// The service centre that collects the goods or where they were handed in.
    public var centreId: String?
    public var photos: [CasePhoto]
    /// A paid repair's quote: an order of service lines the fan pays like any order.
    public var quoteOrderId: String?
    /// The spare parts a repair used, by price-list code.
    public var partsUsed: [String]
    public var history: [CaseTransition]
    public let createdAt: Date
    /// The eco-chain brand whose unit it is (every line, or the serial, is the brand's), whose
    /// service centres repair it; `nil` for the store's own products or a mix.
    public var brandId: String?

    public init(
        id: String, kind: ServiceKind, status: CaseStatus, accountId: String, orderId: String, marketCode: String, serial: String?,
        lines: [CaseLine], ground: ServiceGround, part: PartClass, description: String, remedy: Remedy, ruleCode: String, ruleTitle: String,
        deadline: Date, refundAmount: Int64, currency: String, refundId: String? = nil, grade: InspectionGrade? = nil,
        replacementSerial: String? = nil, pickupOn: String? = nil, centreId: String? = nil, photos: [CasePhoto] = [], quoteOrderId: String? = nil,
        partsUsed: [String] = [], history: [CaseTransition], createdAt: Date, brandId: String? = nil
    ) {
        self.brandId = brandId
        self.id = id
        self.kind = kind
        self.status = status
        self.accountId = accountId
        self.orderId = orderId
        self.marketCode = marketCode
        self.serial = serial
        self.lines = lines
        self.ground = ground
        self.part = part
        self.description = description
        self.remedy = remedy
        self.ruleCode = ruleCode
        self.ruleTitle = ruleTitle
        self.deadline = deadline
        self.refundAmount = refundAmount
        self.currency = currency
        self.refundId = refundId
        self.grade = grade
        self.replacementSerial = replacementSerial
        self.pickupOn = pickupOn
        self.centreId = centreId
        self.photos = photos
        self.quoteOrderId = quoteOrderId
        self.partsUsed = partsUsed
        self.history = history
        self.createdAt = createdAt
    }

    /// The number fans and staff quote, `S` and the first ten characters of its id.
    public var number: String { Self.number(id) }

    public static func number(_ id: String) -> String { "S" + id.prefix(10).uppercased() }

    /// The events it accepts now.
    public var events: [CaseEvent] { ServiceCaseLifecycle.events(kind: kind, from: status) }

    /// Settled: nothing more is owed to the fan under the deadline.
    public var isSettled: Bool {
        status.isTerminal || [.refunded, .exchanged, .repaired, .shippedBack].contains(status)
    }

    /// Staff should look now: 80% of the time to the deadline has gone and it is not settled.
    public func needsAttention(now: Date) -> Bool {
        !isSettled && now >= createdAt.addingTimeInterval(deadline.timeIntervalSince(createdAt) * 0.8)
    }
}
