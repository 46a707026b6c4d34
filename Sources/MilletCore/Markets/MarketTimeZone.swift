import Foundation

/// The clock a market's pages read times in: its capital's time zone (the markets Millet starts
/// with), UTC for any other.
public enum MarketTimeZone {
    static let zones = ["CN": "Asia/Shanghai", "IN": "Asia/Kolkata", "ES": "Europe/Madrid", "GB": "Europe/London", "ID": "Asia/Jakarta"]

    public static func zone(of marketCode: String) -> TimeZone {
        zones[marketCode.uppercased()].flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
    }

    /// The market's offset at `date`, as a time's label.
    public static func label(of marketCode: String, at date: Date) -> String {
        label(zone(of: marketCode), at: date)
    }

    /// `UTC`, `UTC+8`, `UTC+5:30`, `UTC+1` (summer time included), as a time's label.
    public static func label(_ zone: TimeZone, at date: Date) -> String {
        let seconds = zone.secondsFromGMT(for: date)
        guard seconds != 0 else { return "UTC" }
        let hours = abs(seconds) / 3600, minutes = abs(seconds) % 3600 / 60
        return "UTC" + (seconds < 0 ? "-" : "+") + String(hours) + (minutes == 0 ? "" : String(format: ":%02d", minutes))
    }

    /// A `datetime-local` value (`2026-12-04T20:30`, seconds optional) read on the market's clock.
    public static func date(local text: String, in marketCode: String) -> Date? {
        formatter(marketCode, seconds: text.count > 16).date(from: text)
    }

    /// `2026-12-04T20:30` on the market's clock, as a `datetime-local` field shows it.
    public static func local(_ date: Date, in marketCode: String) -> String {
        formatter(marketCode, seconds: false).string(from: date)
    }

    private static func formatter(_ marketCode: String, seconds: Bool) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone(of: marketCode)
        formatter.dateFormat = seconds ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm"
        return formatter
    }
}
