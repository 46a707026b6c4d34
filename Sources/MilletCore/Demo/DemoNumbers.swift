import Foundation

extension DemoData {
    /// Numbers from Ofcom's ranges set aside for drama (never in service), tagged by three demo
    /// reporters on three networks each, and one named as a verified business: so lookups, the
    /// blocklist and a dispute have something to show on a fresh store.
    public func tagDemoNumbers(_ numbers: any NumberRepository, now: Date) async throws {
        let tagged: [(String, CallCategory)] = [("+447700900456", .fraud), ("+447700900789", .delivery)]
        for (e164, category) in tagged {
            guard let number = PhoneNumber(e164: e164) else { continue }
            for reporter in 1...3 {
                let report = NumberReport(
                    number: number, category: category, deviceId: "demo-phone-\(reporter)", accountId: nil,
                    network: NumberReport.network(clientIP: "198.51.\(100 + reporter).7"), at: now.addingTimeInterval(-Double(reporter) * 3600))
                _ = try await numbers.recordReport(report, now: now)
            }
        }
        if let support = PhoneNumber(e164: "+442079460000") { _ = try await numbers.setBusiness(number: support, name: "Millet Support", now: now) }
    }
}
