import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Reports, labels, the blocklist delta and disputes of numbers, on every backend.
extension StorageConformanceTests {
    func numberReport(_ number: PhoneNumber, _ device: String, account: String? = nil, _ category: CallCategory = .fraud) -> NumberReport {
        NumberReport(number: number, category: category, deviceId: device, accountId: account, network: "net-\(device)", at: clock.now())
    }

    /// A label appears with the third independent reporter, and each change devices must see
    /// moves the market's version; one person's second phone changes nothing.
    @Test(arguments: Backends.all) func aNumberIsLabelledByIndependentReportersAndItsChangesAreVersioned(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let scam = PhoneNumber(e164: "+447700900123")!, shop = PhoneNumber(e164: "+34612345678")!
            _ = try await store.recordReport(numberReport(scam, "d1", account: "a1"), now: clock.now())
            let samePerson = try await store.recordReport(numberReport(scam, "d2", account: "a1"), now: clock.now())
            #expect(samePerson.reporters == 1 && samePerson.category == nil && samePerson.version == 0)
            _ = try await store.recordReport(numberReport(scam, "d3"), now: clock.now())
            let labelled = try await store.recordReport(numberReport(scam, "d4"), now: clock.now())
            #expect(labelled.category == .fraud && labelled.reporters == 3 && labelled.version == 1 && labelled.expiresAt != nil)
            // The same device again replaces its report; what devices see does not move.
            let again = try await store.recordReport(numberReport(scam, "d4", .harassment), now: clock.now())
            #expect(again.version == 1 && again.category == .fraud)
            _ = try await store.setBusiness(number: shop, name: "Tienda Ejemplo", now: clock.now())
            #expect(try await store.labelChanges(market: "GB", since: 0, limit: 10).map(\.number) == [scam])
            #expect(try await store.labelChanges(market: "ES", since: 0, limit: 10).map(\.version) == [2])
            #expect(try await store.labelChanges(market: "GB", since: 1, limit: 10).isEmpty)
            // Found by any prefix of its hash, with nothing else of another prefix.
            let found = try await store.labels(hashPrefix: String(scam.hash.prefix(5)))
            #expect(found.map(\.number) == [scam])
            #expect(try await store.labels(hashPrefix: String(shop.hash.prefix(8))).first?.businessName == "Tienda Ejemplo")
        }
    }

    /// A label whose reports decayed lapses when the schedule reassesses it, with a new version.
    @Test(arguments: Backends.all) func aDecayedLabelLapsesOnTheSchedule(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let number = PhoneNumber(e164: "+919876543210")!
            var label = NumberLabel(number: number)
            for device in ["d1", "d2", "d3"] { label = try await store.recordReport(numberReport(number, device), now: clock.now()) }
            let lapses = try #require(label.expiresAt)
            #expect(try await store.reassessLapsing(now: lapses.addingTimeInterval(-60), limit: 10) == 0)
            #expect(try await store.reassessLapsing(now: lapses.addingTimeInterval(60), limit: 10) == 1)
            let lapsed = try #require(try await store.label(number: number))
            #expect(lapsed.category == nil && lapsed.expiresAt == nil && lapsed.version > label.version)
            #expect(try await store.labelChanges(market: "IN", since: label.version, limit: 10).map(\.number) == [number])
        }
    }

    /// Opening a dispute writes its SMS notice with it, one open dispute a number at a time;
    /// proven, the label is suspended; upheld, its reports stop counting; each step devices must
    /// see moves the version; a rejected dispute keeps the number from being disputed again soon.
    @Test(arguments: Backends.all) func aDisputeSuspendsThenClearsALabel(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let number = PhoneNumber(e164: "+6281234567890")!
            for device in ["d1", "d2", "d3"] { _ = try await store.recordReport(numberReport(number, device), now: clock.now()) }
            let owner = try #require(try await store.account(email: "fan@millet.test"))
            let other = try #require(try await store.account(email: "moderator@millet.test"))
            func open(_ account: Account) throws -> (NumberDispute, String, Notice) {
                let (dispute, code) = try NumberDispute.open(number: number, accountId: account.id, reason: "It is my family's home line.", now: clock.now())
                let notice = Notice(accountId: account.id, kind: .numberCode, subjectId: dispute.id, params: ["code": code, "phone": number.e164],
                                    createdAt: clock.now())
                return (dispute, code, notice)
            }
            let (dispute, code, notice) = try open(owner)
            try await store.openDispute(dispute, notice: notice, perDay: 5, now: clock.now())
            let texts = try await store.leaseDueNotices(now: clock.now(), until: clock.now().addingTimeInterval(60), limit: 10)
            #expect(texts.contains { $0.notice.kind == .numberCode && $0.notice.params["phone"] == number.e164 })
            // A second dispute of the number waits its turn, whoever opens it.
            let (second, _, secondNotice) = try open(other)
            await #expect(throws: DomainError.conflict(code: "dispute_open", message: "another dispute of this number is open")) {
                try await store.openDispute(second, notice: secondNotice, perDay: 5, now: clock.now())
            }
            let wrong = code == "000000" ? "111111" : "000000"
            let (outcome, _) = try await store.changeDispute(id: dispute.id, now: clock.now()) { try $0.confirm(code: wrong, now: clock.now()) }
            let stillShown = try #require(try await store.label(number: number))
            #expect(outcome == .wrong(triesLeft: 4) && !stillShown.suspended)
            let (proven, underReview) = try await store.changeDispute(id: dispute.id, now: clock.now()) { try $0.confirm(code: code, now: clock.now()) }
            let suspended = try #require(try await store.label(number: number))
            #expect(proven == .proven && underReview.state == .underReview && suspended.suspended && !suspended.isPublic)
            #expect(try await store.disputes(state: .underReview, limit: 10).map(\.id) == [dispute.id])
            // A step that throws changes nothing.
            await #expect(throws: DomainError.self) {
                _ = try await store.changeDispute(id: dispute.id, now: clock.now()) { try $0.confirm(code: code, now: clock.now()) }
            }
            _ = try await store.changeDispute(id: dispute.id, now: clock.now()) { try $0.decide(uphold: true, by: "account:staff", note: "home line", now: clock.now()) }
            let cleared = try #require(try await store.label(number: number))
            #expect(!cleared.suspended && cleared.category == nil && cleared.clearedAt != nil)
            // Devices saw it labelled, then dropped; the uphold changed nothing more they see.
            #expect(try await store.labelChanges(market: "ID", since: 0, limit: 10).first?.version == cleared.version)
            #expect(cleared.version == suspended.version)
            #expect(try await store.dispute(id: dispute.id)?.decidedBy == "account:staff")

            // Labelled again, disputed and rejected: the number is not disputed again for 90 days.
            clock.advance(by: 60)
            for device in ["d4", "d5", "d6"] { _ = try await store.recordReport(numberReport(number, device), now: clock.now()) }
            let (third, thirdCode, thirdNotice) = try open(other)
            try await store.openDispute(third, notice: thirdNotice, perDay: 5, now: clock.now())
            _ = try await store.changeDispute(id: third.id, now: clock.now()) { try $0.confirm(code: thirdCode, now: clock.now()) }
            _ = try await store.changeDispute(id: third.id, now: clock.now()) { try $0.decide(uphold: false, by: "account:staff", note: nil, now: clock.now()) }
            #expect(try await store.label(number: number)?.isPublic == true)
            let (fourth, _, fourthNotice) = try open(owner)
            await #expect(throws: DomainError.conflict(code: "dispute_rejected", message: "a dispute of this number was rejected lately")) {
                try await store.openDispute(fourth, notice: fourthNotice, perDay: 5, now: clock.now())
            }
            await #expect(throws: DomainError.throttled(retryAfterSeconds: 3600)) {
                try await store.openDispute(fourth, notice: fourthNotice, perDay: 1, now: clock.now())
            }
        }
    }

    /// A business's name shows even while a dispute suspends the crowd's label.
    @Test func aBusinessNameShowsThroughASuspension() {
        var label = NumberLabel(number: PhoneNumber(e164: "+34612345678")!, category: .sales, confidenceBasisPoints: 4000, suspended: true)
        #expect(!label.isPublic && label.shown.category == nil)
        label.businessName = "Tienda"
        #expect(label.isPublic && label.shown.businessName == "Tienda" && label.shown.category == nil)
    }

    /// Two nodes: what one writes reaches the other's index at its next sync, and both answer a
    /// lookup as the database does.
    @Test(arguments: Backends.all) func anotherNodesLabelsReachThisNodesIndexAtItsNextSync(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, _) = try await firmwareFixture(store)
            var phones: [Device] = []
            for index in 0..<3 {
                let registered = try await store.register(try registration(model, "NODE-\(index)", market: "GB"), tokenHash: "n\(index)", now: clock.now())
                phones.append(registered)
            }
            let here = NumberDesk(numbers: store, clock: clock), there = NumberDesk(numbers: store, clock: clock)
            try await here.syncIndex()
            try await there.syncIndex()
            let number = PhoneNumber(e164: "+447700900321")!, prefix = String(number.hash.prefix(6))
            for (phone, ip) in zip(phones, ["10.1.0.1", "10.2.0.1", "10.3.0.1"]) {
                _ = try await here.report(phone, number: "07700 900321", category: "fraud", clientIP: ip)
            }
            #expect(here.index.isLoaded)
            #expect(try await here.lookup(prefix: prefix).map(\.category) == [.fraud])
            #expect(try await there.lookup(prefix: prefix).isEmpty)
            // An index whose syncs stopped for longer than it may lag is not trusted: the database answers.
            clock.advance(by: NumberDesk.indexStaleAfter + 1)
            #expect(try await there.lookup(prefix: prefix).map(\.category) == [.fraud])
            #expect(try await there.syncIndex() == 1)
            #expect(try await there.lookup(prefix: prefix).map(\.category) == [.fraud])
            // The database's answer is the same.
            let fresh = NumberDesk(numbers: store, clock: clock)
            let fromDatabase = try await fresh.lookup(prefix: prefix), fromIndex = try await there.lookup(prefix: prefix)
            #expect(!fresh.index.isLoaded && fromDatabase == fromIndex)
        }
    }
}
