import Foundation

/// The clock a market's pages read times in: its capital's time zone (the markets Millet starts
/// with), UTC for any other.
public enum MarketTimeZone {
    static let zones = ["CN": "Asia/Shanghai", "IN": "Asia/Kolkata", "ES": "Europe/Madrid", "GB": "Europe/London", "ID": "Asia/Jakarta"]

    public static func zone(of marketCode: String) -> TimeZone {
        zones[marketCode.uppercased()].flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
    }

    /// `UTC`, `UTC+8`, `UTC+5:30`, `UTC+1` (summer time included), as a time's label.
    public static func label(_ zone: TimeZone, at date: Date) -> String {
        let seconds = zone.secondsFromGMT(for: date)
        guard seconds != 0 else { return "UTC" }
        let hours = abs(seconds) / 3600, minutes = abs(seconds) % 3600 / 60
        return "UTC" + (seconds < 0 ? "-" : "+") + String(hours) + (minutes == 0 ? "" : String(format: ":%02d", minutes))
    }
}
