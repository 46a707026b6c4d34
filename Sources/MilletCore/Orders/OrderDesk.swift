import Foundation

/// Every use case that changes an order: place, cancel (by the fan, staff or the payment
/// deadline), ship with serials, deliver, complete, refund, and a provider's payment notice.
///
/// Each one is one transaction (``UnitOfWork``), so the rules are written here once and hold
/// whichever route, page or service calls: a cancel always returns the order's stock and any
/// flash-sale unit and refunds what was captured; a shipment with a refused serial ships nothing;
/// a refund is written to the outbox with the change that caused it and sent by ``RefundSender``.
public struct OrderDesk: Sendable {
    private let store: any UnitOfWork
    private let orders: any OrderRepository
    private let checkout: Checkout
    private let saleUnits: any SaleUnitReturns
    private let invoices: InvoiceIssuer
    private let clock: any MilletClock

    public init(
        store: any UnitOfWork, orders: any OrderRepository, catalog: any CatalogRepository, delivery: DeliveryOptions,
        saleUnits: any SaleUnitReturns, invoices: InvoiceIssuer, clock: any MilletClock
    ) {
        self.store = store
        self.invoices = invoices
        self.orders = orders
        self.checkout = Checkout(catalog: catalog, orders: orders, delivery: delivery, clock: clock)
        self.saleUnits = saleUnits
        self.clock = clock
    }

    /// Places an order for `items`; see ``Checkout/placeOrder(accountId:market:items:address:shippingMethod:buyerTaxId:idempotencyKey:requestHash:language:clearingCart:)``.
    public func place(
        accountId: String, market: Market, items: [CartItem], address: ShippingAddress, shippingMethod: String?,
        buyerTaxId: String? = nil, idempotencyKey: String, requestHash: String? = nil, language: String, clearingCart cartId: String?
    ) async throws -> (order: Order, created: Bool) {
        try await checkout.placeOrder(
            accountId: accountId, market: market, items: items, address: address, shippingMethod: shippingMethod,
            buyerTaxId: buyerTaxId, idempotencyKey: idempotencyKey, requestHash: requestHash, language: language, clearingCart: cartId)
    }

    /// The order as `viewer` may see it: their own, or any to staff. Another fan's order is
    /// `not_found`, so ids of other people's orders are not confirmed.
    public func order(id: String, viewer: Account) async throws -> Order {
        guard Identifier.isWellFormed(id), let order = try await orders.order(id: id),
              order.accountId == viewer.id || viewer.role.isStaff
        else { throw DomainError.notFound(what: "order") }
        return order
    }

    /// Cancels an order before it ships. Held stock goes back; a paid order's money is refunded.
    public func cancel(orderId: String, actor: String, note: String) async throws -> Order {
        try await move(.cancel, orderId: orderId, actor: actor, note: note)
    }

    /// A staff member's event as typed in the API or the console: its name, an optional note of
    /// at most 500 characters (the event's own words when absent).
    public func apply(staffEvent name: String, orderId: String, serials: [String], note: String?, staffId: String) async throws -> Order {
        guard let event = OrderEvent(rawValue: name), event != .pay, event != .expire else {
            throw DomainError.invalid(field: "event", "must be one of ship, deliver, complete, refund, cancel")
        }
        guard (note ?? "").count <= 500 else { throw DomainError.invalid(field: "note", "at most 500 characters") }
        guard Identifier.isWellFormed(orderId) else { throw DomainError.notFound(what: "order") }
        return try await apply(event, orderId: orderId, serials: serials, actor: "staff:\(staffId)", note: note ?? "\(event.rawValue) by staff")
    }

    /// Moves an order on by a staff event: ship (with the parcel's serials), deliver, complete,
    /// refund (the whole captured amount, the order ends) or cancel. `pay` and `expire` belong to
    /// the provider and the clock.
    public func apply(_ event: OrderEvent, orderId: String, serials: [String], actor: String, note: String) async throws -> Order {
        switch event {
        case .pay, .expire:
            throw DomainError.invalid(field: "event", "must be one of ship, deliver, complete, refund, cancel")
        case .ship:
            return try await ship(orderId: orderId, serials: serials, actor: actor, note: note)
        case .deliver, .complete, .refund, .cancel:
            guard serials.isEmpty else { throw DomainError.invalid(field: "serials", "go with the ship event") }
            return try await move(event, orderId: orderId, actor: actor, note: note)
        }
    }

