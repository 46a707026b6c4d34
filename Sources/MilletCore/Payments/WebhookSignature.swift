import Crypto
import Foundation

/// HMAC-SHA256 webhook signatures over timestamp and body, in the header form
/// `t=<unix seconds>,v1=<hex>`. A signature older (or newer) than ``tolerance`` is refused,
/// so a captured request cannot be replayed later.
public struct WebhookSignature: Sendable {
    private let secret: [UInt8]
    /// How far a signature's timestamp may be from now, in seconds.
    public let tolerance: TimeInterval

    public init(secret: String, tolerance: TimeInterval = 300) {
        self.secret = Array(secret.utf8)
        self.tolerance = tolerance
    }

    /// The header value for `body` signed at `timestamp`.
    public func sign(body: [UInt8], timestamp: Date) -> String {
        let seconds = Int64(timestamp.timeIntervalSince1970)
        return "t=\(seconds),v1=\(Secrets.hex(mac(seconds: seconds, body: body)))"
    }

    /// Throws `unauthenticated` unless `header` is a valid, fresh signature of `body`.
    public func verify(header: String?, body: [UInt8], now: Date) throws {
        guard let header else { throw DomainError.unauthenticated(message: "missing webhook signature") }
        var seconds: Int64?
        var candidates: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { seconds = Int64(pair[1]) }
            if pair[0] == "v1" { candidates.append(pair[1].lowercased()) }
        }
        guard let seconds, !candidates.isEmpty else {
            throw DomainError.unauthenticated(message: "malformed webhook signature")
        }
        guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance else {
            throw DomainError.unauthenticated(message: "webhook signature timestamp is outside the tolerance")
        }
        let payload = signedPayload(seconds, body)
        let key = SymmetricKey(data: secret)
        let matches = candidates.contains { candidate in
            guard let bytes = Secrets.unhex(candidate) else { return false }
            // Constant-time comparison.
            return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: payload, using: key)
        }
        guard matches else { throw DomainError.unauthenticated(message: "webhook signature does not match") }
    }

    private func signedPayload(_ seconds: Int64, _ body: [UInt8]) -> [UInt8] {
        Array("\(seconds).".utf8) + body
    }

    private func mac(seconds: Int64, body: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: signedPayload(seconds, body), using: SymmetricKey(data: secret)))
    }

}
