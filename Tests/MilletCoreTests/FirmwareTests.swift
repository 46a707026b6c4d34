import Foundation
@testable import MilletCore
import Testing

/// Versions, rollout stages, the halt rule, signatures and factory secrets.
struct FirmwareTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func versionsOrderAsPeopleReadThem() throws {
        let ordered = ["1.9", "1.10", "1.10.1", "2.0.0-alpha", "2.0.0-alpha.2", "2.0.0-alpha.10", "2.0.0-beta", "2.0.0", "14.0.7", "14.0.10"]
        let versions = try ordered.map { try #require(FirmwareVersion($0)) }
        #expect(versions == versions.sorted())
        #expect(zip(versions, versions.dropFirst()).allSatisfy { $0 < $1 })
        #expect(FirmwareVersion("14.0") == FirmwareVersion("14.0.0"))
        for bad in ["", "v14", "14..0", "14.0-", "1.2.3.4.5.6", "14.0.-1", "١٤.0", "+5.0", "1.+2"] { #expect(FirmwareVersion(bad) == nil, "\(bad)") }
    }

    @Test func plainReleasesReadFromTheirBytesAsTheFullReadingDoes() {
        for text in ["0", "14.0.7", "007.1", "1.2.3.4.5", "1.2.3.4.5.6", "14..0", ".1", "1.", "999999999999999999.1", "99999999999999999999",
                     String(repeating: "1.", count: 20) + "1", "14.0.7-beta.1", "14.0 "] {
            let fast = FirmwareVersion.releaseNumbers(text)
            let full = FirmwareVersion(text)
            // Whatever the byte reading takes, the full reading takes with the same numbers.
            if let fast { #expect(fast == full?.numbers && full?.prerelease == nil, "\(text)") }
        }
        #expect(FirmwareVersion("14.0.7")?.numbers == [14, 0, 7] && FirmwareVersion("007.1")?.description == "007.1")
        #expect(FirmwareVersion.releaseNumbers("1.2.3.4.5.6") == nil && FirmwareVersion("1.2.3.4.5.6") == nil)
        #expect(FirmwareVersion("99999999999999999999") == nil && FirmwareVersion("14.0.7-beta.1")?.prerelease == ["beta", "1"])
    }

    /// A device's bucket never changes between versions of Millet, or devices would move
    /// between stages of a running rollout on upgrade: pinned to SHA-256 computed elsewhere.
    @Test func bucketsArePinned() {
        #expect(Rollout.bucket(serial: "SN-0001", rolloutId: "r1") == 623)
        #expect(Rollout.bucket(serial: "BENCH-00000042", rolloutId: "0123456789abcdef0123456789abcdef") == 1063)
        #expect(Secrets.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func rollout(stages: [Int] = [1, 10, 50, 100]) throws -> Rollout {
        try Rollout.plan(buildId: "b", modelId: "note-3", channel: .stable, markets: [], sourceVersions: [], stages: stages, now: now)
    }

    @Test func bucketsAreDeterministicAndLaterStagesOnlyAddDevices() throws {
        var rollout = try rollout()
        let serials = (0..<20_000).map { "SN\($0)" }
        var previous: Set<String> = []
        var sizes: [Int] = []
        for stage in 0..<4 {
            let included = Set(serials.filter { rollout.includes(serial: $0) })
            #expect(included.isSuperset(of: previous))
            #expect(included == Set(serials.filter { rollout.includes(serial: $0) }))
            sizes.append(included.count)
            previous = included
            if stage < 3 { try rollout.apply(.advance, now: now) }
        }
        // 1%, 10%, 50%, 100% of 20 000, within sampling noise.
        #expect((100...300).contains(sizes[0]) && (1_700...2_300).contains(sizes[1]) && (9_500...10_500).contains(sizes[2]) && sizes[3] == 20_000)
        // Another rollout picks other devices first.
        let other = try self.rollout()
        #expect(Set(serials.filter { other.includes(serial: $0) }) != Set(serials.filter { Rollout.bucket(serial: $0, rolloutId: rollout.id) < 100 }))
    }

    @Test func haltTriggersExactlyAtTheThreshold() throws {
        let rollout = try Rollout.plan(
            buildId: "b", modelId: "m", channel: .stable, markets: [], sourceVersions: [], stages: [100], failureThresholdBasisPoints: 200, minReports: 50,
            now: now)
        #expect(!rollout.shouldHalt(InstallTally(installed: 47, failed: 2)))   // 49 results: too few to judge
        #expect(!rollout.shouldHalt(InstallTally(installed: 50, failed: 0)))
        #expect(rollout.shouldHalt(InstallTally(installed: 49, failed: 1)))    // 50 results, 2.00%
        #expect(!rollout.shouldHalt(InstallTally(installed: 50, failed: 1)))   // 51 results, 1.96%
        #expect(rollout.shouldHalt(InstallTally(installed: 98, failed: 2)))    // 100 results, 2.00%
        #expect(!rollout.shouldHalt(InstallTally(downloading: 500, installed: 0, failed: 0)))
    }

    @Test func rolloutCommandsFollowTheStateMachine() throws {
        var rollout = try rollout(stages: [10, 100])
        #expect(throws: DomainError.self) { try rollout.apply(.resume, now: now) }
        try rollout.apply(.pause, now: now)
        #expect(throws: DomainError.self) { try rollout.apply(.pause, now: now) }
        try rollout.apply(.resume, now: now)
        try rollout.apply(.halt(reason: "bootloops"), now: now)
        #expect(rollout.state == .halted && rollout.haltReason == "bootloops" && !rollout.shouldHalt(InstallTally(failed: 100)))
        #expect(throws: DomainError.self) { try rollout.apply(.advance, now: now) }
        try rollout.apply(.resume, now: now)
        try rollout.apply(.advance, now: now.addingTimeInterval(60))
        #expect(rollout.percent == 100 && rollout.stageStartedAt == now.addingTimeInterval(60))
        try rollout.apply(.advance, now: now)
        #expect(rollout.state == .completed)
        #expect(throws: DomainError.self) { try rollout.apply(.rollback(to: "b"), now: now) }
        try rollout.apply(.rollback(to: "a"), now: now)
        #expect(rollout.state == .rolledBack && rollout.rollbackBuildId == "a")
        for bad in [[], [50], [10, 5, 100], [0, 100], [10, 100, 100]] {
            #expect(throws: DomainError.self) { _ = try self.rollout(stages: bad) }
        }
        let scheduled = try Rollout.plan(buildId: "b", modelId: "m", channel: .beta, markets: ["in"], sourceVersions: ["14.0.6"], stages: [5, 100],
                                         advanceEvery: 3600, now: now)
        #expect(!scheduled.dueToAdvance(now: now.addingTimeInterval(3599)) && scheduled.dueToAdvance(now: now.addingTimeInterval(3600)))
    }

    @Test func offersVerifyWithThePublishedKeyAndSurviveARotation() throws {
        let old = SigningKey.generate(now: now), new = SigningKey.generate(now: now)
        let manifest = SignedOffer.Manifest(model: "note-3", version: "14.0.7", sha256: String(repeating: "a", count: 64), url: "/x",
                                            size: 10, expiresAt: now, rolloutId: "r")
        let offer = try ManifestSigner(keys: [old]).sign(manifest)
        #expect(ManifestSigner.verify(offer, trusting: [old.id: old.publicKey]))
        #expect(!ManifestSigner.verify(offer, trusting: [new.id: new.publicKey]))
        let tampered = SignedOffer(manifest: offer.manifest.replacingOccurrences(of: "14.0.7", with: "14.0.8"), signatures: offer.signatures)
        #expect(!ManifestSigner.verify(tampered, trusting: [old.id: old.publicKey]))
        // During a rotation both keys sign: a device that knows only the old key still updates.
        let rotated = try ManifestSigner(keys: [old, new]).sign(manifest)
        #expect(ManifestSigner.verify(rotated, trusting: [old.id: old.publicKey]) && ManifestSigner.verify(rotated, trusting: [new.id: new.publicKey]))
        let retired = SigningKey(id: old.id, privateKey: old.privateKey, publicKey: old.publicKey, createdAt: now, retiredAt: now)
        #expect(try ManifestSigner(keys: [retired, new]).sign(manifest).signatures.map(\.keyId) == [new.id])
        #expect(throws: DomainError.self) { _ = try ManifestSigner(keys: [retired]).sign(manifest) }
    }

    @Test func aTokenFindsTheIndexEntryStoredUnderItsDigest() {
        // Registration and sync store the hex digest; a check-in hashes the token straight to the key.
        for token in ["dev_a", DeviceToken.make(), DeviceToken.make()] {
            #expect(TokenKey(token: token) == TokenKey(hex: Secrets.digest(token)))
        }
        #expect(TokenKey(token: "dev_a") != TokenKey(token: "dev_b"))
    }

    @Test func aUnitRegistersOnlyWithItsOwnFactorySecret() throws {
        let model = try DeviceModel.create(id: "note-3", name: "Millet Note 3", kind: .phone, productLine: "phones", now: now)
        let secret = model.factorySecret(serial: "SN0001")
        #expect(model.accepts(serial: "SN0001", secret: secret))
        #expect(!model.accepts(serial: "SN0002", secret: secret))
        #expect(!model.accepts(serial: "SN0001", secret: "zz"))
        #expect(throws: DomainError.self) { _ = try DeviceModel.create(id: "Note 3!", name: "x", kind: .phone, productLine: "p", now: now) }
    }

    @Test func checkInsAreJitteredAndBackOffUnderLoad() {
        let policy = CheckInPolicy(interval: 3600, jitter: 0.2, maxBackoff: 8)
        #expect(policy.nextCheckIn(load: 0, random: 0) == 2880 && policy.nextCheckIn(load: 0, random: 0.5) == 3600)
        #expect(policy.nextCheckIn(load: 0, random: 0.9999) <= 4320)
        #expect(policy.nextCheckIn(load: 1, random: 0.5) == 8 * 3600 && policy.nextCheckIn(load: 5, random: 0.5) == 8 * 3600)
        #expect(policy.nextCheckIn(load: 0.5, random: 0.5) == Int(4.5 * 3600))
    }

    @Test func aRolloutReachesOnlyItsModelChannelMarketsAndStage() throws {
        func unit(_ serial: String, model: String = "m", market: String = "IN", channel: UpdateChannel = .stable) -> Device {
            Device(id: serial, number: 1, serial: serial, modelId: model, marketCode: market, channel: channel, version: "14.0.6", registeredAt: now,
                   lastSeenAt: nil, ownerAccountId: nil, orderId: nil, warrantyStartsAt: nil)
        }
        var rollout = try Rollout.plan(buildId: "b", modelId: "m", channel: .stable, markets: ["IN"], sourceVersions: [], stages: [10, 100], now: now)
        let serials = (0..<200).map { "SN\($0)" }
        let inStage = serials.filter { Rollout.bucket(serial: $0, rolloutId: rollout.id) < 1_000 }
        #expect(serials.filter { rollout.reaches(unit($0)) } == inStage && !inStage.isEmpty && inStage.count < 60)
        let first = inStage[0]
        #expect(!rollout.reaches(unit(first, model: "other")) && !rollout.reaches(unit(first, market: "ES")) && !rollout.reaches(unit(first, channel: .beta)))
        // Stages only grow: every unit reached before is reached after, and the rest join.
        try rollout.apply(.advance, now: now)
        #expect(serials.allSatisfy { rollout.reaches(unit($0)) })
    }

    @Test func theNewestMatchingBuildIsOfferedAndARollbackTakesPrecedence() throws {
        let device = Device(id: "d", number: 1, serial: "SN1", modelId: "m", marketCode: "IN", channel: .stable, version: "14.0.6", registeredAt: now,
                            lastSeenAt: nil, ownerAccountId: nil, orderId: nil, warrantyStartsAt: nil)
        func build(_ id: String, _ version: String, minimum: String? = nil) -> FirmwareBuild {
            FirmwareBuild(id: id, modelId: "m", version: version, sha256: id, size: 1, minSourceVersion: minimum, releaseId: nil, notes: nil, createdAt: now)
        }
        let builds = ["a": build("a", "14.0.7"), "b": build("b", "14.0.8"), "c": build("c", "15.0.0", minimum: "14.0.8"), "z": build("z", "14.0.5")]
        func plan(_ id: String, markets: [String] = []) throws -> Rollout {
            try Rollout.plan(buildId: id, modelId: "m", channel: .stable, markets: markets, sourceVersions: [], stages: [100], now: now)
        }
        let v = try #require(FirmwareVersion("14.0.6"))
        #expect(OfferChooser(rollouts: [try plan("a"), try plan("b")], builds: builds).choose(device: device, version: v)?.build.id == "b")
        // 15.0.0 needs 14.0.8 first; another market's rollout is not for this device.
        #expect(OfferChooser(rollouts: [try plan("c"), try plan("a", markets: ["ES"])], builds: builds).choose(device: device, version: v) == nil)
        var bad = try plan("a")
        try bad.apply(.rollback(to: "z"), now: now)
        let onBad = try #require(FirmwareVersion("14.0.7"))
        #expect(OfferChooser(rollouts: [bad, try plan("b")], builds: builds).choose(device: device, version: onBad)?.build.id == "z")
        #expect(OfferChooser(rollouts: [bad], builds: builds).choose(device: device, version: v) == nil)
    }
}
