import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Shared hotspots on every backend: found by place, versioned for the delta, revoked once,
/// hidden when idle, kept shown by connections.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func hotspotsAreFoundByPlaceRevokedOnceAndHiddenWhenIdle(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, _) = try await firmwareFixture(store)
            let device = try await store.register(try registration(model, "WIFI-1"), tokenHash: "w1", now: clock.now())
            let seal = HotspotSeal(key: Array(repeating: 7, count: 32))
            func share(_ ssid: String, _ latitude: Double, _ longitude: Double) async throws -> Hotspot {
                try await store.addHotspot(try Hotspot.share(device: device, ssid: ssid, bssid: "3c:22:fb:01:02:03", latitude: latitude, longitude: longitude,
                                                             password: "cafe-secret", seal: seal, now: clock.now()))
            }
            let cafe = try await share("Cafe Sol", 40.4168, -3.7038), library = try await share("Biblioteca", 40.4200, -3.7000)
            _ = try await share("Far away", 41.3874, 2.1686)
            #expect(cafe.version < library.version)
            let madrid = try await store.hotspots(latitudes: 40_400_000...40_430_000, longitudes: -3_710_000...(-3_690_000), limit: 10)
            #expect(Set(madrid.map(\.ssid)) == ["Cafe Sol", "Biblioteca"])
            #expect(seal.open(madrid[0].sealedPassword, hotspotId: madrid[0].id) == "cafe-secret")
            #expect(try await store.hotspotChanges(latitudes: 40_400_000...40_430_000, longitudes: -3_710_000...(-3_690_000), since: cafe.version, limit: 10)
                .map(\.id) == [library.id])
            // Revoked once; the second time changes nothing.
            let revoked = try #require(try await store.revokeHotspot(id: cafe.id, at: clock.now()))
            #expect(revoked.hidden && revoked.revokedAt != nil && revoked.version > library.version)
            #expect(try await store.revokeHotspot(id: cafe.id, at: clock.now()) == nil)
            #expect(try await store.hotspots(latitudes: 40_400_000...40_430_000, longitudes: -3_710_000...(-3_690_000), limit: 10).map(\.id) == [library.id])
            // A connection keeps the library shown 30 days from then; nothing is idle before.
            try await store.noteConnection(hotspotId: library.id, at: clock.now().addingTimeInterval(10 * 86_400))
            #expect(try await store.hideIdleHotspots(now: clock.now().addingTimeInterval(35 * 86_400), limit: 10) == 1)  // the far one
            #expect(try await store.hideIdleHotspots(now: clock.now().addingTimeInterval(41 * 86_400), limit: 10) == 1)  // the library
            let hidden = try #require(try await store.hotspot(id: library.id))
            #expect(hidden.hidden && hidden.revokedAt == nil && hidden.lastSuccessAt != nil)
            #expect(try await store.hotspots(ownerAccountId: "nobody").isEmpty)
        }
    }
}
