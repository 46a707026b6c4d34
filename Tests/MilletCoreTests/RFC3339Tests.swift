import Foundation
import MilletCore
import Testing

/// Date-times are read as RFC 3339 writes them, and nothing else is rolled over into a date.
struct RFC3339Tests {
    @Test func validDateTimesAreRead() {
        #expect(RFC3339.date("2027-01-15T08:00:00Z") == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(RFC3339.date("2027-01-15T13:30:00+05:30") == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(RFC3339.date("2027-01-15T03:00:00.5-05:00") == Date(timeIntervalSince1970: 1_800_000_000.5))
        #expect(RFC3339.date("2024-02-29T00:00:00Z") != nil)
    }

    @Test func impossibleOrMalformedOnesAreNot() {
        for text in ["2024-01-01T12:99:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01 12:00:00Z",
                     "2024-01-01T12:00:00", "2024-01-01T12:00:00.Z", "2024-01-01T12:00:00+5:00", "2024-01-01T12:00:00Zjunk", "yesterday", ""] {
            #expect(RFC3339.date(text) == nil, "\(text)")
        }
    }
}