    /// Ships every unit not shipped yet in one parcel without a carrier (the console's quick
    /// `ship` event) and records the serials, all or nothing: a serial that went out in another
    /// order refuses the whole shipment. Parcels with a carrier go through ``ShippingDesk``.
    public func ship(orderId: String, serials: [String], actor: String, note: String) async throws -> Order {
        let request = try ShipmentRequest(carrier: "manual", trackingNumber: nil, lines: nil, serials: serials)
        let now = clock.now()
        return try await store.transaction { tx in
            _ = try await ShippingDesk.ship(tx, orderId: orderId, request, actor: actor, note: note, now: now)
            return try await tx.order(id: orderId)!
        }
    }

    /// Returns `amount` of what the order's payments captured, leaving the order where it is (a
    /// price adjustment, a missing accessory). Several may be made; together they never pass what
    /// was captured. To return everything and end the order, staff send the `refund` event.
    public func refund(orderId: String, amount: Int64, reason: String, actor: String) async throws -> Order {
        guard amount > 0 else { throw DomainError.invalid(field: "amount", "must be at least 1 minor unit") }
        let reason = reason.trimmed
        guard (1...500).contains(reason.count) else { throw DomainError.invalid(field: "reason", "is required (at most 500 characters)") }
        return try await store.transaction { tx in
            guard try await tx.order(id: orderId) != nil else { throw DomainError.notFound(what: "order") }
            let refundable = try await Self.refundable(tx, orderId: orderId)
            guard let (payment, left) = refundable.first(where: { $0.left >= amount }) else {
                let most = refundable.map(\.left).max() ?? 0
                throw DomainError.conflict(
                    code: "refund_exceeds_capture", message: "at most \(most) minor units of this order can still be refunded")
            }
            try await Self.request(tx, of: payment, amount: amount, settlesPayment: amount == left, reason: reason, actor: actor, now: clock.now())
            return try await tx.order(id: orderId)!
        }
    }

    /// Cancels every unpaid order whose payment deadline has passed; answers their ids.
    public func expireOverdue() async throws -> [String] {
        let now = clock.now()
        var expired: [String] = []
        for id in try await orders.overdueOrderIds(now: now, limit: 1000) {
            do {
                _ = try await move(.expire, orderId: id, actor: "system:payment-deadline", note: "payment deadline passed")
                expired.append(id)
            } catch DomainError.conflict {
                // Paid or cancelled between the query and the transition: nothing to expire.
            }
        }
        return expired
    }

    /// Applies a provider's verified payment notice once: the order is paid, the payment marked
    /// failed, or a payment that came after a cancel or the deadline is refunded through the
    /// outbox. A notice id seen before changes nothing and answers `.duplicate`.
    public func receive(_ notice: PaymentNotice, provider: String) async throws -> (outcome: PaymentOutcome, payment: Payment) {
        let now = clock.now()
        let (outcome, payment, release) = try await store.transaction { tx -> (PaymentOutcome, Payment, SaleRelease?) in
            // Every use case that changes an order's payments or refunds locks the order first, so
            // two notices for one payment (a double click on Pay, then Fail) are decided in turn.
            guard let found = try await tx.payment(id: notice.paymentId), found.provider == provider,
                  let order = try await tx.order(id: found.orderId), var payment = try await tx.payment(id: notice.paymentId)
            else { throw DomainError.notFound(what: "payment") }
            // The notice id is claimed first: a second delivery, even a concurrent one, finds it taken.
            guard try await tx.claim(notice, provider: provider, now: now) else { return (.duplicate, payment, nil) }
            guard notice.amount == payment.amount, notice.currency == payment.currency else {
                throw DomainError.conflict(code: "amount_mismatch", message: "the notice's amount does not match the payment")
            }
            var release: SaleRelease?
            let outcome: PaymentOutcome
            let actor = "provider:\(provider)"
            switch (payment.status, notice.kind) {
            case (.captured, _), (.refunded, _), (.voided, _), (.authorized, .authorized):
                outcome = .duplicate
            case (_, .failed):
                payment.status = .failed
                outcome = .paymentFailed
            case (_, .succeeded):
                (outcome, release) = try await self.taken(tx, payment: &payment, order: order, inTime: now < order.paymentDeadline, actor: actor, now: now)
            case (_, .authorized):
                if order.status == .pendingPayment && now < order.paymentDeadline {
                    // The fan paid in time: the deadline stops running while Millet captures.
                    payment.status = .authorized
                    try await tx.authorize(paymentId: payment.id, captureAt: now)
                    try await tx.note(orderId: order.id, actor: actor, note: "payment \(payment.id) authorized", at: now)
                    outcome = .captureScheduled
                } else {
                    if order.status == .pendingPayment {
                        _ = try await tx.apply(.expire, orderId: order.id, actor: actor, note: "payment arrived after the deadline", now: now)
                        release = try await tx.saleRelease(orderId: order.id)
                    }
                    // Nothing was taken: the hold is left to lapse at the provider.
                    payment.status = .voided
                    outcome = .voided
                }
            }
            if outcome != .duplicate { try await tx.setStatus(payment.status, paymentId: payment.id) }
            try await tx.settle(noticeId: notice.eventId, outcome: outcome)
            return (outcome, payment, release)
        }
        if let release { await saleUnits.released(release) }
        return (outcome, payment)
    }

