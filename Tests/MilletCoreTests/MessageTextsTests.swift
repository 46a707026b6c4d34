import Foundation
import MilletCore
import Testing

/// Every message in every language, and what a fan may turn off.
struct MessageTextsTests {
    static let languages = ["en", "es", "hi", "id", "zh-Hans"]

    /// What the courier fills in for each kind.
    static let values: [String: String] = [
        "name": "Asha", "email": "asha@fans.test", "number": "M01ABC", "total": "INR 499.00", "deadline": "2027-01-15 08:30 UTC",
        "link": "https://shop.test/x", "carrier": "dhl", "tracking": "TRK-1", "amount": "INR 5.00", "sale": "Note 3 launch",
        "opens": "2027-01-15 09:00 UTC", "productLine": "phones", "version": "14.0.7", "channel": "stable", "when": "2027-01-15 08:00 UTC",
        "oldEmail": "old@fans.test", "case": "S0123456789", "step": "received", "code": "123456",
        "auction": "Note 3, serial 000001", "price": "GBP 245.00", "window": "2027-02-01 – 2027-02-14", "batch": "2",
        "product": "Millet Note 3 (black, 128GB)",
    ]

    @Test(arguments: NoticeKind.allCases) func everyKindIsWrittenInEveryLanguage(kind: NoticeKind) {
        let english = MessageTexts.write(kind, language: "en", Self.values)
        for language in Self.languages {
            let written = MessageTexts.write(kind, language: language, Self.values)
            #expect(!written.subject.contains("{") && !written.text.contains("{") && !written.sms.contains("{"), "\(kind) in \(language)")
            #expect(written.text.contains("https://shop.test/x"), "\(kind) in \(language) has its link")
            #expect(language == "en" || written.subject != english.subject, "\(kind) is translated into \(language)")
            #expect(written.sms.isEmpty != kind.textsToo, "\(kind) has an SMS exactly when it texts")
        }
    }

    @Test func everyCaseStepIsWordedInEveryLanguage() {
        for language in Self.languages {
            let words = CaseStatus.allCases.map { MessageTexts.caseStep($0, language: language) }
            #expect(Set(words).count == CaseStatus.allCases.count && words.allSatisfy { !$0.isEmpty }, "\(language)")
            #expect(language == "en" || MessageTexts.caseStep(.received, language: language) != "received", "\(language)")
        }
    }

    @Test func legalAndSecurityMessagesCannotBeTurnedOff() throws {
        let preferences = try MessagePreferences.validated(
            language: "hi", phone: " +91 98450 00000 ", muted: ["order_updates:sms", "community:email"], languages: Self.languages)
        #expect(preferences.phone == "+91 98450 00000")
        #expect(!preferences.wants(.orderUpdates, by: .sms) && preferences.wants(.orderUpdates, by: .email))
        #expect(preferences.wants(.legal, by: .email) && preferences.wants(.security, by: .email))
        #expect(throws: DomainError.self) { try MessagePreferences.validated(language: nil, phone: nil, muted: ["legal:email"], languages: Self.languages) }
        #expect(throws: DomainError.self) { try MessagePreferences.validated(language: nil, phone: nil, muted: ["community:sms"], languages: Self.languages) }
        #expect(throws: DomainError.self) { try MessagePreferences.validated(language: "fr", phone: nil, muted: [], languages: Self.languages) }
        #expect(throws: DomainError.self) { try MessagePreferences.validated(language: nil, phone: "12", muted: [], languages: Self.languages) }
    }

    @Test func addressesThatWouldBreakAnSMTPCommandAreRefused() {
        #expect(Registration.isEmail("asha@fans.test"))
        for bad in ["asha@fans.test\r\n.\r\nQUIT", "asha@fans.test\n", "a<b@fans.test", "asha@fans.test>", "as ha@fans.test", "asha@\u{0}fans.test", "asha.fans.test"] {
            #expect(!Registration.isEmail(bad), "\(bad.debugDescription)")
        }
        #expect(throws: DomainError.self) { try Registration(email: "x@y.test\r\nBcc: z@w.test", password: "long-enough", displayName: "X") }
    }

    @Test func theHTMLPartKeepsTheWordsAndMakesLinksClickable() {
        let html = MessageTexts.html("Hello <Asha> & co,\n\nopen https://shop.test/orders/1\nthanks")
        #expect(html.contains("<p>Hello &lt;Asha&gt; &amp; co,</p>"))
        #expect(html.contains("<a href=\"https://shop.test/orders/1\">https://shop.test/orders/1</a><br>thanks"))
        // Chinese puts a link right after a full-width colon.
        let chinese = MessageTexts.write(.orderPaid, language: "zh-Hans", ["link": "https://shop.test/orders/2?a=1&b=2"])
        #expect(MessageTexts.links(in: chinese.text) == ["https://shop.test/orders/2?a=1&b=2"])
        #expect(MessageTexts.html(chinese.text).contains("：<a href=\"https://shop.test/orders/2?a=1&amp;b=2\">"))
    }
}
