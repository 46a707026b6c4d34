import Foundation

/// Date-times as the API document's `format: date-time` (RFC 3339) defines them, read strictly:
/// Foundation's ISO 8601 parser rolls `12:99` over to `13:39` and `02-30` into March, which would
/// store a time nobody typed.
public enum RFC3339 {
    /// `2027-01-15T08:00:00Z`, `2027-01-15T08:00:00.25+05:30`; `nil` for anything else, such as
    /// minute 99 or 30 February.
    public static func date(_ text: String) -> Date? {
        let c = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= c.count else { return nil }
            var value = 0
            for byte in c[from..<from + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func at(_ index: Int, _ options: String) -> Bool { index < c.count && options.utf8.contains(c[index]) }
        guard let year = number(0, 4), at(4, "-"), let month = number(5, 2), at(7, "-"), let day = number(8, 2), at(10, "Tt"),
              let hour = number(11, 2), at(13, ":"), let minute = number(14, 2), at(16, ":"), let second = number(17, 2),
              (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        let calendar = Calendar.utc
        guard let first = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
              let days = calendar.range(of: .day, in: .month, for: first), days.contains(day)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if at(index, ".") {
            var scale = 0.1
            index += 1
            let start = index
            while let digit = number(index, 1) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if at(index, "Zz") {
            index += 1
        } else if at(index, "+-"), let hours = number(index + 1, 2), at(index + 3, ":"), let minutes = number(index + 4, 2),
                  (0...23).contains(hours), (0...59).contains(minutes) {
            offset = (hours * 60 + minutes) * 60 * (c[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == c.count,
              let local = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
        else { return nil }
        return local.addingTimeInterval(fraction - Double(offset))
    }
}
