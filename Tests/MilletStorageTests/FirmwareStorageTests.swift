import Foundation
import Synchronization
import MilletCore
import Testing
@testable import MilletStorage

/// Devices, builds, keys, rollouts and install reports on every backend.
extension StorageConformanceTests {
    func firmwareFixture(_ store: SQLStore) async throws -> (DeviceModel, FirmwareBuild, FirmwareBuild) {
        let model = try DeviceModel.create(id: "note-3", name: "Millet Note 3", kind: .phone, productLine: "phones", now: clock.now())
        try await store.createModel(model)
        let old = FirmwareBuild(id: Identifier.make(), modelId: model.id, version: "14.0.6", sha256: String(repeating: "a", count: 64), size: 10,
                                minSourceVersion: nil, releaseId: nil, notes: nil, createdAt: clock.now())
        let new = FirmwareBuild(id: Identifier.make(), modelId: model.id, version: "14.0.7", sha256: String(repeating: "b", count: 64), size: 20,
                                minSourceVersion: "14.0.0", releaseId: nil, notes: "Wi-Fi fix", createdAt: clock.now())
        try await store.addBuild(old)
        try await store.addBuild(new)
        return (model, old, new)
    }

    func registration(_ model: DeviceModel, _ serial: String, market: String = "IN") throws -> DeviceRegistration {
        try DeviceRegistration(serial: serial, modelId: model.id, secret: model.factorySecret(serial: serial), marketCode: market, channel: "stable",
                               version: "14.0.6")
    }

