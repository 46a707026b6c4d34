import Foundation
@testable import MilletCore
import Testing

struct DeviceIndexTests {
    struct Unit: UpdateTarget {
        let number: Int64
        let serial: String
        let modelId: String
        let marketCode: String
        let channel: UpdateChannel
    }

    static func unit(_ number: Int64, serial: String? = nil) -> Unit {
        Unit(number: number, serial: serial ?? String(format: "SN-%08d", number), modelId: number % 3 == 0 ? "phone-a" : "band-b",
             marketCode: ["IN", "ES", "GB"][Int(number % 3)], channel: number % 7 == 0 ? .beta : .stable)
    }

    @Test func everyDeviceIsFoundByItsCurrentTokenOnlyThroughGrowthAndReplacement() {
        let index = DeviceIndex()
        var tokens: [Int64: String] = [:], retired: [String] = []
        for number in Int64(1)...30_000 {
            let token = DeviceToken.make()
            tokens[number] = token
            index.put(tokenHash: Secrets.digest(token), device: Self.unit(number), seq: number)
        }
        // A third of the units are reset and get new tokens; their old ones leave the table and
        // no other device's probe is cut short by the holes they leave.
        for number in stride(from: Int64(1), through: 30_000, by: 3) {
            let token = DeviceToken.make()
            retired.append(tokens[number]!)
            tokens[number] = token
            index.put(tokenHash: Secrets.digest(token), device: Self.unit(number), seq: nil)
        }
        #expect(index.count == 30_000 && index.cursor == 30_000)
        let wrong = tokens.filter { number, token in index.device(token: token) != DeviceIdentity(Self.unit(number)) }
        #expect(wrong.isEmpty)
        #expect(retired.allSatisfy { index.device(token: $0) == nil })
        #expect(index.device(token: DeviceToken.make()) == nil)
        // The same token again changes nothing.
        index.put(tokenHash: Secrets.digest(tokens[2]!), device: Self.unit(2), seq: nil)
        #expect(index.count == 30_000 && index.device(token: tokens[2]!) == DeviceIdentity(Self.unit(2)))
    }

    @Test func serialsLongerThanSixteenBytesAndNewProfilesAreKept() {
        let index = DeviceIndex()
        let short = DeviceToken.make(), long = DeviceToken.make(), moved = DeviceToken.make()
        index.put(tokenHash: Secrets.digest(short), device: Self.unit(5, serial: "ABCDEFGHIJKLMNOP"), seq: nil)
        index.put(tokenHash: Secrets.digest(long), device: Self.unit(6, serial: String(repeating: "Z9-", count: 21)), seq: nil)
        #expect(index.device(token: short)?.serial == "ABCDEFGHIJKLMNOP")
        #expect(index.device(token: long)?.serial == String(repeating: "Z9-", count: 21))
        // Registered again in another market with a short serial: the long one is dropped.
        let again = Unit(number: 6, serial: "SHORT-1", modelId: "watch-c", marketCode: "ID", channel: .dev)
        index.put(tokenHash: Secrets.digest(moved), device: again, seq: nil)
        #expect(index.device(token: moved) == DeviceIdentity(again) && index.device(token: long) == nil)
    }

    @Test func numbersOutsideThirtyTwoBitsAreLeftToTheDatabase() {
        let index = DeviceIndex()
        let token = DeviceToken.make()
        index.put(tokenHash: Secrets.digest(token), device: Self.unit(Int64(UInt32.max) + 1), seq: 9)
        #expect(index.device(token: token) == nil && index.count == 0 && index.cursor == 9)
    }

    @Test func aDeviceCostsUnderFiftyBytes() {
        let index = DeviceIndex()
        for number in Int64(1)...200_000 {
            index.put(tokenHash: Secrets.digest(DeviceToken.make()), device: Self.unit(number), seq: nil)
        }
        let perDevice = Double(index.memoryBytes) / Double(index.count)
        #expect(perDevice > 36 && perDevice < 50)
    }
}

extension DeviceIdentity {
    init(_ unit: some UpdateTarget) {
        self.init(number: unit.number, serial: unit.serial, modelId: unit.modelId, marketCode: unit.marketCode, channel: unit.channel)
    }
}
