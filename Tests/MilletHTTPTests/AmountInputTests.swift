import Foundation
import MilletCore
import Testing
@testable import MilletHTTP

/// Amounts typed the way each page language writes money.
struct AmountInputTests {
    let gbp = Currency(code: "GBP", minorDigits: 2), eur = Currency(code: "EUR", minorDigits: 2), idr = Currency(code: "IDR", minorDigits: 0)

    func read(_ text: String, _ language: String, _ currency: Currency) -> Int64? {
        try? LocaleFormat(language: language, region: "GB").minorUnits(parsing: text, currency: currency, field: "maximum")
    }

    @Test func amountsAreReadAsTheLanguageWritesThem() {
        #expect(read("£1,250.50", "en", gbp) == 125_050 && read("1,000", "en", gbp) == 100_000 && read("250", "en", gbp) == 25_000)
        #expect(read("250.5", "en", gbp) == 25_050 && read("GBP 12.00", "en", gbp) == 1_200)
        #expect(read("305,00", "es", gbp) == 30_500 && read("1.234,56 €", "es", eur) == 123_456 && read("1.000", "es", gbp) == 100_000)
        #expect(read("Rp 150.000", "id", idr) == 150_000 && read("150.000", "id", idr) == 150_000 && read("150000", "id", idr) == 150_000)
        // Indian grouping, as the pages write rupees.
        #expect(read("₹1,50,000.00", "hi", Currency(code: "INR", minorDigits: 2)) == 15_000_000)
    }

    @Test func whatCouldBeReadTwoWaysIsRefused() {
        // A mark that cannot be a thousands mark nor a decimal one here: not guessed at.
        #expect(read("12.345", "en", gbp) == nil && read("12,5", "en", gbp) == nil && read("150,5", "id", idr) == nil)
        #expect(read("1.000,5.5", "es", gbp) == nil && read("abc", "en", gbp) == nil && read("-5", "en", gbp) == nil && read("1e9", "en", gbp) == nil)
        #expect(read("", "en", gbp) == nil && read("£", "en", gbp) == nil)
    }

    @Test func timesAreWrittenInTheMarketsTimeZoneWithItsOffset() {
        let winter = Date(timeIntervalSince1970: 1_796_445_000)  // 2026-12-05 04:30 UTC
        let summer = Date(timeIntervalSince1970: 1_782_900_000)  // 2026-07-01 10:00 UTC
        #expect(LocaleFormat(language: "en", region: "IN").dateTime(winter) == "05/12/2026 10:00 UTC+5:30")
        #expect(LocaleFormat(language: "zh-Hans", region: "CN").dateTime(winter) == "2026-12-05 12:30 UTC+8")
        #expect(LocaleFormat(language: "en", region: "GB").dateTime(winter) == "05/12/2026 04:30 UTC")
        #expect(LocaleFormat(language: "en", region: "GB").dateTime(summer) == "01/07/2026 11:00 UTC+1")
        #expect(LocaleFormat(language: "es", region: "ES").dateTime(summer) == "01/07/2026 12:00 UTC+2")
        #expect(LocaleFormat(language: "id", region: "ID").dateTime(winter) == "05/12/2026 11:30 UTC+7")
        #expect(LocaleFormat(language: "en", region: "ZZ").dateTime(winter) == "05/12/2026 04:30 UTC")
    }
}
