/// What a request sent with an `Idempotency-Key` asked for, as a digest kept with the order it
/// made, so the key sent again with another request is refused (`idempotency_key_reused`, 422)
/// instead of silently answering the first order, as Stripe defines it.
public enum IdempotentRequest {
    /// The digest of a request's parts, in a fixed order (a missing part differs from an empty one).
    public static func fingerprint(_ parts: [String?]) -> String {
        Secrets.digest(parts.map { $0.map { "=" + $0 } ?? "-" }.joined(separator: "\u{1F}"))
    }

    /// Whether `given` is the key's first request (orders kept from before requests had digests,
    /// and requests without one, match anything).
    public static func matches(stored: String?, given: String?) -> Bool {
        guard let stored, let given else { return true }
        return stored == given
    }

    /// Refuses `given` when the key's first request was another.
    public static func check(stored: String?, given: String?) throws {
        guard matches(stored: stored, given: given) else { throw reused }
    }

    /// The refusal of a key sent again with another request.
    public static let reused = DomainError.rejected(
        code: "idempotency_key_reused", message: "this Idempotency-Key was used for a different request; use a new key for a new request")
}
