import Foundation

extension Date {
    /// The calendar day in UTC as `2027-01-15`: delivery windows, tax documents.
    public var utcDay: String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: self)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
