import Foundation

/// Build to order: staff open production batches for a SKU in a market; fans pre-order a unit
/// (a deposit order now, the balance when the batch is packed); staff tell every buyer when a
/// batch slips, and pack it. Every use case is one transaction.
public struct PreorderDesk: Sendable {
    let store: any UnitOfWork
    let preorders: any PreorderRepository
    let catalog: any CatalogRepository
    let markets: any MarketRepository
    private let delivery: DeliveryOptions
    let clock: any MilletClock

    /// How long a balance order waits for payment once its batch is packed.
    public static let balanceWindow: TimeInterval = 72 * 3600

    public init(store: any UnitOfWork, preorders: any PreorderRepository, catalog: any CatalogRepository, markets: any MarketRepository,
                delivery: DeliveryOptions, clock: any MilletClock) {
        self.store = store
        self.preorders = preorders
        self.catalog = catalog
        self.markets = markets
        self.delivery = delivery
        self.clock = clock
    }

    /// Opens a batch of a SKU in a market at its shelf price there.
    public func open(_ plan: BatchPlan) async throws -> ProductionBatch {
        let market = try await markets.requireMarket(plan.marketCode)
        guard Identifier.isWellFormed(plan.skuId), try await catalog.sku(id: plan.skuId) != nil,
              let shelf = try await catalog.price(skuId: plan.skuId, marketCode: market.code)
        else { throw DomainError.invalid(field: "skuId", "unknown SKU or not priced in \(market.code)") }
        var plan = plan
        plan.marketCode = market.code
        return try await preorders.createBatch(try plan.batch(price: shelf.shelfPrice, currency: market.currency.code, number: 0, now: clock.now()))
    }

    /// The batch, or `not_found`.
    public func batch(id: String) async throws -> ProductionBatch {
        guard Identifier.isWellFormed(id), let batch = try await preorders.batch(id: id) else { throw DomainError.notFound(what: "batch") }
        return batch
    }

    /// Batches soonest to ship first.
    public func batches(skuIds: [String]? = nil, marketCode: String? = nil, openOnly: Bool) async throws -> [ProductionBatch] {
        try await preorders.batches(skuIds: skuIds, marketCode: marketCode, openOnly: openOnly)
    }

