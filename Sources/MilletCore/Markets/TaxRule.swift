/// A market's sales tax (VAT or GST) and whether shelf prices already include it.
public struct TaxRule: Hashable, Sendable, Codable {
    /// The rate in basis points: 1800 is 18%.
    public let rateBasisPoints: Int
    /// `true` where the law or custom shows prices with tax included (China, India, the EU, the UK).
    public let pricesIncludeTax: Bool

    public init(rateBasisPoints: Int, pricesIncludeTax: Bool) {
        self.rateBasisPoints = rateBasisPoints
        self.pricesIncludeTax = pricesIncludeTax
    }

    /// The tax part of a shelf amount and the amount the buyer pays.
    ///
    /// With tax-inclusive prices the shelf amount is what is paid and the tax is the part of it
    /// above the net; otherwise tax is added on top. Rounded half up to the minor unit, once,
    /// on the whole amount.
    public func apply(toShelfAmount shelf: Int64) -> (tax: Int64, payable: Int64) {
        let rate = Int64(rateBasisPoints)
        if pricesIncludeTax {
            let net = MinorUnitMath.scale(shelf, by: 10_000, over: 10_000 + rate)
            return (shelf - net, shelf)
        }
        let tax = MinorUnitMath.scale(shelf, by: rate, over: 10_000)
        return (tax, shelf + tax)
    }

    /// The price before tax for a shelf price.
    public func net(ofShelfPrice shelf: Int64) -> Int64 {
        pricesIncludeTax ? shelf - apply(toShelfAmount: shelf).tax : shelf
    }
}
