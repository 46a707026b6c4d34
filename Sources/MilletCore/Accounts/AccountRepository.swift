import Foundation

/// Stored accounts and log-in sessions.
public protocol AccountRepository: Sendable {
    /// Stores a new account; throws `conflict(email_taken)` when the email is registered.
    func create(_ account: Account) async throws
    func account(email: String) async throws -> Account?
    func account(id: String) async throws -> Account?
    /// Gives the account another role and records the change as a revocation of its sessions, so
    /// every node reads them again; `not_found` when there is no such account.
    func setRole(_ role: Role, accountId: String, now: Date) async throws -> Account
    /// Stores a session under the SHA-256 of its token; the token itself is never stored.
    func createSession(tokenHash: String, accountId: String, expiresAt: Date) async throws
    /// The live sessions among these token hashes, by hash: many sessions read in one statement.
    func sessions(tokenHashes: [String], now: Date) async throws -> [String: LiveSession]
    /// Ends a session and records its revocation, so every node drops it from memory.
    func deleteSession(tokenHash: String, now: Date) async throws
    /// Revocations written after `seq` (all of them with `nil`), oldest first, at most `limit`.
    func sessionRevocations(after seq: Int64?, limit: Int) async throws -> [SessionRevocation]
    /// Deletes revocations written before `date`: nodes have long read them by then.
    func pruneSessionRevocations(before date: Date) async throws
}

/// A session as read from the database: whose it is and when it ends.
public struct LiveSession: Sendable {
    public let account: Account
    public let expiresAt: Date

    public init(account: Account, expiresAt: Date) {
        self.account = account
        self.expiresAt = expiresAt
    }
}

/// Something that makes sessions held in memory wrong, in the order it was written: a log-out
/// (the session's token hash) or a change to an account (its id; every session of the account).
public struct SessionRevocation: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case session(tokenHash: String)
        case account(id: String)
    }

    /// Its place in the order revocations were written; the next read starts after it.
    public let seq: Int64
    public let target: Target

    public init(seq: Int64, target: Target) {
        self.seq = seq
        self.target = target
    }
}