    /// Takes a due capture for one send, in one transaction with its order locked. An order that
    /// was closed meanwhile (cancelled, or paid by another payment) is not captured: the payment
    /// becomes `voided` and `nil` is answered.
    public func leaseCapture(_ due: PendingCapture, until: Date) async throws -> PendingCapture? {
        let now = clock.now()
        return try await store.transaction { tx -> PendingCapture? in
            guard let order = try await tx.order(id: due.orderId),
                  let leased = try await tx.leaseCapture(paymentId: due.paymentId, dueAt: due.nextAttemptAt, until: until)
            else { return nil }
            guard order.status == .pendingPayment else {
                _ = try await tx.recordCapture(leased, settled: true, reference: nil, leasedUntil: until)
                try await tx.setStatus(.voided, paymentId: leased.paymentId)
                try await tx.note(
                    orderId: order.id, actor: "provider:\(leased.provider)",
                    note: "payment \(leased.paymentId) released uncaptured: the order is \(order.status.rawValue)", at: now)
                return nil
            }
            return leased
        }
    }

    /// Settles a capture the provider answered, in one transaction, if the sender still holds its
    /// lease (else `false`, nothing written). Captured: the order is paid (it was authorized in
    /// time, so a deadline that passed while capturing does not count), or, closed meanwhile, the
    /// money goes back through the refund outbox. Declined: the payment failed, the deadline runs
    /// again and the fan may pay once more.
    public func settleCapture(_ capture: PendingCapture, answer: CaptureAnswer, leasedUntil: Date) async throws -> Bool {
        let now = clock.now()
        let actor = "provider:\(capture.provider)"
        let (recorded, release) = try await store.transaction { tx -> (Bool, SaleRelease?) in
            guard let order = try await tx.order(id: capture.orderId), var payment = try await tx.payment(id: capture.paymentId) else { return (false, nil) }
            var reference: String?
            if case .captured(let value) = answer { reference = value }
            guard try await tx.recordCapture(capture, settled: true, reference: reference, leasedUntil: leasedUntil) else { return (false, nil) }
            var release: SaleRelease?
            switch answer {
            case .captured:
                (_, release) = try await self.taken(tx, payment: &payment, order: order, inTime: true, actor: actor, now: now)
            case .declined(let reason):
                payment.status = .failed
                try await tx.note(orderId: order.id, actor: actor, note: "capture of payment \(payment.id) declined: \(reason)", at: now)
            }
            try await tx.setStatus(payment.status, paymentId: payment.id)
            return (true, release)
        }
        if let release { await saleUnits.released(release) }
        return recorded
    }

    /// The money of `payment` was taken: the order is paid, and invoiced, if it still waits and the
    /// money came `inTime`; otherwise the order (if still waiting) expires and the money goes back through
    /// the refund outbox, stock untouched.
    private func taken(
        _ tx: any Transaction, payment: inout Payment, order: Order, inTime: Bool, actor: String, now: Date
    ) async throws -> (PaymentOutcome, SaleRelease?) {
        if order.status == .pendingPayment && inTime {
            _ = try await tx.apply(.pay, orderId: order.id, actor: actor, note: "payment \(payment.id) captured", now: now)
            payment.status = .captured
            // The invoice takes its number in the payment's transaction: no payment, no number.
            try await invoices.issueInvoice(tx, order: order, now: now)
            return (.orderPaid, nil)
        }
        var release: SaleRelease?
        if order.status == .pendingPayment {
            _ = try await tx.apply(.expire, orderId: order.id, actor: actor, note: "payment arrived after the deadline", now: now)
            release = try await tx.saleRelease(orderId: order.id)
        }
        // Cancelled, expired, or paid by another payment: the money goes back.
        try await Self.request(
            tx, of: payment, amount: payment.amount, settlesPayment: false, reason: "late payment \(payment.id)", actor: actor, now: now)
        payment.status = .refunded
        return (.refundedLate, release)
    }

