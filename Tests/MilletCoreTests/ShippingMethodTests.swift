import Foundation
import MilletCore
import Testing

/// Shipping prices and delivery windows, without a database.
struct ShippingMethodTests {
    /// Friday 15 January 2027, 08:00 UTC.
    let friday = Date(timeIntervalSince1970: 1_800_000_000)

    func day(_ text: String) -> Date { try! Date(text + "T00:00:00Z", strategy: .iso8601) }

    @Test func weightIsPricedByEachKilogramBegun() {
        let rate = ShippingRate.byWeight(firstKg: 899, perExtraKg: 300)
        #expect(rate.price(weightGrams: 0) == 899)
        #expect(rate.price(weightGrams: 1_000) == 899)
        #expect(rate.price(weightGrams: 1_001) == 1_199)
        #expect(rate.price(weightGrams: 3_260) == 1_799)
        #expect(ShippingRate.flat(499).price(weightGrams: 25_000) == 499)
    }

    @Test func aMethodIsFreeFromItsThresholdOn() throws {
        let method = try ShippingMethod(
            market: DemoMarkets.spain, code: "standard", names: ["es": " Envío estándar "], rate: .flat(499), freeOver: 5_000,
            minDays: 2, maxDays: 4, position: 0, active: true)
        #expect(method.names["es"] == "Envío estándar")
        #expect(method.quote(subtotal: 4_999, weightGrams: 420, now: friday).price == 499)
        let free = method.quote(subtotal: 5_000, weightGrams: 420, now: friday)
        #expect(free.price == 0 && free.isFree)
        #expect(method.name(in: "en", market: DemoMarkets.spain) == "Envío estándar")
    }

    @Test func deliveryCountsWorkingDaysOnly() {
        // Placed on a Friday: one working day is Monday, four are Thursday.
        let window = DeliveryWindow(placedAt: friday, minDays: 1, maxDays: 4)
        #expect(window.earliest == day("2027-01-18") && window.latest == day("2027-01-21"))
        // Placed on a Saturday, nothing leaves before Monday: zero days is that Monday.
        let saturday = DeliveryWindow(placedAt: friday.addingTimeInterval(86_400), minDays: 0, maxDays: 5)
        #expect(saturday.earliest == day("2027-01-18") && saturday.latest == day("2027-01-25"))
    }

    @Test func aMethodIsCheckedAgainstItsMarket() {
        let make = { (code: String, names: [String: String], rate: ShippingRate, days: ClosedRange<Int>) in
            try ShippingMethod(market: DemoMarkets.india, code: code, names: names, rate: rate, freeOver: nil,
                               minDays: days.lowerBound, maxDays: days.upperBound, position: 0, active: true)
        }
        #expect(throws: DomainError.self) { try make("Express!", ["en": "Express"], .flat(100), 1...2) }
        #expect(throws: DomainError.self) { try make("express", ["hi": "एक्सप्रेस"], .flat(100), 1...2) }
        #expect(throws: DomainError.self) { try make("express", ["en": "Express", "es": "Urgente"], .flat(100), 1...2) }
        #expect(throws: DomainError.self) { try make("express", ["en": "Express"], .flat(-1), 1...2) }
        #expect(throws: DomainError.self) { try make("express", ["en": "Express"], .byWeight(firstKg: 100, perExtraKg: 2_000_000_000), 1...2) }
        #expect(throws: DomainError.self) {
            try ShippingMethod(market: DemoMarkets.india, code: "slow", names: ["en": "Slow"], rate: .flat(0), freeOver: nil,
                               minDays: 5, maxDays: 3, position: 0, active: true)
        }
        #expect(throws: Never.self) { try make("express", ["en": "Express", "hi": "एक्सप्रेस"], .byWeight(firstKg: 9_900, perExtraKg: 4_900), 1...2) }
    }
}