    @Test(arguments: Backends.all) func devicesRegisterAgainWithANewTokenAndCountByVersion(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, old, _) = try await firmwareFixture(store)
            await #expect(throws: DomainError.conflict(code: "model_exists", message: "a device model with this id exists")) { try await store.createModel(model) }
            await #expect(throws: DomainError.conflict(code: "version_exists", message: "this model already has this version")) {
                try await store.addBuild(FirmwareBuild(id: Identifier.make(), modelId: model.id, version: "14.0.6", sha256: old.sha256, size: 1,
                                                       minSourceVersion: nil, releaseId: nil, notes: nil, createdAt: clock.now()))
            }
            let first = try await store.register(try registration(model, "sn-0001"), tokenHash: "t1", now: clock.now())
            #expect(first.serial == "SN-0001" && first.version == "14.0.6" && first.channel == .stable)
            let spanish = try await store.register(try registration(model, "SN-0002", market: "ES"), tokenHash: "t2", now: clock.now())
            // A reset unit registers again: same device, new token, the old one dead.
            let again = try await store.register(try registration(model, "SN-0001"), tokenHash: "t3", now: clock.now())
            #expect(again.id == first.id)
            let dead = try await store.device(tokenHash: "t1"), live = try await store.device(tokenHash: "t3")
            #expect(dead == nil && live?.id == first.id)
            // Another model's factory key cannot take the serial over.
            let other = try DeviceModel.create(id: "band-2", name: "Millet Band 2", kind: .band, productLine: "wearables", now: clock.now())
            try await store.createModel(other)
            await #expect(throws: DomainError.conflict(code: "serial_taken", message: "serial SN-0001 is registered as another model")) {
                try await store.register(try registration(other, "SN-0001"), tokenHash: "t4", now: clock.now())
            }
            let kept = try await store.device(tokenHash: "t3"), taken = try await store.device(tokenHash: "t4")
            #expect(kept?.id == first.id && taken == nil)
            clock.advance(by: 60)
            try await store.recordCheckIns([DeviceCheckIn(deviceNumber: first.number, version: "14.0.7", at: clock.now())])
            #expect(try await store.device(serial: "SN-0001")?.lastSeenAt == clock.now())
            #expect(try await store.adoption(modelId: model.id) == [
                AdoptionCount(marketCode: "ES", version: "14.0.6", devices: 1), AdoptionCount(marketCode: "IN", version: "14.0.7", devices: 1),
            ])
            // The same version again only moves last seen; a late check-in from before the last one
            // changes nothing; a device back on its old version counts there again.
            clock.advance(by: 60)
            try await store.recordCheckIns([DeviceCheckIn(deviceNumber: first.number, version: "14.0.7", at: clock.now())])
            try await store.recordCheckIns([DeviceCheckIn(deviceNumber: first.number, version: "14.0.6", at: clock.now().addingTimeInterval(-30))])
            let seen = try await store.device(serial: "SN-0001")
            #expect(seen?.lastSeenAt == clock.now() && seen?.version == "14.0.7")
            // A check-in that says nothing of the version (a hawkBit poll), in one batch with one
            // that does: last seen moves for both, the silent one's version stays.
            clock.advance(by: 60)
            try await store.recordCheckIns([
                DeviceCheckIn(deviceNumber: first.number, version: nil, at: clock.now()),
                DeviceCheckIn(deviceNumber: spanish.number, version: "14.0.6", at: clock.now()),
            ])
            let silent = try await store.device(serial: "SN-0001")
            #expect(silent?.lastSeenAt == clock.now() && silent?.version == "14.0.7")
            clock.advance(by: 60)
            try await store.recordCheckIns([DeviceCheckIn(deviceNumber: first.number, version: "14.0.6", at: clock.now())])
            #expect(try await store.adoption(modelId: model.id) == [
                AdoptionCount(marketCode: "ES", version: "14.0.6", devices: 1), AdoptionCount(marketCode: "IN", version: "14.0.6", devices: 1),
            ])
            // Registering again sets the version it registers with, and when it was seen.
            clock.advance(by: 60)
            let newer = try DeviceRegistration(serial: "SN-0001", modelId: model.id, secret: model.factorySecret(serial: "SN-0001"), marketCode: "IN",
                                               channel: "stable", version: "14.0.7")
            let reset = try await store.register(newer, tokenHash: "t4", now: clock.now())
            #expect(reset.id == first.id && reset.version == "14.0.7" && reset.lastSeenAt == clock.now())
            let bySha = try await store.build(sha256: old.sha256), all = try await store.builds(modelId: model.id)
            #expect(bySha?.id == old.id && all.count == 2)
            #expect(try await store.build(modelId: model.id, version: old.version)?.id == old.id)
            #expect(try await store.build(modelId: model.id, version: "99.0.0") == nil)
        }
    }

    /// A first registration (a hawkBit gateway's) never replaces one that came before it: the
    /// serial's token and version stay, however many race for it.
    @Test(arguments: Backends.all) func aFirstRegistrationNeverReplacesOneThatCameBefore(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, _) = try await firmwareFixture(store)
            let first = try #require(try await store.registerNew(try registration(model, "GW-0001"), tokenHash: "g1", now: clock.now()))
            #expect(first.serial == "GW-0001")
            let racing = try await withThrowingTaskGroup(of: Device?.self) { group in
                for index in 0..<4 { group.addTask { try await store.registerNew(try self.registration(model, "GW-0002"), tokenHash: "r\(index)", now: self.clock.now()) } }
                return try await group.reduce(into: [Device?]()) { $0.append($1) }
            }
            #expect(racing.compactMap { $0 }.count == 1)
            #expect(try await store.registerNew(try registration(model, "GW-0001"), tokenHash: "g2", now: clock.now()) == nil)
            let kept = try await store.device(tokenHash: "g1"), replaced = try await store.device(tokenHash: "g2")
            #expect(kept?.id == first.id && replaced == nil)
        }
    }

    /// What an agent says of its device is merged, replaced or removed as it asks.
    @Test(arguments: Backends.all) func deviceAttributesMergeReplaceAndRemove(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, _) = try await firmwareFixture(store)
            let device = try await store.register(try registration(model, "AT-0001"), tokenHash: "a1", now: clock.now())
            #expect(try await store.attributes(deviceId: device.id) == nil)
            #expect(try await store.updateAttributes(deviceId: device.id, mode: .merge, data: ["hw": "1", "mac": "m"], at: clock.now()) == ["hw": "1", "mac": "m"])
            #expect(try await store.updateAttributes(deviceId: device.id, mode: .merge, data: ["hw": "2"], at: clock.now()) == ["hw": "2", "mac": "m"])
            #expect(try await store.updateAttributes(deviceId: device.id, mode: .remove, data: ["mac": ""], at: clock.now()) == ["hw": "2"])
            #expect(try await store.updateAttributes(deviceId: device.id, mode: .replace, data: ["board": "b"], at: clock.now()) == ["board": "b"])
            #expect(try await store.attributes(deviceId: device.id) == ["board": "b"])
        }
    }

    /// Staff ask the devices with an open result to cancel; an agent that stops is counted as
    /// never started, one that refuses keeps its result, and only an answer to a request still
    /// waiting, with the result still open, is recorded.
    @Test(arguments: Backends.all) func aCancellationWithdrawsOnlyAnOpenResult(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, new) = try await firmwareFixture(store)
            let rollout = try Rollout.plan(buildId: new.id, modelId: model.id, channel: .stable, markets: [], sourceVersions: [], stages: [100], now: clock.now())
            try await store.createRollout(rollout)
            var devices: [Device] = []
            for index in 0..<3 { devices.append(try await store.register(try registration(model, "CA-\(index)"), tokenHash: "c\(index)", now: clock.now())) }
            for (device, state) in zip(devices, [InstallState.downloading, .downloading, .installed]) {
                _ = try await store.report(rolloutId: rollout.id, deviceId: device.id, version: "14.0.7", state: state, code: nil, now: clock.now())
            }
            #expect(try await store.askCancellations(rolloutId: rollout.id, actor: "account:staff", at: clock.now()) == 2)
            #expect(try await store.rolloutEvents(rolloutId: rollout.id).last?.action == "cancel")
            #expect(try await store.settleCancellation(rolloutId: rollout.id, deviceId: devices[0].id, .canceled, at: clock.now()))
            #expect(try await store.settleCancellation(rolloutId: rollout.id, deviceId: devices[1].id, .refused, at: clock.now()))
            #expect(try await !store.settleCancellation(rolloutId: rollout.id, deviceId: devices[2].id, .canceled, at: clock.now()))
            #expect(try await store.tally(rolloutId: rollout.id) == InstallTally(downloading: 1, installed: 1))
            #expect(try await store.results(deviceId: devices[0].id).isEmpty)
            // Answered again, nothing changes; asked again, the devices that answered are not.
            #expect(try await !store.settleCancellation(rolloutId: rollout.id, deviceId: devices[1].id, .canceled, at: clock.now()))
            #expect(try await store.cancellations(deviceId: devices[1].id) == [rollout.id: .refused])
            #expect(try await store.askCancellations(rolloutId: rollout.id, actor: "account:staff", at: clock.now()) == 0)
            #expect(try await store.tally(rolloutId: rollout.id) == InstallTally(downloading: 1, installed: 1))
        }
    }

    @Test(arguments: Backends.all) func aRolloutHaltsOnceWhenDeviceFailuresReachTheThreshold(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, old, new) = try await firmwareFixture(store)
            let rollout = try Rollout.plan(buildId: new.id, modelId: model.id, channel: .stable, markets: [], sourceVersions: [], stages: [10, 100],
                                           failureThresholdBasisPoints: 2_500, minReports: 4, now: clock.now())
            try await store.createRollout(rollout)
            await #expect(throws: DomainError.self) {
                try await store.createRollout(try Rollout.plan(buildId: Identifier.make(), modelId: model.id, channel: .stable, markets: [], sourceVersions: [],
                                                               stages: [100], now: clock.now()))
            }
            var devices: [Device] = []
            for index in 0..<5 { devices.append(try await store.register(try registration(model, "SN-\(index)"), tokenHash: "t\(index)", now: clock.now())) }
            // One device failing three times counts once; then it installs.
            for _ in 0..<3 { _ = try await store.report(rolloutId: rollout.id, deviceId: devices[0].id, version: "14.0.7", state: .failed, code: "E1", now: clock.now()) }
            let retried = try await store.report(rolloutId: rollout.id, deviceId: devices[0].id, version: "14.0.7", state: .installed, code: nil, now: clock.now())
            #expect(retried.tally == InstallTally(installed: 1) && !retried.halted)
            #expect(try await store.device(serial: "SN-0")?.version == "14.0.7")
            _ = try await store.report(rolloutId: rollout.id, deviceId: devices[1].id, version: "14.0.7", state: .installed, code: nil, now: clock.now())
            _ = try await store.report(rolloutId: rollout.id, deviceId: devices[2].id, version: "14.0.7", state: .downloading, code: nil, now: clock.now())
            let three = try await store.report(rolloutId: rollout.id, deviceId: devices[2].id, version: "14.0.7", state: .installed, code: nil, now: clock.now())
            #expect(three.tally == InstallTally(installed: 3) && !three.halted)
            // The fourth result is a failure: 1 of 4 is 25%, the threshold. It halts, once.
            let fourth = try await store.report(rolloutId: rollout.id, deviceId: devices[3].id, version: "14.0.6", state: .failed, code: "E2", now: clock.now())
            #expect(fourth.halted && fourth.tally == InstallTally(installed: 3, failed: 1))
            let fifth = try await store.report(rolloutId: rollout.id, deviceId: devices[4].id, version: "14.0.6", state: .failed, code: "E2", now: clock.now())
            #expect(!fifth.halted)
            let halted = try #require(try await store.rollout(id: rollout.id))
            #expect(halted.state == .halted && halted.haltReason?.contains("1 of 4 installs failed") == true)
            #expect(try await store.liveRollouts().isEmpty)

            // Staff roll back to the old build: the rollout offers it again.
            let back = try await store.command(rolloutId: rollout.id, .rollback(to: old.id), actor: "account:staff", now: clock.now())
            #expect(back.state == .rolledBack && back.rollbackBuildId == old.id)
            #expect(try await store.liveRollouts().map(\.id) == [rollout.id])
            await #expect(throws: DomainError.self) { _ = try await store.command(rolloutId: rollout.id, .advance, actor: "account:staff", now: clock.now()) }
            #expect(try await store.rolloutEvents(rolloutId: rollout.id).map(\.action) == ["create", "halt", "rollback"])
            #expect(try await store.rolloutEvents(rolloutId: rollout.id)[1].actor == "millet")
            let timeline = try await store.reportTimeline(rolloutId: rollout.id)
            #expect(timeline.count == 1 && timeline[0].installed == 3 && timeline[0].failed == 5)
        }
    }

    @Test(arguments: Backends.all) func scheduledRolloutsAdvanceOnceWhenTheirTimeComes(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, new) = try await firmwareFixture(store)
            let rollout = try Rollout.plan(buildId: new.id, modelId: model.id, channel: .stable, markets: [], sourceVersions: [], stages: [5, 50, 100],
                                           advanceEvery: 3600, now: clock.now())
            try await store.createRollout(rollout)
            let updates = FirmwareUpdates(devices: store, firmware: store, clock: clock)
            clock.advance(by: 3599)
            #expect(try await updates.advanceDue().isEmpty)
            clock.advance(by: 1)
            #expect(try await updates.advanceDue().map(\.percent) == [50])
            // Another node that saw the rollout at 5% does not advance it again.
            let stale = try await store.command(rolloutId: rollout.id, .advance, actor: "schedule", now: clock.now(), ifStage: 0)
            #expect(stale.percent == 50)
            #expect(try await updates.advanceDue().isEmpty)
            clock.advance(by: 3600)
            #expect(try await updates.advanceDue().map(\.percent) == [100])
            clock.advance(by: 3600)
            #expect(try await updates.advanceDue().map(\.state) == [.completed])
            #expect(try await store.rolloutEvents(rolloutId: rollout.id).map(\.actor) == ["staff", "schedule", "schedule", "schedule"])
        }
    }

    @Test(arguments: Backends.all) func importedDevicesCheckInInBatchesAndAnInstallIsNotUndone(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, new) = try await firmwareFixture(store)
            let registrations = try (0..<1_200).map { try registration(model, String(format: "IMP-%05d", $0)) }
            try await store.importDevices(registrations, tokenHashes: (0..<1_200).map { "hash-\($0)" }, now: clock.now())
            let updates = FirmwareUpdates(devices: store, firmware: store, clock: clock)
            let rollout = try Rollout.plan(buildId: new.id, modelId: model.id, channel: .stable, markets: [], sourceVersions: [], stages: [100], now: clock.now())
            try await store.createRollout(rollout)
            var devices: [Device] = []
            for index in [0, 600, 1_199] { devices.append(try #require(try await store.device(tokenHash: "hash-\(index)"))) }
            clock.advance(by: 10)
            for device in devices {
                let answer = try await updates.checkIn(device, version: try #require(FirmwareVersion("14.0.6")), load: 0, random: 0.5)
                #expect(answer.rolloutId == rollout.id && answer.offer != nil)
            }
            // Device 600 installs before the buffered check-ins are written: its install stands.
            clock.advance(by: 1)
            _ = try await store.report(rolloutId: rollout.id, deviceId: devices[1].id, version: "14.0.7", state: .installed, code: nil, now: clock.now())
            #expect(try await updates.flushCheckIns() == 3)
            #expect(try await updates.flushCheckIns() == 0)
            let seen = try await store.device(tokenHash: "hash-0")
            let installed = try await store.device(tokenHash: "hash-600")
            #expect(seen?.lastSeenAt == clock.now().addingTimeInterval(-1) && seen?.version == "14.0.6")
            #expect(installed?.version == "14.0.7" && installed?.lastSeenAt == clock.now())
            #expect(try await store.adoption(modelId: model.id).reduce(0) { $0 + $1.devices } == 1_200)
        }
    }

    @Test(arguments: Backends.all) func aBatchOfAnySizeWritesEveryDeviceItsOwnCheckIn(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, _) = try await firmwareFixture(store)
            let registrations = try (0..<1_234).map { try registration(model, String(format: "BAT-%05d", $0)) }
            try await store.importDevices(registrations, tokenHashes: (0..<1_234).map { "bat-\($0)" }, now: clock.now())
            var devices: [Device] = []
            for index in 0..<1_234 { devices.append(try #require(try await store.device(tokenHash: "bat-\(index)"))) }
            #expect(Set(devices.map(\.number)).count == 1_234)
            clock.advance(by: 10)
            // Every third device reports 14.0.7, in no particular order: 500, 500, 4 x 50, 6 x 5 and 4 x 1 rows.
            let checkIns = devices.enumerated().map { index, device in
                DeviceCheckIn(deviceNumber: device.number, version: index % 3 == 0 ? "14.0.7" : "14.0.6", at: clock.now().addingTimeInterval(Double(index % 7)))
            }
            try await store.recordCheckIns(checkIns.shuffled())
            #expect(try await store.adoption(modelId: model.id) == [
                AdoptionCount(marketCode: "IN", version: "14.0.6", devices: 822), AdoptionCount(marketCode: "IN", version: "14.0.7", devices: 412),
            ])
            for index in [0, 1, 499, 500, 1_000, 1_233] {
                let device = try #require(try await store.device(tokenHash: "bat-\(index)"))
                #expect(device.number == devices[index].number && device.lastSeenAt == clock.now().addingTimeInterval(Double(index % 7)))
            }
        }
    }

    @Test func writesOfAnySizeUseFewStatementShapes() {
        #expect(SQLStore.statementSizes(rows: 0) == [])
        #expect(SQLStore.statementSizes(rows: 1_234) == [500, 500, 50, 50, 50, 50, 5, 5, 5, 5, 5, 5, 1, 1, 1, 1])
        #expect(SQLStore.statementSizes(rows: 7, largest: 5) == [5, 1, 1])
        #expect(Set((1...2_000).flatMap { SQLStore.statementSizes(rows: $0) }) == [500, 50, 5, 1])
    }

    /// Migration 13 moves version and last seen out of `devices`: a fleet registered before it
    /// keeps both, every device gets its own number, and devices registered after it count on.
    @Test(arguments: Backends.all) func devicesKeepTheirVersionAndLastSeenWhenTheirStateMovesToItsOwnTable(backend: SQLStore.Backend) async throws {
        let store = try await Backends.freshStore(backend, through: 12)
        do {
            try await store.read { db in
                try await db.raw("""
                    INSERT INTO device_models (id, name, kind, product_line, factory_key, created_at) VALUES ('band-1', 'Band 1', 'band', 'wearables', 'k', 0)
                    """).run()
                try await db.raw("""
                    INSERT INTO devices (id, serial, model_id, market_code, channel, version, token_hash, token_seq, registered_at, last_seen_at)
                    VALUES ('d1', 'OLD-1', 'band-1', 'IN', 'stable', '2.0.1', 'old-1', 1, 0, 5000), ('d2', 'OLD-2', 'band-1', 'ES', 'beta', '2.1.0', 'old-2', 2, 0, NULL)
                    """).run()
            }
            #expect(try await store.migrate(through: 13) == ["13_device_state"])
            // What follows runs today's code, which needs today's schema.
            _ = try await store.migrate()
            let first = try #require(try await store.device(tokenHash: "old-1")), second = try #require(try await store.device(serial: "OLD-2"))
            #expect(first.version == "2.0.1" && first.lastSeenAt == Date(millis: 5000) && first.marketCode == "IN")
            #expect(second.version == "2.1.0" && second.lastSeenAt == nil && second.channel == .beta)
            #expect(first.number != second.number)
            let model = try #require(try await store.deviceModel(id: "band-1"))
            let registration = try DeviceRegistration(serial: "NEW-1", modelId: model.id, secret: model.factorySecret(serial: "NEW-1"), marketCode: "IN",
                                                      channel: "stable", version: "2.1.0")
            let third = try await store.register(registration, tokenHash: "new-1", now: clock.now())
            #expect(third.number > max(first.number, second.number) && third.version == "2.1.0")
            try await store.recordCheckIns([DeviceCheckIn(deviceNumber: first.number, version: "2.1.0", at: Date(millis: 6000))])
            #expect(try await store.adoption(modelId: model.id) == [
                AdoptionCount(marketCode: "ES", version: "2.1.0", devices: 1), AdoptionCount(marketCode: "IN", version: "2.1.0", devices: 2),
            ])
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    @Test(arguments: Backends.all) func checkInsAFlushCouldNotWriteAreWrittenByTheNext(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, _) = try await firmwareFixture(store)
            let failing = RefusesCheckInsOnce(store)
            let updates = FirmwareUpdates(devices: failing, firmware: store, clock: clock)
            let quiet = try await store.register(try registration(model, "SN-0100"), tokenHash: "h100", now: clock.now())
            let busy = try await store.register(try registration(model, "SN-0101"), tokenHash: "h101", now: clock.now())
            let version = try #require(FirmwareVersion("14.0.6"))
            clock.advance(by: 10)
            for device in [quiet, busy] { _ = try await updates.checkIn(device, version: version, load: 0, random: 0.5) }
            await #expect(throws: RefusesCheckInsOnce.Refused.self) { try await updates.flushCheckIns() }
            // The busy device checks in again before the next flush: its newer check-in is written.
            clock.advance(by: 5)
            _ = try await updates.checkIn(busy, version: try #require(FirmwareVersion("14.0.7")), load: 0, random: 0.5)
            #expect(try await updates.flushCheckIns() == 2)
            // A refused flush wrote nothing, and the busy device's two check-ins were written as one.
            #expect(updates.checkInsWritten == 2)
            let first = try await store.device(serial: "SN-0100"), second = try await store.device(serial: "SN-0101")
            #expect(first?.lastSeenAt == clock.now().addingTimeInterval(-5) && first?.version == "14.0.6")
            #expect(second?.lastSeenAt == clock.now() && second?.version == "14.0.7")
        }
    }

    @Test(arguments: Backends.all) func everyNodeKeepsItsDeviceIndexInStepAndOldTokensDie(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, _) = try await firmwareFixture(store)
            let tokens = (0..<2_500).map { _ in DeviceToken.make() }
            let registrations = try (0..<2_500).map { try registration(model, String(format: "IDX-%05d", $0)) }
            try await store.importDevices(registrations, tokenHashes: tokens.map(Secrets.digest), now: clock.now())
            // Two nodes; the first loads everything in pages.
            let first = FirmwareUpdates(devices: store, firmware: store, clock: clock)
            let second = FirmwareUpdates(devices: store, firmware: store, clock: clock)
            // Imported in one go, every token still has its own number: a sync in small pages misses none.
            let numbers = try await store.tokens(after: nil, limit: 10_000).map(\.seq)
            #expect(Set(numbers).count == 2_500 && numbers == numbers.sorted())
            #expect(try await first.syncDevices(pageSize: 333) == 2_500 && first.indexedDevices == 2_500)
            #expect(try await second.syncDevices() == 2_500)
            // A unit reset and registered again on the first node gets a new token there; the
            // second node learns of it at its next sync, and the old token dies on both.
            clock.advance(by: 30)
            let (device, fresh) = try await first.register(registrations[7])
            #expect(try await first.device(token: tokens[7]) == nil)
            #expect(try await first.device(token: fresh) == device.identity)
            #expect(try await second.syncDevices() >= 1)
            let dead = try await second.device(token: tokens[7]), live = try await second.device(token: fresh)
            #expect(dead == nil && live == device.identity)
            #expect(second.indexedDevices == 2_500)
            // A token issued on another node since the last sync is read once, on first use.
            let third = FirmwareUpdates(devices: store, firmware: store, clock: clock)
            #expect(try await third.device(token: tokens[100])?.serial == "IDX-00100" && third.indexedDevices == 1)
            let unknown = try await third.device(token: DeviceToken.make()), malformed = try await third.device(token: "not-a-device-token")
            #expect(unknown == nil && malformed == nil)
        }
    }

    @Test(arguments: Backends.all) func signingKeysRotateAndTheLastOneStays(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let first = SigningKey.generate(now: clock.now()), second = SigningKey.generate(now: clock.now().addingTimeInterval(1))
            try await store.addSigningKey(first)
            await #expect(throws: DomainError.conflict(code: "last_signing_key", message: "rotate in a new key before retiring the last one")) {
                try await store.retireSigningKey(id: first.id, now: clock.now())
            }
            try await store.addSigningKey(second)
            try await store.retireSigningKey(id: first.id, now: clock.now())
            let keys = try await store.signingKeys()
            #expect(keys.map(\.id) == [first.id, second.id] && keys[0].retiredAt == clock.now() && keys[1].retiredAt == nil)
            #expect(keys[1].privateKey == second.privateKey)
        }
    }
}

