import Testing
@testable import MilletCore

@Suite struct MoneyAndTaxTests {
    @Test func inclusiveTaxIsThePartAboveNetRoundedHalfUp() {
        // ₹2,139.00 at 18% GST included: net 1812.71186… → 181271, tax 32629.
        let gst = TaxRule(rateBasisPoints: 1800, pricesIncludeTax: true)
        #expect(gst.apply(toShelfAmount: 213_900) == (32_629, 213_900))
        #expect(gst.net(ofShelfPrice: 213_900) == 181_271)
    }

    @Test func exclusiveTaxIsAddedOnTop() {
        let salesTax = TaxRule(rateBasisPoints: 825, pricesIncludeTax: false)
        // 1999 * 8.25% = 164.9175 → 165.
        #expect(salesTax.apply(toShelfAmount: 1_999) == (165, 2_164))
    }

    @Test func zeroDigitCurrencyRoundsToWholeUnits() {
        // Rupiah has no minor unit: Rp 2,637,000 with 11% PPN included.
        let ppn = TaxRule(rateBasisPoints: 1100, pricesIncludeTax: true)
        let (tax, payable) = ppn.apply(toShelfAmount: 2_637_000)
        #expect(payable == 2_637_000)
        #expect(tax == 2_637_000 - 2_375_676)
    }

    @Test func halfUpRoundingIsSymmetricAroundZero() {
        #expect(MinorUnitMath.scale(5, by: 1, over: 2) == 3)
        #expect(MinorUnitMath.scale(-5, by: 1, over: 2) == -3)
        #expect(MinorUnitMath.scale(4, by: 1, over: 2) == 2)
    }

    @Test func moneyRefusesMixedCurrenciesAndOverflow() throws {
        #expect(throws: DomainError.self) { try Money(minorUnits: 1, currency: "INR") + Money(minorUnits: 1, currency: "EUR") }
        #expect(throws: DomainError.self) { try Money(minorUnits: Int64.max, currency: "INR").times(2) }
        #expect(try Money(minorUnits: 250, currency: "EUR").times(3) == Money(minorUnits: 750, currency: "EUR"))
    }

    @Test func orderTotalsAddShippingOnceAndTaxOnTheWhole() throws {
        let totals = try OrderTotals.compute(lines: [(1_000, 2), (499, 1)], market: DemoMarkets.spain)
        #expect(totals.subtotal == 2_499)
        #expect(totals.shipping == 499)
        #expect(totals.total == 2_998)
        // 2998 / 1.21 = 2477.69 → net 2478, tax 520.
        #expect(totals.tax == 520)
        let empty = try OrderTotals.compute(lines: [], market: DemoMarkets.spain)
        #expect(empty.shipping == 0 && empty.total == 0)
    }
}

@Suite struct PricingPolicyTests {
    let cost = CostBasis(billOfMaterials: 80_000, logistics: 15_000, duty: 5_000)

    @Test func priceAtTheCapIsAcceptedAndOneUnitAboveIsRefused() throws {
        let untaxed = TaxRule(rateBasisPoints: 0, pricesIncludeTax: true)
        let policy = PricingPolicy(marginCapBasisPoints: 500)
        try policy.check(SKUPrice(skuId: "s", marketCode: "GB", shelfPrice: 105_000, cost: cost), tax: untaxed)
        #expect(throws: DomainError.conflict(code: "margin_cap_exceeded", message: "price before tax 105001 is above cost 100000 plus the 5% hardware margin cap (at most 105000)")) {
            try policy.check(SKUPrice(skuId: "s", marketCode: "GB", shelfPrice: 105_001, cost: cost), tax: untaxed)
        }
    }

    @Test func capIsCheckedOnThePriceBeforeTax() throws {
        let vat = TaxRule(rateBasisPoints: 2000, pricesIncludeTax: true)
        // 126,000 including 20% VAT is 105,000 net: exactly at the cap.
        try PricingPolicy().check(SKUPrice(skuId: "s", marketCode: "GB", shelfPrice: 126_000, cost: cost), tax: vat)
        #expect(throws: DomainError.self) {
            try PricingPolicy().check(SKUPrice(skuId: "s", marketCode: "GB", shelfPrice: 126_100, cost: cost), tax: vat)
        }
    }

    @Test func breakdownAddsUpToThePrice() {
        let vat = TaxRule(rateBasisPoints: 2000, pricesIncludeTax: true)
        let b = PricingPolicy().breakdown(of: SKUPrice(skuId: "s", marketCode: "GB", shelfPrice: 123_456, cost: cost), tax: vat)
        #expect(b.billOfMaterials + b.logistics + b.duty + b.tax + b.margin == b.price)
    }

    @Test func negativeOrHugeNumbersAreInvalidNotConflicts() {
        #expect(throws: DomainError.invalidInput(message: "price: must be a positive amount", fields: ["price": "must be a positive amount"])) {
            try PricingPolicy().check(SKUPrice(skuId: "s", marketCode: "GB", shelfPrice: -1, cost: cost), tax: TaxRule(rateBasisPoints: 0, pricesIncludeTax: true))
        }
    }

    @Test func demoPricesAreAllWithinTheCap() {
        for market in DemoMarkets.all {
            for product in DemoData.products {
                for variant in product.variants {
                    let price = DemoData.price(costInFen: variant.costInFen, market: market, localFactory: false)
                    #expect(throws: Never.self) {
                        try PricingPolicy().check(SKUPrice(skuId: "s", marketCode: market.code, shelfPrice: price.shelf, cost: price.cost), tax: market.tax)
                    }
                }
            }
        }
    }

    @Test func typedAmountsBecomeMinorUnitsOrAreRefused() throws {
        let rupee = Currency(code: "INR", minorDigits: 2), rupiah = Currency(code: "IDR", minorDigits: 0)
        #expect(try rupee.minorUnits(parsing: "10", field: "amount") == 1_000)
        #expect(try rupee.minorUnits(parsing: " 10.5 ", field: "amount") == 1_050)
        #expect(try rupee.minorUnits(parsing: "0.05", field: "amount") == 5)
        #expect(try rupiah.minorUnits(parsing: "1500000", field: "amount") == 1_500_000)
        for bad in ["", "-1", "1.", ".5", "1.005", "1,50", "1e3", "١٠", "1.2.3", "9999999999999999"] {
            #expect(throws: DomainError.self, "\(bad)") { try rupee.minorUnits(parsing: bad, field: "amount") }
        }
        #expect(throws: DomainError.self) { try rupiah.minorUnits(parsing: "10.5", field: "amount") }
        #expect(Money(minorUnits: 1_050, currency: "INR").plain == "INR 10.50")
        #expect(Money(minorUnits: 5, currency: "EUR").plain == "EUR 0.05")
        #expect(Money(minorUnits: 1_500_000, currency: "IDR").plain == "IDR 1500000")
    }
}