    /// One lifecycle event in one transaction, with its payment effect; the flash-sale engine
    /// hears of a freed unit after the commit.
    private func move(_ event: OrderEvent, orderId: String, actor: String, note: String) async throws -> Order {
        let now = clock.now()
        let (order, release) = try await store.transaction { tx -> (Order, SaleRelease?) in
            // Only a move that can close an order concerns its pre-order.
            let preorder = [.cancel, .expire, .refund].contains(event) ? try await tx.preorder(ofOrder: orderId) : nil
            // A paid quote or plan is undone through its case or plan, which knows what was used.
            if event == .cancel, let found = try await tx.order(id: orderId), found.status != .pendingPayment, found.isServiceOnly {
                if preorder != nil {
                    throw DomainError.conflict(code: "preorder_order", message: "a paid pre-order deposit is cancelled through the pre-order")
                }
                throw DomainError.conflict(
                    code: "service_order", message: "a paid repair quote or service plan is cancelled through its service case or plan")
            }
            if event == .expire, try await tx.payments(orderId: orderId).contains(where: { $0.status == .authorized }) {
                throw DomainError.conflict(code: "payment_authorized", message: "the order's payment is authorized and being captured")
            }
            let effect = try await Self.applyRefunding(tx, event, orderId: orderId, actor: actor, note: note, now: now)
            if event == .deliver { try await ShippingDesk.deliverAll(tx, orderId: orderId, actor: actor, now: now) }
            // A pre-order's balance order closed (unpaid at its deadline, cancelled, returned):
            // the deposit goes back too.
            if let preorder, preorder.balanceOrderId == orderId {
                _ = try await Self.refund(tx, orderId: preorder.depositOrderId, upTo: .max, reason: "pre-order closed: \(note)", actor: actor, now: now)
            }
            let freed = effect.stock == .releaseHolds || effect.stock == .returnSold
            return (try await tx.order(id: orderId)!, freed ? try await tx.saleRelease(orderId: orderId) : nil)
        }
        if let release { await saleUnits.released(release) }
        return order
    }

    /// Moves the order by `event` inside the caller's transaction and, when the move gives the
    /// money back (``OrderEffect/refundPayment``), writes the refund of all that was captured and
    /// not yet refunded to the outbox.
    static func applyRefunding(_ tx: any Transaction, _ event: OrderEvent, orderId: String, actor: String, note: String, now: Date) async throws -> OrderEffect {
        let effect = try await tx.apply(event, orderId: orderId, actor: actor, note: note, now: now)
        if effect.refundPayment { _ = try await refund(tx, orderId: orderId, upTo: .max, reason: note, actor: actor, now: now) }
        return effect
    }

    /// Each captured payment of the order with how much of it is not yet refunded (refunds that
    /// failed for good do not count).
    static func refundable(_ tx: any Transaction, orderId: String) async throws -> [(payment: Payment, left: Int64)] {
        let refunds = try await tx.refunds(orderId: orderId).filter { $0.status != .failed }
        return try await tx.payments(orderId: orderId).filter { $0.status == .captured }.map { payment in
            (payment, payment.amount - refunds.filter { $0.paymentId == payment.id }.reduce(0) { $0 + $1.amount })
        }
    }

    /// Writes a refund to the outbox with a line on the order's timeline; a refund that returns
    /// the rest of a payment marks the payment refunded.
    @discardableResult
    static func request(
        _ tx: any Transaction, of payment: Payment, amount: Int64, settlesPayment: Bool, reason: String, actor: String, now: Date
    ) async throws -> Refund {
        let refund = Refund.requested(of: payment, amount: amount, reason: reason, actor: actor, now: now)
        try await tx.insert(refund)
        let money = Money(minorUnits: amount, currency: payment.currency).plain
        try await tx.note(orderId: payment.orderId, actor: actor, note: "refund of \(money) requested: \(reason)", at: now)
        if settlesPayment { try await tx.setStatus(.refunded, paymentId: payment.id) }
        return refund
    }

    /// Refunds up to `amount` of what the order's payments captured and is not refunded yet,
    /// from as many payments as it takes; answers the refunds written (none when nothing is left).
    static func refund(_ tx: any Transaction, orderId: String, upTo amount: Int64, reason: String, actor: String, now: Date) async throws -> [Refund] {
        var owed = amount
        var written: [Refund] = []
        for (payment, left) in try await refundable(tx, orderId: orderId) where left > 0 && owed > 0 {
            let part = min(left, owed)
            written.append(try await request(tx, of: payment, amount: part, settlesPayment: part == left, reason: reason, actor: actor, now: now))
            owed -= part
        }
        return written
    }

    /// A serial or tracking number: 4 to 64 letters, digits or dashes.
    static func isParcelCode(_ value: String) -> Bool {
        (4...64).contains(value.count) && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// The serials sent with a shipment, upper-cased: 4 to 64 letters, digits or dashes, none twice.
    static func validate(serials: [String]) throws -> [String] {
        let cleaned = serials.map { $0.uppercased() }
        var check = Validator()
        check.require(
            cleaned.allSatisfy(Self.isParcelCode),
            "serials", "must be 4 to 64 letters, digits or dashes each")
        check.require(Set(cleaned).count == cleaned.count, "serials", "must not repeat")
        try check.check()
        return cleaned
    }
}