/// A real store whose first write of check-ins fails, as a database that is briefly unreachable
/// does; everything else goes to the store.
final class RefusesCheckInsOnce: DeviceRepository {
    struct Refused: Error {}
    let store: SQLStore
    private let refused = Mutex(false)

    init(_ store: SQLStore) { self.store = store }

    func recordCheckIns(_ checkIns: [DeviceCheckIn]) async throws {
        guard refused.withLock({ done in defer { done = true }; return done }) else { throw Refused() }
        try await store.recordCheckIns(checkIns)
    }

    func createModel(_ model: DeviceModel) async throws { try await store.createModel(model) }
    func deviceModel(id: String) async throws -> DeviceModel? { try await store.deviceModel(id: id) }
    func deviceModels() async throws -> [DeviceModel] { try await store.deviceModels() }
    func register(_ registration: DeviceRegistration, tokenHash: String, now: Date) async throws -> Device {
        try await store.register(registration, tokenHash: tokenHash, now: now)
    }
    func registerNew(_ registration: DeviceRegistration, tokenHash: String, now: Date) async throws -> Device? {
        try await store.registerNew(registration, tokenHash: tokenHash, now: now)
    }
    func device(tokenHash: String) async throws -> Device? { try await store.device(tokenHash: tokenHash) }
    func device(serial: String) async throws -> Device? { try await store.device(serial: serial) }
    func device(number: Int64) async throws -> Device? { try await store.device(number: number) }
    func devices(ownerAccountId: String) async throws -> [Device] { try await store.devices(ownerAccountId: ownerAccountId) }
    func tokens(after: Int64?, limit: Int) async throws -> [IssuedToken] { try await store.tokens(after: after, limit: limit) }
    func tokens(upTo: Int64, limit: Int) async throws -> [IssuedToken] { try await store.tokens(upTo: upTo, limit: limit) }
    func adoption(modelId: String) async throws -> [AdoptionCount] { try await store.adoption(modelId: modelId) }
}

