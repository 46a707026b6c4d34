import Foundation

/// Draws a rollout's install results over time as an SVG: installs per minute as bars, the
/// failure share of each minute as a line, and the halt threshold as a dashed line.
enum FailureRateChart {
    static func svg(_ minutes: [(minute: Date, installed: Int, failed: Int)], thresholdBasisPoints: Int, title: String) -> String {
        let width = 720.0, height = 260.0, left = 48.0, right = 48.0, top = 28.0, bottom = 36.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let most = Double(max(1, minutes.map { $0.installed + $0.failed }.max() ?? 1))
        let step = plotWidth / Double(max(1, minutes.count))
        let threshold = Double(thresholdBasisPoints) / 10_000
        // The failure axis runs to twice the threshold (at least 10%), so the threshold sits mid-chart.
        let rateTop = max(0.1, threshold * 2)
        func y(rate: Double) -> Double { top + plotHeight * (1 - min(rate, rateTop) / rateTop) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(escape(title))" class="chart">
            <text x="\(left)" y="18" font-size="13">\(escape(title))</text>
            <line x1="\(left)" y1="\(top + plotHeight)" x2="\(width - right)" y2="\(top + plotHeight)" stroke="#999"/>
            """
        var points: [String] = []
        for (index, minute) in minutes.enumerated() {
            let total = Double(minute.installed + minute.failed)
            let barHeight = plotHeight * total / most
            let x = left + Double(index) * step
            svg += "<rect x=\"\(fmt(x + step * 0.15))\" y=\"\(fmt(top + plotHeight - barHeight))\" width=\"\(fmt(step * 0.7))\" height=\"\(fmt(barHeight))\" fill=\"#cde\"/>"
            let rate = total == 0 ? 0 : Double(minute.failed) / total
            points.append("\(fmt(x + step / 2)),\(fmt(y(rate: rate)))")
        }
        svg += "<line x1=\"\(left)\" y1=\"\(fmt(y(rate: threshold)))\" x2=\"\(width - right)\" y2=\"\(fmt(y(rate: threshold)))\" stroke=\"#c40\" stroke-dasharray=\"6 4\"/>"
        svg += "<text x=\"\(width - right + 4)\" y=\"\(fmt(y(rate: threshold) + 4))\" font-size=\"11\" fill=\"#c40\">\(percent(threshold))</text>"
        if !points.isEmpty {
            svg += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#c00\" stroke-width=\"2\"/>"
        }
        svg += "<text x=\"4\" y=\"\(fmt(top + 10))\" font-size=\"11\">\(Int(most))/min</text>"
        svg += "<text x=\"\(width - right + 4)\" y=\"\(fmt(top + 10))\" font-size=\"11\" fill=\"#c00\">\(percent(rateTop))</text>"
        if let first = minutes.first, let last = minutes.last {
            let format = Date.FormatStyle(date: .omitted, time: .shortened).locale(Locale(identifier: "en_GB"))
            svg += "<text x=\"\(left)\" y=\"\(height - 12)\" font-size=\"11\">\(first.minute.formatted(format))</text>"
            svg += "<text x=\"\(width - right)\" y=\"\(height - 12)\" font-size=\"11\" text-anchor=\"end\">\(last.minute.formatted(format))</text>"
        }
        return svg + "</svg>"
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
    private static func percent(_ rate: Double) -> String { String(format: "%.1f%%", rate * 100) }
    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
