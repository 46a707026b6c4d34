import Foundation

extension Calendar {
    /// The Gregorian calendar in UTC, which every business date (delivery windows, release days,
    /// return windows, pickup days) is counted in.
    public static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

extension Date {
    /// The calendar day in UTC as `2027-01-15`: delivery windows, tax documents.
    public var utcDay: String {
        let parts = Calendar.utc.dateComponents(in: TimeZone(identifier: "UTC")!, from: self)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