extension StorageConformanceTests {
    @Test(arguments: Backends.all) func onlyDevicesARolloutOfferedItsBuildReportOnIt(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (model, _, new) = try await firmwareFixture(store)
            let rollout = try Rollout.plan(buildId: new.id, modelId: model.id, channel: .stable, markets: ["IN"], sourceVersions: ["14.0.6"],
                                           stages: [100], now: clock.now())
            try await store.createRollout(rollout)
            let updates = FirmwareUpdates(devices: store, firmware: store, clock: clock)
            let unit = try await store.register(try registration(model, "SN-OFFER"), tokenHash: "t-offer", now: clock.now())
            let abroad = try await store.register(try registration(model, "SN-ABROAD", market: "ES"), tokenHash: "t-abroad", now: clock.now())
            let notOffered = DomainError.conflict(code: "not_offered", message: "this rollout has not offered its build to this device")
            func v(_ text: String) throws -> FirmwareVersion { try #require(FirmwareVersion(text)) }
            // On 14.0.5 the unit was never offered a build for 14.0.6 only; in Spain, nor was the other.
            await #expect(throws: notOffered) { _ = try await updates.report(unit, rolloutId: rollout.id, version: try v("14.0.5"), state: .failed, code: "E1") }
            await #expect(throws: notOffered) { _ = try await updates.report(abroad, rolloutId: rollout.id, version: try v("14.0.6"), state: .failed, code: "E1") }
            #expect(try await store.tally(rolloutId: rollout.id) == InstallTally())
            // Still on the source version after a failure, or on the build after an install: counted.
            _ = try await updates.report(unit, rolloutId: rollout.id, version: try v("14.0.6"), state: .failed, code: "E1")
            let installed = try await updates.report(unit, rolloutId: rollout.id, version: try v("14.0.7"), state: .installed, code: nil)
            #expect(installed.tally == InstallTally(installed: 1))
        }
    }
}
