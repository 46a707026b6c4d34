/// A refusal from the domain, in business words. The HTTP layer maps each case to one status.
///
/// ```swift
/// throw DomainError.invalid(field: "quantity", "must be between 1 and 99")
/// ```
public enum DomainError: Error, Equatable, Sendable {
    /// The input is malformed or out of range; `fields` names each bad field.
    case invalidInput(message: String, fields: [String: String])
    /// The thing named does not exist (or the caller may not know it exists).
    case notFound(what: String)
    /// The request is well formed but the current state refuses it (`code` is machine-readable).
    case conflict(code: String, message: String)
    /// No valid credentials were given.
    case unauthenticated(message: String)
    /// The caller is known but their role or ownership does not allow this.
    case forbidden(message: String)
    /// Too many attempts; try again after `retryAfterSeconds`.
    case throttled(retryAfterSeconds: Int)
    /// The caller is known but not eligible for this (`code` is machine-readable, such as `not_reserved`).
    case notEligible(code: String, message: String)
    /// Well formed, but refused as it stands (422; `code` is machine-readable, such as
    /// `idempotency_key_reused`).
    case rejected(code: String, message: String)
    /// Refused for now because something still under way decides the answer (409 with
    /// `Retry-After`; `code` such as `purchase_in_progress`): the retry gets it.
    case notYet(code: String, message: String, retryAfterSeconds: Int)
    /// Millet is shedding load to keep answering quickly; try again after `retryAfterSeconds`.
    case overloaded(retryAfterSeconds: Int)

    /// When to try again, for a refusal that is "not now" rather than "no".
    public var retryAfterSeconds: Int? {
        switch self {
        case .throttled(let seconds), .notYet(_, _, let seconds), .overloaded(let seconds): seconds
        default: nil
        }
    }

    /// Shorthand for a single bad field.
    public static func invalid(field: String, _ message: String) -> DomainError {
        .invalidInput(message: "\(field): \(message)", fields: [field: message])
    }
}
