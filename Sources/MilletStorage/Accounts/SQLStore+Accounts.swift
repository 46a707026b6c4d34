import Foundation
import MilletCore
import SQLKit

extension SQLStore: AccountRepository {
    public func create(_ account: Account) async throws {
        try await sqlTransaction { db in try await Self.insertAccount(db: db, account) }
    }

    /// Inserts an account; `conflict(email_taken)` when the email is registered, also when two
    /// registrations of one address race (the unique index decides, and neither is a 500).
    static func insertAccount(db: any SQLDatabase, _ account: Account) async throws {
        let inserted = try await db.raw("""
            INSERT INTO accounts (id, email, display_name, role, password_hash, created_at, email_verified_at)
            VALUES (\(bind: account.id), \(bind: account.email), \(bind: account.displayName),
                \(bind: account.role.rawValue), \(bind: account.passwordHash), \(bind: account.createdAt.millis),
                \(bind: account.emailVerifiedAt?.millis))
            ON CONFLICT (email) DO NOTHING RETURNING id
            """).first()
        guard inserted != nil else { throw emailTaken }
    }

    static let emailTaken = DomainError.conflict(code: "email_taken", message: "an account with this email exists")

    static func requireFreeEmail(db: any SQLDatabase, _ email: String) async throws {
        let taken = try await db.raw("SELECT id FROM accounts WHERE email = \(bind: email)").first()
        guard taken == nil else { throw emailTaken }
    }

    public func account(email: String) async throws -> Account? {
        try await read { db in
            try await db.raw("SELECT * FROM accounts WHERE email = \(bind: email.lowercased())").first().map(Self.account(from:))
        }
    }

    public func account(id: String) async throws -> Account? {
        try await read { db in
            try await db.raw("SELECT * FROM accounts WHERE id = \(bind: id)").first().map(Self.account(from:))
        }
    }

    public func setRole(_ role: Role, accountId: String, now: Date) async throws -> Account {
        try await sqlTransaction { db in
            guard let row = try await db.raw("""
                UPDATE accounts SET role = \(bind: role.rawValue) WHERE id = \(bind: accountId) RETURNING *
                """).first()
            else { throw DomainError.notFound(what: "account") }
            try await Self.recordRevocation(db, tokenHash: nil, accountId: accountId, now: now)
            return try Self.account(from: row)
        }
    }

    public func createSession(tokenHash: String, accountId: String, expiresAt: Date) async throws {
        try await read { db in
            try await db.raw("""
                INSERT INTO sessions (token_hash, account_id, expires_at)
                VALUES (\(bind: tokenHash), \(bind: accountId), \(bind: expiresAt.millis))
                """).run()
        }
    }

    public func sessions(tokenHashes: [String], now: Date) async throws -> [String: LiveSession] {
        guard !tokenHashes.isEmpty else { return [:] }
        let hashes = tokenHashes.map { hash -> SQLQueryString in "\(bind: hash)" }.joined(separator: ", ")
        return try await read { db in
            var found: [String: LiveSession] = [:]
            for row in try await db.raw("""
                SELECT s.token_hash AS session_token_hash, s.expires_at AS session_expires_at, a.*
                FROM sessions s JOIN accounts a ON a.id = s.account_id
                WHERE s.token_hash IN (\(hashes)) AND s.expires_at > \(bind: now.millis)
                """).all() {
                found[try row.string("session_token_hash")] = LiveSession(account: try Self.account(from: row), expiresAt: try row.date("session_expires_at"))
            }
            return found
        }
    }

    public func deleteSession(tokenHash: String, now: Date) async throws {
        try await sqlTransaction { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
            try await Self.recordRevocation(db, tokenHash: tokenHash, accountId: nil, now: now)
        }
    }

    public func sessionRevocations(after seq: Int64?, limit: Int) async throws -> [SessionRevocation] {
        try await read { db in
            try await db.raw("""
                SELECT seq, token_hash, account_id FROM session_revocations
                WHERE seq > \(bind: seq ?? -1) ORDER BY seq LIMIT \(bind: Int64(limit))
                """).all().map { row in
                let seq = try row.int("seq")
                if let id = try row.optionalString("account_id") { return SessionRevocation(seq: seq, target: .account(id: id)) }
                return SessionRevocation(seq: seq, target: .session(tokenHash: try row.string("token_hash")))
            }
        }
    }

    public func pruneSessionRevocations(before date: Date) async throws {
        try await read { db in
            try await db.raw("DELETE FROM session_revocations WHERE revoked_at < \(bind: date.millis)").run()
        }
    }

    /// Records that a session (by token hash) or every session of an account is no longer what
    /// nodes hold in memory, in the transaction that made it so.
    static func recordRevocation(_ db: any SQLDatabase, tokenHash: String?, accountId: String?, now: Date) async throws {
        try await db.raw("""
            INSERT INTO session_revocations (token_hash, account_id, revoked_at)
            VALUES (\(bind: tokenHash), \(bind: accountId), \(bind: now.millis))
            """).run()
    }

    static func account(from row: any SQLRow) throws -> Account {
        guard let role = Role(rawValue: try row.string("role")) else {
            throw DomainError.conflict(code: "corrupt_account", message: "unknown role")
        }
        return Account(
            id: try row.string("id"), email: try row.string("email"), displayName: try row.string("display_name"),
            role: role, passwordHash: try row.string("password_hash"), createdAt: try row.date("created_at"),
            emailVerifiedAt: try row.decodeNil(column: "email_verified_at") ? nil : try row.date("email_verified_at"))
    }
}
