import Foundation
import MilletCore

/// Formats money and dates the way each page language writes them. Hand-written rather than
/// Foundation's locale data so output is the same on every machine.
struct LocaleFormat: Sendable {
    let language: String
    let region: String

    /// `language` is a page language (`en`, `hi`, `zh-Hans`, `es`, `id`); `region` the market code.
    init(language: String, region: String) {
        self.language = language
        self.region = region
    }

    static let symbols = ["CNY": "¥", "INR": "₹", "EUR": "€", "GBP": "£", "IDR": "Rp", "USD": "$", "JPY": "¥"]

    /// Minor units of an amount a person typed the way this language writes money: `1.234,56 €`
    /// in Spanish, `Rp 150.000` in Indonesian, `£1,250.50` in English. The symbol, code and spaces
    /// are left out; the last separator followed by at most the currency's decimals is the
    /// decimal one where the language writes decimals with it, any other separator groups
    /// thousands. Throws `invalid_input` on `field` as ``Currency/minorUnits(parsing:field:)`` does.
    func minorUnits(parsing text: String, currency: Currency, field: String) throws -> Int64 {
        var rest = text
        for affix in [currency.code, Self.symbols[currency.code] ?? ""] where !affix.isEmpty {
            rest = rest.replacingOccurrences(of: affix, with: "")
        }
        rest = rest.filter { !$0.isWhitespace }
        guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }) else {
            return try currency.minorUnits(parsing: text, field: field)
        }
        let decimalMark: Character = ["es", "id"].contains(language) ? "," : "."
        let groupMark: Character = decimalMark == "," ? "." : ","
        if let last = rest.lastIndex(where: { $0 == "." || $0 == "," }) {
            let tail = String(rest[rest.index(after: last)...]), head = rest[..<last]
            // Before the last separator only thousands marks; after a thousands mark three digits,
            // after the decimal mark no more decimals than the currency has. Anything else is refused.
            let isDecimal = rest[last] == decimalMark
            guard !head.contains(decimalMark), isDecimal ? currency.minorDigits > 0 && tail.count >= 1 && tail.count <= currency.minorDigits : tail.count == 3 else {
                return try currency.minorUnits(parsing: text, field: field)
            }
            let whole = head.filter { $0 != groupMark }
            rest = isDecimal ? whole + "." + tail : whole + tail
        }
        return try currency.minorUnits(parsing: rest, field: field)
    }


    /// An amount in a currency by its code, with the currency's own decimals.
    func money(_ minorUnits: Int64, currency: String) -> String {
        money(minorUnits, currency: currency, minorDigits: Currency.known[currency]?.minorDigits ?? 2)
    }

    /// `₹14,999.00`, `1.234,56 €`, `Rp 3.999.000`, `¥1,499.00`.
    func money(_ minorUnits: Int64, currency: String, minorDigits: Int) -> String {
        let negative = minorUnits < 0
        var divisor: Int64 = 1
        for _ in 0..<minorDigits { divisor *= 10 }
        let units = abs(minorUnits) / divisor, fraction = abs(minorUnits) % divisor
        let (group, decimal): (String, String) = ["es", "id"].contains(language) ? (".", ",") : (",", ".")
        var number = grouped(String(units), separator: group, indian: currency == "INR")
        if minorDigits > 0 {
            number += decimal + String(String(fraction).reversed()).padding(toLength: minorDigits, withPad: "0", startingAt: 0).reversed()
        }
        let symbol = Self.symbols[currency] ?? currency
        let body: String
        switch language {
        case "es": body = "\(number) \(symbol)"
        case "id": body = "\(symbol) \(number)"
        default: body = symbol + number
        }
        return negative ? "-" + body : body
    }

    /// `2026-11-25 01:05 UTC+8` in Chinese, `24/11/2026 22:35 UTC+5:30` elsewhere: in the
    /// market's time zone (``MarketTimeZone``), labelled with its offset that day.
    func dateTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        let zone = MarketTimeZone.zone(of: region)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        let time = "\(two(c.hour)):\(two(c.minute)) \(MarketTimeZone.label(zone, at: date))"
        if language == "zh-Hans" { return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(time)" }
        return "\(two(c.day))/\(two(c.month))/\(c.year ?? 0) \(time)"
    }

    /// `2026-12-08` in Chinese, `08/12/2026` elsewhere: a calendar day in UTC.
    func day(_ date: Date) -> String {
        let parts = date.utcDay.split(separator: "-")
        return language == "zh-Hans" ? parts.joined(separator: "-") : "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    /// Groups digits in threes, or the Indian way (last three, then twos: 1,23,45,678).
    private func grouped(_ digits: String, separator: String, indian: Bool) -> String {
        var groups: [String] = []
        var rest = Substring(digits)
        var size = 3
        while rest.count > size {
            groups.insert(String(rest.suffix(size)), at: 0)
            rest = rest.dropLast(size)
            if indian { size = 2 }
        }
        groups.insert(String(rest), at: 0)
        return groups.joined(separator: separator)
    }
}
