import Foundation

/// Percentiles of a set of latencies, in milliseconds.
public struct Latencies: Codable, Sendable {
    public let count: Int
    public let p50, p99, p999, max: Double

    public init(_ nanoseconds: [UInt64]) {
        let sorted = nanoseconds.sorted()
        func at(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return Double(sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)]) / 1e6
        }
        count = sorted.count
        p50 = at(0.5)
        p99 = at(0.99)
        p999 = at(0.999)
        max = Double(sorted.last ?? 0) / 1e6
    }

    /// `p50 0.41 ms  p99 2.30 ms  p999 5.10 ms`
    public var line: String {
        String(format: "n %d  p50 %.2f ms  p99 %.2f ms  p999 %.2f ms  max %.1f ms", count, p50, p99, p999, max)
    }
}

/// Latency over time: one point per time slice with the p50 and p99 of what was sent in it.
public struct LatencySeries: Codable, Sendable {
    public let name: String
    public let sliceSeconds: Double
    public let p50, p99: [Double?]
    public let perSecond: [Double]

    public init(name: String, samples: [(sentAt: UInt64, latency: UInt64)], sliceSeconds: Double = 0.25) {
        self.name = name
        self.sliceSeconds = sliceSeconds
        let slice = UInt64(sliceSeconds * 1e9)
        let slices = Int((samples.map(\.sentAt).max() ?? 0) / slice) + 1
        var buckets = [[UInt64]](repeating: [], count: slices)
        for sample in samples { buckets[Int(sample.sentAt / slice)].append(sample.latency) }
        p50 = buckets.map { $0.isEmpty ? nil : Latencies($0).p50 }
        p99 = buckets.map { $0.isEmpty ? nil : Latencies($0).p99 }
        perSecond = buckets.map { Double($0.count) / sliceSeconds }
    }
}
