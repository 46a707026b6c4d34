import Foundation
import Synchronization
import MilletCore
import MilletTesting
@testable import MilletStorage

/// The backends the conformance suite runs on. PostgreSQL joins when `MILLET_TEST_POSTGRES_URL`
/// is set; `scripts/test` starts a throwaway server and sets it, and `MILLET_REQUIRE_POSTGRES=1`
/// makes its absence a failure instead of a skip.
enum Backends {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["MILLET_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var all: [SQLStore.Backend] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// A new, empty store, migrated through `version` (all). On PostgreSQL the suite runs
    /// serialized and resets the schema.
    static func freshStore(_ backend: SQLStore.Backend, through version: Int = .max) async throws -> SQLStore {
        let store: SQLStore
        switch backend {
        case .sqlite:
            store = try await SQLStore.open(":memory:")
        case .postgres:
            store = try await SQLStore.open(postgresURL!)
            try await store.read { db in
                try await db.raw("DROP SCHEMA public CASCADE").run()
                try await db.raw("CREATE SCHEMA public").run()
            }
        }
        try await store.migrate(through: version)
        return store
    }

    /// Runs `body` on a fresh store loaded with the demo data and closes it afterwards.
    static func withDemoStore(_ backend: SQLStore.Backend, clock: TestClock = TestClock(), _ body: (SQLStore) async throws -> Void) async throws {
        let store = try await freshStore(backend)
        do {
            try await DemoData().load(markets: store, accounts: store, catalog: store, inventory: store, shipping: store, service: store, hasher: PlainHasher(), now: clock.now())
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// Hears which flash-sale units an ``OrderDesk`` gave back, in order.
final class SaleUnitsHeard: SaleUnitReturns {
    private let heard = Mutex<[SaleRelease]>([])
    var releases: [SaleRelease] { heard.withLock { $0 } }
    func released(_ release: SaleRelease) async { heard.withLock { $0.append(release) } }
}

extension SQLStore {
    /// The order desk on this store, as `millet serve` wires it.
    func desk(_ clock: any MilletClock, saleUnits: any SaleUnitReturns = SaleUnitsHeard()) -> OrderDesk {
        OrderDesk(store: self, orders: self, catalog: self, delivery: DeliveryOptions(methods: self, clock: clock), saleUnits: saleUnits, invoices: InvoiceIssuer(), clock: clock)
    }
}
