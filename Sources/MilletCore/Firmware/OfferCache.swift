import Foundation
import Synchronization

/// Signed offers by rollout, build and signing keys. Each is signed once a minute and served to
/// every device in the stage, so the cost of signing does not grow with the fleet; an offer
/// served late in its minute still has all but a minute of its lifetime.
final class OfferCache: Sendable {
    /// A signed offer, its JSON, and when it was signed.
    struct Entry: Sendable {
        let offer: SignedOffer
        let json: [UInt8]
        let signedAt: Date
    }

    /// How long one signature is served before the next check-in signs afresh.
    static let resignAfter: TimeInterval = 60
    private let entries = Mutex<[String: Entry]>([:])

    /// The cached offer for this rollout and build under these keys, or a freshly signed one.
    func offer(rollout: Rollout, build: FirmwareBuild, signer: ManifestSigner, lifetime: TimeInterval, now: Date) throws -> Entry {
        let key = "\(rollout.id)/\(build.id)/\(signer.keyIds)"
        if let entry = entries.withLock({ $0[key] }), Self.fresh(entry, now: now) { return entry }
        let manifest = SignedOffer.Manifest(
            model: build.modelId, version: build.version, sha256: build.sha256, url: "/api/v1/devices/firmware/\(build.sha256)",
            size: build.size, expiresAt: now.addingTimeInterval(lifetime), rolloutId: rollout.id)
        let offer = try signer.sign(manifest)
        let entry = Entry(offer: offer, json: try offer.json(), signedAt: now)
        entries.withLock { entries in
            entries = entries.filter { Self.fresh($0.value, now: now) }
            entries[key] = entry
        }
        return entry
    }

    /// Drops every offer, after rollouts or keys change.
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    private static func fresh(_ entry: Entry, now: Date) -> Bool {
        now >= entry.signedAt && now.timeIntervalSince(entry.signedAt) < resignAfter
    }
}
