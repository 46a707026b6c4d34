import Foundation

/// Draws latency over time as an SVG: p50 and p99 per time slice for each series, on a log scale
/// from 0.1 ms to 1 s, with the request rate of the first series below.
public struct LatencyChart {
    public let title: String
    public let series: [LatencySeries]

    public init(title: String, series: [LatencySeries]) {
        self.title = title
        self.series = series
    }

    static let colours = ["#1b6ac9", "#d9480f", "#2b8a3e", "#862e9c"]

    public func svg() -> String {
        let width = 900.0, height = 420.0, left = 60.0, right = 20.0, top = 40.0, plot = 260.0, rateTop = 330.0, rateHeight = 60.0
        let slices = max(1, series.map(\.p50.count).max() ?? 1)
        let slice = series.first?.sliceSeconds ?? 0.25
        func x(_ i: Int) -> Double { left + (width - left - right) * Double(i) / Double(max(1, slices - 1)) }
        func y(_ ms: Double) -> Double {
            let clamped = min(max(ms, 0.1), 1000)
            return top + plot * (1 - (log10(clamped) + 1) / 4)
        }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="22" font-size="14" font-weight="bold">\(escape(title))</text>

            """
        for ms in [0.1, 1, 10, 100, 1000] {
            out += "<line x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y(ms))\" y2=\"\(y(ms))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(left - 6)\" y=\"\(y(ms) + 4)\" text-anchor=\"end\">\(ms < 1 ? String(ms) : String(Int(ms))) ms</text>\n"
        }
        let seconds = Double(slices) * slice
        let step = max(1, Int((seconds / 10).rounded(.up)))
        for second in stride(from: 0, through: Int(seconds), by: step) {
            let i = Int(Double(second) / slice)
            out += "<text x=\"\(x(i))\" y=\"\(top + plot + 16)\" text-anchor=\"middle\">\(second) s</text>\n"
        }
        for (n, s) in series.enumerated() {
            let colour = Self.colours[n % Self.colours.count]
            for (values, dash, label) in [(s.p50, "", "p50"), (s.p99, " stroke-dasharray=\"4 3\"", "p99")] {
                let points = values.enumerated().compactMap { i, v in v.map { String(format: "%.1f,%.1f", x(i), y($0)) } }
                out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\"\(dash) points=\"\(points.joined(separator: " "))\"/>\n"
                let legendY = top + 14 * Double(n * 2 + (label == "p50" ? 0 : 1))
                out += "<text x=\"\(width - right - 4)\" y=\"\(legendY)\" text-anchor=\"end\" fill=\"\(colour)\">\(escape(s.name)) \(label)</text>\n"
            }
        }
        if let first = series.first {
            let peak = max(1, first.perSecond.max() ?? 1)
            let points = first.perSecond.enumerated().map { i, rate in String(format: "%.1f,%.1f", x(i), rateTop + rateHeight * (1 - rate / peak)) }
            out += "<polyline fill=\"none\" stroke=\"#555\" points=\"\(points.joined(separator: " "))\"/>\n"
            out += "<text x=\"\(left)\" y=\"\(rateTop - 6)\">\(escape(first.name)) sent per second (peak \(Int(peak)))</text>\n"
        }
        return out + "</svg>\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
