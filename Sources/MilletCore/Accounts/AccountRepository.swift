import Foundation

/// Stored accounts and log-in sessions.
public protocol AccountRepository: Sendable {
    /// Stores a new account; throws `conflict(email_taken)` when the email is registered.
    func create(_ account: Account) async throws
    func account(email: String) async throws -> Account?
    func account(id: String) async throws -> Account?
    /// Gives the account another role; `not_found` when there is no such account.
    func setRole(_ role: Role, accountId: String) async throws -> Account
    /// Stores a session under the SHA-256 of its token; the token itself is never stored.
    func createSession(tokenHash: String, accountId: String, expiresAt: Date) async throws
    /// The accounts of the live sessions among these token hashes, by hash: many sessions read
    /// again in one statement.
    func accounts(sessionTokenHashes: [String], now: Date) async throws -> [String: Account]
    func deleteSession(tokenHash: String) async throws
}
