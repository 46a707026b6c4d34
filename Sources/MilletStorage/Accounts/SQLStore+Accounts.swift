import Foundation
import MilletCore
import SQLKit

extension SQLStore: AccountRepository {
    public func create(_ account: Account) async throws {
        try await transaction { db in
            let taken = try await db.raw("SELECT id FROM accounts WHERE email = \(bind: account.email)").first()
            guard taken == nil else {
                throw DomainError.conflict(code: "email_taken", message: "an account with this email exists")
            }
            try await db.raw("""
                INSERT INTO accounts (id, email, display_name, role, password_hash, created_at)
                VALUES (\(bind: account.id), \(bind: account.email), \(bind: account.displayName),
                    \(bind: account.role.rawValue), \(bind: account.passwordHash), \(bind: account.createdAt.millis))
                """).run()
        }
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

    public func setRole(_ role: Role, accountId: String) async throws -> Account {
        try await transaction { db in
            guard let row = try await db.raw("""
                UPDATE accounts SET role = \(bind: role.rawValue) WHERE id = \(bind: accountId) RETURNING *
                """).first()
            else { throw DomainError.notFound(what: "account") }
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

    public func accounts(sessionTokenHashes: [String], now: Date) async throws -> [String: Account] {
        guard !sessionTokenHashes.isEmpty else { return [:] }
        let hashes = sessionTokenHashes.map { hash -> SQLQueryString in "\(bind: hash)" }.joined(separator: ", ")
        return try await read { db in
            var found: [String: Account] = [:]
            for row in try await db.raw("""
                SELECT s.token_hash AS session_token_hash, a.* FROM sessions s JOIN accounts a ON a.id = s.account_id
                WHERE s.token_hash IN (\(hashes)) AND s.expires_at > \(bind: now.millis)
                """).all() {
                found[try row.string("session_token_hash")] = try Self.account(from: row)
            }
            return found
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await read { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
        }
    }

    static func account(from row: any SQLRow) throws -> Account {
        guard let role = Role(rawValue: try row.string("role")) else {
            throw DomainError.conflict(code: "corrupt_account", message: "unknown role")
        }
        return Account(
            id: try row.string("id"), email: try row.string("email"), displayName: try row.string("display_name"),
            role: role, passwordHash: try row.string("password_hash"), createdAt: try row.date("created_at"))
    }
}
