import Foundation

/// One order with an eco-chain brand's units in it, as its settlement counts it.
public struct SettlementOrder: Hashable, Sendable {
    public let orderId: String
    public let number: String
    public let currency: String
    public let marketCode: String
    /// When it was paid (a sale counts in the period it was paid in).
    public let placedAt: Date
    /// The order's whole total, tax and shipping included.
    public let orderTotal: Int64
    /// What the brand's lines sold for, before tax; 0 when the order was paid before the period
    /// (it is here for a refund in the period).
    public let brandSales: Int64
    /// What the brand's lines were worth in the whole order (tax as the order shows it), for sharing out its refunds.
    public let brandLines: Int64
    /// Refunds of the order as a whole made in the period (a cancel, a staff refund).
    public let refunded: Int64
    /// What returns' refunds in the period took back of the brand's lines (each at most its refund).
    public let returned: Int64

    public init(orderId: String, number: String, currency: String, marketCode: String, placedAt: Date, orderTotal: Int64, brandSales: Int64,
                brandLines: Int64, refunded: Int64, returned: Int64 = 0) {
        self.returned = returned
        self.marketCode = marketCode
        self.orderId = orderId
        self.number = number
        self.currency = currency
        self.placedAt = placedAt
        self.orderTotal = orderTotal
        self.brandSales = brandSales
        self.brandLines = brandLines
        self.refunded = refunded
    }

    /// What refunds in the period take back from the brand, as the order shows money (tax
    /// included where the market's prices include it): its returned lines, and its share by value
    /// of refunds of the whole order.
    public var grossClawback: Int64 {
        returned + (orderTotal > 0 ? MinorUnitMath.scale(refunded, by: min(brandLines, orderTotal), over: orderTotal) : 0)
    }

    /// The same order with its brand sales and clawback before tax, as the brand is settled.
    func net(under rule: TaxRule) -> (sales: Int64, clawback: Int64) {
        (rule.net(ofShelfPrice: brandSales), rule.net(ofShelfPrice: grossClawback))
    }
}

/// What the store owes an eco-chain brand for a period, per currency and before tax (the store
/// remits the tax): its units' sales in orders paid in the period, less the store's commission,
/// less its share of refunds made in the period (with the commission on them returned).
public struct SettlementStatement: Sendable {
    public struct Total: Hashable, Sendable {
        public let currency: String
        public let sales: Int64
        public let commission: Int64
        public let clawback: Int64
        public let commissionReturned: Int64

        /// What is paid to the brand.
        public var payable: Int64 { sales - commission - clawback + commissionReturned }
    }

    public let organisationId: String
    public let from: Date
    public let to: Date
    public let commissionBasisPoints: Int
    public let orders: [SettlementOrder]
    /// Each order's brand sales and clawback before tax, by order id.
    public let net: [String: (sales: Int64, clawback: Int64)]

    public init(organisationId: String, from: Date, to: Date, commissionBasisPoints: Int, orders: [SettlementOrder], taxes: [String: TaxRule]) {
        self.net = Dictionary(uniqueKeysWithValues: orders.map { order in
            (order.orderId, taxes[order.marketCode].map(order.net(under:)) ?? (order.brandSales, order.grossClawback))
        })
        self.organisationId = organisationId
        self.from = from
        self.to = to
        self.commissionBasisPoints = commissionBasisPoints
        self.orders = orders
    }

    /// The calendar month (UTC) `date` falls in: its first instant and the next month's.
    public static func month(of date: Date) -> (start: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: date))!
        return (start, calendar.date(byAdding: .month, value: 1, to: start)!)
    }

    public var totals: [Total] {
        Dictionary(grouping: orders, by: \.currency).map { currency, orders in
            let sales = orders.reduce(0) { $0 + (net[$1.orderId]?.sales ?? 0) }, clawback = orders.reduce(0) { $0 + (net[$1.orderId]?.clawback ?? 0) }
            let rate = Int64(commissionBasisPoints)
            return Total(currency: currency, sales: sales, commission: MinorUnitMath.scale(sales, by: rate, over: 10_000), clawback: clawback,
                         commissionReturned: MinorUnitMath.scale(clawback, by: rate, over: 10_000))
        }.sorted { $0.currency < $1.currency }
    }
}

extension PartnerDesk {
    /// Now, by the desk's clock.
    public func now() -> Date { clock.now() }

    /// Sets the store's commission on an eco-chain brand's sales, in basis points (0 to 5000).
    public func setCommission(organisationId: String, basisPoints: Int) async throws -> PartnerOrganisation {
        let organisation = try await organisation(id: organisationId)
        guard organisation.kind == .ecoBrand else { throw DomainError.invalid(field: "organisationId", "only an eco-chain brand pays a commission") }
        guard (0...5_000).contains(basisPoints) else { throw DomainError.invalid(field: "basisPoints", "0 to 5000 (50%)") }
        try await store.transaction { tx in try await tx.setCommission(organisationId: organisation.id, basisPoints: basisPoints) }
        return try await self.organisation(id: organisation.id)
    }

    /// The brand's settlement statement for orders paid, and refunds made, from `from` up to `to`.
    public func settlement(organisationId: String, from: Date, to: Date) async throws -> SettlementStatement {
        let organisation = try await organisation(id: organisationId)
        guard organisation.kind == .ecoBrand else { throw DomainError.invalid(field: "organisationId", "only an eco-chain brand is settled") }
        guard from < to, to.timeIntervalSince(from) <= 400 * 86_400 else { throw DomainError.invalid(field: "to", "after from, within 400 days of it") }
        let taxes = Dictionary(uniqueKeysWithValues: try await markets.markets().map { ($0.code, $0.tax) })
        return SettlementStatement(organisationId: organisation.id, from: from, to: to, commissionBasisPoints: organisation.commissionBasisPoints,
                                   orders: try await partners.settlementOrders(brandId: organisation.id, from: from, to: to), taxes: taxes)
    }
}
