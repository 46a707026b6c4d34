import Foundation

/// Paid repairs: the quote staff give from the market's price list.
extension ServiceDesk {
    /// Staff price a paid repair from the market's list once the unit is inspected: an order of
    /// service lines for the fan to pay like any order (a quote given before, unpaid, is
    /// cancelled). `conflict(not_quotable)` for a free repair or a case not inspected, and
    /// `conflict(quote_paid)` once the fan paid.
    public func quote(caseId: String, parts codes: [String], staff: Account) async throws -> ServiceCase {
        guard Identifier.isWellFormed(caseId), let found = try await cases.serviceCase(id: caseId) else { throw DomainError.notFound(what: "service case") }
        guard !codes.isEmpty, Set(codes).count == codes.count, codes.count <= 20 else {
            throw DomainError.invalid(field: "parts", "1 to 20 price-list codes, none twice")
        }
        let list = try await parts.spareParts(marketCode: found.marketCode, includeInactive: false)
        let chosen = try codes.map { code in
            guard let part = list.first(where: { $0.code == code }) else { throw DomainError.invalid(field: "parts", "\(code) is not on the market's price list") }
            return part
        }
        guard let market = try await markets.market(code: found.marketCode) else { throw DomainError.notFound(what: "market") }
        let totals = try OrderTotals.compute(lines: chosen.map { ($0.price, 1) }, market: market, shipping: 0)
        let now = clock.now()
        return try await store.transaction { tx in
            guard let order = try await tx.order(id: found.orderId), var serviceCase = try await tx.serviceCase(id: caseId) else {
                throw DomainError.notFound(what: "service case")
            }
            guard serviceCase.remedy == .repairPaid, serviceCase.status == .inspected else {
                throw DomainError.conflict(code: "not_quotable", message: "only a paid repair that was inspected is quoted")
            }
            // A quote the fan paid stands; one waiting is replaced; one that expired is simply followed.
            if let previous = serviceCase.quoteOrderId, let quoted = try await tx.order(id: previous) {
                switch quoted.status {
                case .pendingPayment: _ = try await tx.apply(.cancel, orderId: previous, actor: "staff:\(staff.id)", note: "quote replaced", now: now)
                case .cancelled, .refunded: break
                default: throw DomainError.conflict(code: "quote_paid", message: "the fan paid the quote already")
                }
            }
            let draft = OrderDraft(
                id: Identifier.make(), accountId: serviceCase.accountId, market: market,
                lines: chosen.map { (skuId: $0.skuId, skuCode: $0.code, productName: $0.name, quantity: 1, unitPrice: $0.price) },
                totals: totals, shippingAddress: order.shippingAddress, idempotencyKey: "quote:\(caseId):\(serviceCase.history.count)", now: now)
            let quoted = try await tx.place(draft)
            serviceCase.quoteOrderId = quoted.id
            let money = Money(minorUnits: quoted.totals.total, currency: quoted.currency).plain
            try await tx.update(serviceCase, adding: CaseTransition(
                from: serviceCase.status, to: serviceCase.status, event: "quote", actor: "staff:\(staff.id)",
                note: "quote \(quoted.number): \(money) (\(codes.joined(separator: ", ")))", at: now))
            try await Self.announce(tx, serviceCase, step: "quote", now: now)
            return try await tx.serviceCase(id: caseId)!
        }
    }
}