    /// Pre-orders one unit of the SKU in the market, made with the options chosen (option code to
    /// choice code or text; the product's required options must be there): a place in the first
    /// batch that has one and an order for the deposit (the whole price with the options for full
    /// payment; shipping comes with the balance), in one transaction. The order's line and the
    /// options are named in the market's language, like the balance order's. `conflict(no_batch_place)`
    /// when no open batch has a place; the same idempotency key answers the pre-order placed
    /// before, even once its options are no longer sold.
    public func preorder(skuId: String, marketCode: String, by accountId: String, address: ShippingAddress, idempotencyKey: String,
                         options selection: [String: String] = [:]) async throws -> (preorder: Preorder, batch: ProductionBatch) {
        let market = try await markets.requireMarket(marketCode)
        guard Identifier.isWellFormed(skuId), let sku = try await catalog.sku(id: skuId), let product = try await catalog.product(id: sku.productId)
        else { throw DomainError.invalid(field: "skuId", "unknown SKU") }
        let typed = selection.compactMapValues { value in Optional(value.trimmingCharacters(in: .whitespaces)).flatMap { $0.isEmpty ? nil : $0 } }
        let request = IdempotentRequest.fingerprint(["preorder", skuId, market.code, address.name, address.line1, address.city, address.postcode, address.phone]
            + typed.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
        let chosen: [ChosenOption]
        do {
            chosen = try await catalog.options(productId: product.id).configure(typed, marketCode: market.code, language: market.defaultLanguage)
        } catch let refusal as DomainError {
            // A retry of a pre-order placed before the options changed answers that pre-order.
            if let earlier = try await store.transaction({ tx -> (Preorder, ProductionBatch)? in
                guard let preorder = try await tx.preorder(accountId: accountId, idempotencyKey: idempotencyKey, requestHash: request),
                      let batch = try await tx.batchInLedger(id: preorder.batchId) else { return nil }
                return (preorder, batch)
            }) { return earlier }
            throw refusal
        }
        let name = Self.unitName(product: product, sku: sku, options: chosen, language: market.defaultLanguage)
        let now = clock.now(), preorderId = Identifier.make(), orderId = Identifier.makeSequential()
        // Full payment takes the shipping now too, so packing has nothing left to charge: priced
        // here for each open batch's price (the transaction reads no other table).
        var quotes: [Int64: ShippingQuote] = [:]
        for batch in try await preorders.batches(skuIds: [skuId], marketCode: market.code, openOnly: true) where batch.isFullPayment {
            let unit = batch.price + chosen.price
            if quotes[unit] == nil { quotes[unit] = try await delivery.choose(nil, market: market, subtotal: unit, weightGrams: sku.weightGrams) }
        }
        let place = Placement(preorderId: preorderId, orderId: orderId, sku: sku, name: name, options: chosen, market: market, accountId: accountId,
                              address: address, idempotencyKey: idempotencyKey, request: request, quotes: quotes, now: now)
        return try await self.place(place)
    }

    /// "Millet Note 3 (black, 128GB)", with what its options make it after a dash.
    static func unitName(product: Product, sku: SKU, options: [ChosenOption], language: String) -> String {
        let name = product.text(in: language).name + " (\(sku.colour), \(sku.storage))"
        return options.isEmpty ? name : "\(name) — \(options.summary)"
    }

    /// What one pre-order takes, worked out before its transaction.
    private struct Placement {
        let preorderId, orderId: String
        let sku: SKU
        let name: String
        let options: [ChosenOption]
        let market: Market
        let accountId: String
        let address: ShippingAddress
        let idempotencyKey, request: String
        let quotes: [Int64: ShippingQuote]
        let now: Date
    }

    private func place(_ p: Placement) async throws -> (preorder: Preorder, batch: ProductionBatch) {
        try await store.transaction { tx in
            // The same key answers the pre-order it placed, even once every place is taken.
            if let earlier = try await tx.preorder(accountId: p.accountId, idempotencyKey: p.idempotencyKey, requestHash: p.request),
               let batch = try await tx.batchInLedger(id: earlier.batchId) {
                return (earlier, batch)
            }
            guard let batch = try await tx.takePlace(skuId: p.sku.id, marketCode: p.market.code, now: p.now) else {
                throw DomainError.conflict(code: "no_batch_place", message: "no open batch of this model has a place: the next one opens when staff size it")
            }
            let preorder = Preorder(id: p.preorderId, batchId: batch.id, accountId: p.accountId, depositOrderId: p.orderId, balanceOrderId: nil,
                                    status: .awaitingDeposit, address: p.address, createdAt: p.now, options: p.options)
            // Shipping is priced on the unit's price (a free-over threshold counts the whole price).
            var shipping: OrderShipping?, shippingPrice: Int64 = 0
            if batch.isFullPayment {
                guard let quote = p.quotes[preorder.unitPrice(in: batch)] else {
                    throw DomainError.conflict(code: "concurrent_update", message: "a batch opened meanwhile; try again")
                }
                shippingPrice = quote.price
                shipping = OrderShipping(methodCode: quote.method.code, methodName: quote.method.name(in: p.market.defaultLanguage, market: p.market),
                                         delivery: DeliveryWindow(earliest: batch.shipFrom, latest: batch.shipTo))
            }
            let deposit = preorder.deposit(in: batch)
            let totals = try OrderTotals.compute(lines: [(deposit, 1)], market: p.market, shipping: shippingPrice)
            let line = (skuId: OrderLine.serviceSKUPrefix + "preorder:\(batch.id)", skuCode: p.sku.code,
                        productName: "\(PreorderWords.of(p.market.defaultLanguage).line(fullPayment: batch.isFullPayment)): \(p.name), "
                            + PreorderWords.of(p.market.defaultLanguage).batch(batch.number), quantity: 1,
                        unitPrice: deposit)
            let draft = OrderDraft(id: p.orderId, accountId: p.accountId, market: p.market, lines: [line], totals: totals, shippingAddress: p.address,
                                   idempotencyKey: p.idempotencyKey, now: p.now, shipping: shipping, requestHash: p.request, preorderId: p.preorderId)
            let order = try await tx.place(draft)
            guard order.id == p.orderId else {
                throw DomainError.conflict(code: "idempotency_key_reused", message: "this key placed another order before")
            }
            try await tx.insert(preorder)
            return (preorder, batch)
        }
    }

    /// The fan's pre-orders with their batches, newest first.
    public func preorders(of accountId: String) async throws -> [(preorder: Preorder, batch: ProductionBatch)] {
        var found: [(Preorder, ProductionBatch)] = []
        for preorder in try await preorders.preorders(accountId: accountId) {
            if let batch = try await preorders.batch(id: preorder.batchId) { found.append((preorder, batch)) }
        }
        return found
    }

    /// The pre-order if `viewer` may see it (theirs, or staff); `not_found` otherwise.
    public func preorder(id: String, viewer: Account) async throws -> (preorder: Preorder, batch: ProductionBatch) {
        guard Identifier.isWellFormed(id), let preorder = try await preorders.preorder(id: id),
              preorder.accountId == viewer.id || viewer.role.isStaff, let batch = try await preorders.batch(id: preorder.batchId)
        else { throw DomainError.notFound(what: "pre-order") }
        return (preorder, batch)
    }

    /// Cancels a pre-order before its batch is packed, in one click: the deposit order is
    /// cancelled and a paid deposit refunded in full through the outbox; the place goes back to
    /// the batch. `conflict(preorder_closed)` once packed or cancelled.
    public func cancel(preorderId: String, by viewer: Account) async throws -> Preorder {
        let depositOrderId = try await preorder(id: preorderId, viewer: viewer).preorder.depositOrderId
        let now = clock.now(), actor = viewer.role.isStaff ? "staff:\(viewer.id)" : "account:\(viewer.id)"
        return try await store.transaction { tx in
            // Locked in the order every use case takes them: the order, then the pre-order.
            _ = try await tx.order(id: depositOrderId)
            guard let preorder = try await tx.preorderInLedger(id: preorderId) else { throw DomainError.notFound(what: "pre-order") }
            guard preorder.status.holdsPlace else {
                throw DomainError.conflict(code: "preorder_closed", message: "a pre-order that is \(preorder.status.rawValue) cannot be cancelled here")
            }
            _ = try await OrderDesk.applyRefunding(tx, .cancel, orderId: preorder.depositOrderId, actor: actor, note: "pre-order cancelled", now: now)
            // The order's move cancelled the pre-order and freed its place.
            return try await tx.preorderInLedger(id: preorderId)!
        }
    }

    /// Moves a batch's window later and tells every buyer holding a place, in the same
    /// transaction (the outbox sends it at once): the new window and a link to cancel in one
    /// click with a full refund.
    public func slip(batchId: String, shipFrom: Date, shipTo: Date) async throws -> ProductionBatch {
        let now = clock.now()
        return try await store.transaction { tx in
            guard Identifier.isWellFormed(batchId), let batch = try await tx.batchInLedger(id: batchId) else { throw DomainError.notFound(what: "batch") }
            let moved = try batch.slipping(to: shipFrom, shipTo, now: now)
            try await tx.update(moved)
            let window = MessageCourier.day(shipFrom) + " – " + MessageCourier.day(shipTo)
            for preorder in try await tx.placedPreorders(batchId: batchId) {
                try await tx.notify(Notice(accountId: preorder.accountId, kind: .preorderSlipped, subjectId: preorder.id,
                                           key: "preorder_slipped:\(preorder.id):\(moved.slips)",
                                           params: ["window": window, "batch": String(batch.number), "market": batch.marketCode], createdAt: now))
            }
            try await tx.publish(.batchSlipped, data: ["batchId": batchId, "skuId": batch.skuId, "market": batch.marketCode,
                                                       "shipFrom": shipFrom.formatted(.iso8601), "shipTo": shipTo.formatted(.iso8601)], at: now)
            return moved
        }
    }

    /// Packs a built batch in one transaction: its units are received into `warehouseId`, each
    /// pre-order with its deposit paid gets its balance order (the price less the deposit, plus
    /// shipping unless paid with the pre-order, holding one of those units, to pay within
    /// ``balanceWindow``; one with nothing left to pay is paid at once), and pre-orders whose
    /// deposit never came are cancelled; `conflict(deposit_being_captured)` while a deposit's
    /// payment is authorized and not yet captured.
    public func pack(batchId: String, warehouseId: String, by staff: Account) async throws -> (batch: ProductionBatch, balanceOrders: [Order]) {
        let batch = try await batch(id: batchId)
        let market = try await markets.requireMarket(batch.marketCode)
        guard let sku = try await catalog.sku(id: batch.skuId), let product = try await catalog.product(id: sku.productId) else {
            throw DomainError.notFound(what: "SKU")
        }
        let known = try await preorders.placedPreorders(batchId: batchId)
        // Shipping is priced on each unit's price (options make them differ); a pre-order placed
        // meanwhile at a price not seen here has packing tried again.
        var priced: [Int64: ShippingQuote] = [:]
        for unit in Set([batch.price] + known.map { $0.unitPrice(in: batch) }) {
            priced[unit] = try await delivery.choose(nil, market: market, subtotal: unit, weightGrams: sku.weightGrams)
        }
        let quotes = priced
        let now = clock.now(), actor = "staff:\(staff.id)"
        return try await store.transaction { tx in
            // Locked in the order every use case takes them: the deposit orders (a payment
            // decided meanwhile is seen), then the batch; a pre-order placed meanwhile is locked after.
            for preorder in known { _ = try await tx.order(id: preorder.depositOrderId) }
            guard var locked = try await tx.batchInLedger(id: batchId) else { throw DomainError.notFound(what: "batch") }
            guard locked.status == .open else { throw DomainError.conflict(code: "batch_packed", message: "the batch is packed already") }
            guard locked.mayBePacked else {
                throw DomainError.conflict(code: "campaign_not_funded", message: "a crowdfunded batch is packed once it reached its goal")
            }
            var paid: [Preorder] = []
            for preorder in try await tx.placedPreorders(batchId: batchId) {
                guard let deposit = try await tx.order(id: preorder.depositOrderId) else { continue }
                if deposit.status == .paid {
                    paid.append(preorder)
                } else if try await tx.payments(orderId: deposit.id).contains(where: { $0.status == .authorized }) {
                    throw DomainError.conflict(code: "deposit_being_captured", message: "a deposit's payment is being captured; pack again in a minute")
                } else {
                    _ = try await tx.apply(.cancel, orderId: deposit.id, actor: actor, note: "deposit not paid when the batch was packed", now: now)
                }
            }
            try await tx.receive(skuId: batch.skuId, warehouseId: warehouseId, marketCode: batch.marketCode, units: paid.count)
            var orders: [Order] = []
            for var preorder in paid {
                guard let quote = quotes[preorder.unitPrice(in: batch)] else {
                    throw DomainError.conflict(code: "concurrent_update", message: "a pre-order was placed meanwhile; pack again")
                }
                // Full payment took the shipping with the pre-order.
                let totals = try OrderTotals.compute(lines: [(preorder.balance(in: batch), 1)], market: market,
                                                     shipping: batch.isFullPayment ? 0 : quote.price)
                let shipping = OrderShipping(methodCode: quote.method.code, methodName: quote.method.name(in: market.defaultLanguage, market: market),
                                             delivery: quote.delivery)
                let name = Self.unitName(product: product, sku: sku, options: preorder.options, language: market.defaultLanguage)
                let draft = OrderDraft(
                    id: Identifier.makeSequential(), accountId: preorder.accountId, market: market,
                    lines: [(sku.id, sku.code, "\(name), " + PreorderWords.of(market.defaultLanguage).batch(batch.number), 1, preorder.balance(in: batch))],
                    totals: totals,
                    shippingAddress: preorder.address, idempotencyKey: "preorder-balance:\(preorder.id)", now: now, shipping: shipping,
                    preorderId: preorder.id, holdIn: warehouseId, deadline: now.addingTimeInterval(Self.balanceWindow))
                var order = try await tx.place(draft)
                preorder.balanceOrderId = order.id
                preorder.status = .balanceDue
                try await tx.update(preorder)
                if order.totals.total == 0 {
                    _ = try await tx.apply(.pay, orderId: order.id, actor: actor, note: "paid in full with the pre-order", now: now)
                    order = try await tx.order(id: order.id)!
                }
                orders.append(order)
            }
            locked.status = .packed
            try await tx.update(locked)
            try await tx.publish(.batchPacked, data: ["batchId": batchId, "skuId": batch.skuId, "market": batch.marketCode, "units": String(paid.count)], at: now)
            return (locked, orders)
        }
    }

    /// Decides every crowdfunded batch whose deadline passed, each in one transaction: with at
    /// least its goal of paid pre-orders it is funded and goes on to packing (deposits still
    /// unpaid keep their deadline); below it, every pre-order is cancelled and every paid deposit
    /// refunded in full through the outbox, and the batch fails. Answers the batches decided and
    /// those whose step failed (tried again next time).
    @discardableResult
    public func settleCampaigns() async throws -> (decided: [ProductionBatch], failed: [(batchId: String, error: any Error)]) {
        let now = clock.now()
        let due = try await store.transaction { tx in try await tx.campaignsDue(now: now).map(\.id) }
        var decided: [ProductionBatch] = [], failed: [(String, any Error)] = []
        for id in due {
            // One campaign that fails to settle does not hold the others up; it is tried again next time.
            do {
                if let batch = try await settle(campaign: id, now: now) { decided.append(batch) }
            } catch {
                failed.append((id, error))
            }
        }
        return (decided, failed)
    }

    private func settle(campaign id: String, now: Date) async throws -> ProductionBatch? {
        let actor = "system:crowdfunding"
        return try await store.transaction { tx in
            guard var batch = try await tx.batchInLedger(id: id), let goal = batch.goal, batch.status == .open, batch.fundedAt == nil,
                  let ends = batch.fundingEnds, ends <= now else { return nil }
            let placed = try await tx.placedPreorders(batchId: batch.id)
            let backers = placed.filter { $0.status == .reserved }.count
            if backers >= goal {
                batch.fundedAt = now
                try await tx.update(batch)
                try await tx.publish(.campaignFunded, data: ["batchId": batch.id, "skuId": batch.skuId, "market": batch.marketCode,
                                                             "backers": String(backers), "goal": String(goal)], at: now)
                return batch
            }
            for preorder in placed {
                guard let deposit = try await tx.order(id: preorder.depositOrderId) else { continue }
                _ = try await OrderDesk.applyRefunding(tx, .cancel, orderId: deposit.id, actor: actor, note: "the campaign missed its goal", now: now)
            }
            batch.status = .failed
            try await tx.update(batch)
            try await tx.publish(.campaignFailed, data: ["batchId": batch.id, "skuId": batch.skuId, "market": batch.marketCode,
                                                         "backers": String(backers), "goal": String(goal)], at: now)
            return batch
        }
    }

    /// Tells the buyers of every open batch whose window ended without a slip or packing that it
    /// is late, with no new date yet and a one-click cancel (the outbox sends it at once): a
    /// promise that passes is never left silent. One transaction; answers the batches told.
    @discardableResult
    public func tellLateBatches() async throws -> [ProductionBatch] {
        let now = clock.now()
        return try await store.transaction { tx in
            let late = try await tx.lateBatches(now: now)
            for batch in late {
                for preorder in try await tx.placedPreorders(batchId: batch.id) {
                    try await tx.notify(Notice(accountId: preorder.accountId, kind: .preorderLate, subjectId: preorder.id,
                                               key: "preorder_late:\(preorder.id):\(batch.slips)",
                                               params: ["batch": String(batch.number), "market": batch.marketCode], createdAt: now))
                }
                try await tx.markToldLate(batchId: batch.id, at: now)
                try await tx.publish(.batchLate, data: ["batchId": batch.id, "skuId": batch.skuId, "market": batch.marketCode,
                                                        "shipTo": batch.shipTo.formatted(.iso8601)], at: now)
            }
            return late
        }
    }

    /// What the batch builds, each unit with its options; `not_found` for an unknown batch.
    public func buildList(batchId: String) async throws -> BatchBuildList {
        let batch = try await batch(id: batchId)
        return BatchBuildList(batch: batch, units: try await preorders.buildList(batchId: batch.id))
    }

    /// Pre-orders and waiting-list joins per day since `since`, by SKU and market.
    public func demand(since: Date) async throws -> [DemandDay] {
        try await preorders.demand(since: since)
    }
}
