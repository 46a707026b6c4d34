/// What one unit of a SKU costs the brand to put in a fan's hands in one market.
public struct CostBasis: Hashable, Sendable, Codable {
    /// Bill of materials and assembly.
    public let billOfMaterials: Int64
    /// Freight, warehousing and delivery.
    public let logistics: Int64
    /// Import duty.
    public let duty: Int64

    public init(billOfMaterials: Int64, logistics: Int64, duty: Int64) {
        self.billOfMaterials = billOfMaterials
        self.logistics = logistics
        self.duty = duty
    }

    /// The whole cost of one unit.
    public var total: Int64 { billOfMaterials + logistics + duty }
}

/// A SKU's shelf price and cost in one market, in minor units of the market currency.
public struct SKUPrice: Hashable, Sendable, Codable {
    public let skuId: String
    public let marketCode: String
    /// The price as shown on the shelf (tax included where the market shows it so).
    public let shelfPrice: Int64
    public let cost: CostBasis

    public init(skuId: String, marketCode: String, shelfPrice: Int64, cost: CostBasis) {
        self.skuId = skuId
        self.marketCode = marketCode
        self.shelfPrice = shelfPrice
        self.cost = cost
    }
}

/// The public "what you pay for" breakdown of one price.
public struct PriceBreakdown: Hashable, Sendable, Codable {
    public let billOfMaterials: Int64
    public let logistics: Int64
    public let duty: Int64
    public let tax: Int64
    /// What the brand keeps; negative when a unit is sold below cost.
    public let margin: Int64
    public let price: Int64
    /// Margin over cost in basis points.
    public let marginBasisPoints: Int64
}

/// The brand's promise of prices close to cost: the hardware margin over cost never exceeds a cap.
public struct PricingPolicy: Sendable, Hashable {
    /// The cap in basis points over cost; 500 is 5%.
    public let marginCapBasisPoints: Int

    public init(marginCapBasisPoints: Int = 500) {
        self.marginCapBasisPoints = marginCapBasisPoints
    }

    /// Splits a shelf price into cost, tax and margin under the market's tax rule.
    public func breakdown(of price: SKUPrice, tax rule: TaxRule) -> PriceBreakdown {
        let net = rule.net(ofShelfPrice: price.shelfPrice)
        let cost = price.cost.total
        let margin = net - cost
        return PriceBreakdown(
            billOfMaterials: price.cost.billOfMaterials, logistics: price.cost.logistics, duty: price.cost.duty,
            tax: price.shelfPrice - net, margin: margin, price: price.shelfPrice,
            marginBasisPoints: cost > 0 ? MinorUnitMath.scale(margin, by: 10_000, over: cost) : 0)
    }

    /// Refuses a price whose margin over cost is above the cap, or whose numbers are out of range.
    public func check(_ price: SKUPrice, tax rule: TaxRule) throws {
        var check = Validator()
        check.require(price.shelfPrice > 0 && price.shelfPrice < 1 << 40, "price", "must be a positive amount")
        check.require(price.cost.billOfMaterials >= 0 && price.cost.billOfMaterials < 1 << 40, "billOfMaterials", "must be 0 or more")
        check.require(price.cost.logistics >= 0 && price.cost.logistics < 1 << 40, "logistics", "must be 0 or more")
        check.require(price.cost.duty >= 0 && price.cost.duty < 1 << 40, "duty", "must be 0 or more")
        try check.check()
        let net = rule.net(ofShelfPrice: price.shelfPrice)
        let ceiling = price.cost.total + MinorUnitMath.scale(price.cost.total, by: Int64(marginCapBasisPoints), over: 10_000)
        guard net <= ceiling else {
            throw DomainError.conflict(
                code: "margin_cap_exceeded",
                message: "price before tax \(net) is above cost \(price.cost.total) plus the \(marginCapBasisPoints / 100)% hardware margin cap (at most \(ceiling))")
        }
    }
}
