import Foundation
import MilletCore
import Testing
@testable import MilletStorage

extension StorageConformanceTests {
    /// The first value kept under a name stands: two nodes starting at once agree on one secret.
    @Test(arguments: Backends.all) func theFirstKeptSettingStands(backend: SQLStore.Backend) async throws {
        let store = try await Backends.freshStore(backend)
        do {
            #expect(try await store.setting("sandbox_secret") == nil)
            #expect(try await store.keepSetting("sandbox_secret", "first") == "first")
            #expect(try await store.keepSetting("sandbox_secret", "second") == "first")
            #expect(try await store.setting("sandbox_secret") == "first")
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
