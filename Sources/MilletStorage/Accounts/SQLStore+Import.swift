import Foundation
import MilletCore
import SQLKit

extension SQLStore {
    /// Creates many accounts, each with one live session, in a few multi-row transactions: how a
    /// brand brings its fans over from another shop, and how `millet bench` seeds its crowd.
    /// `sessionTokenHashes[i]` becomes a session of `accounts[i]` until `expiresAt`.
    public func importAccounts(_ accounts: [Account], sessionTokenHashes: [String], expiresAt: Date) async throws {
        precondition(accounts.count == sessionTokenHashes.count, "one session per account")
        for start in stride(from: 0, to: accounts.count, by: 5_000) {
            let end = min(start + 5_000, accounts.count)
            try await sqlTransaction { db in
                for chunk in stride(from: start, to: end, by: 500) {
                    let range = chunk..<min(chunk + 500, end)
                    let rows = range.map { i -> SQLQueryString in
                        let a = accounts[i]
                        return "(\(bind: a.id), \(bind: a.email), \(bind: a.displayName), \(bind: a.role.rawValue), \(bind: a.passwordHash), \(bind: a.createdAt.millis))"
                    }
                    try await db.raw("""
                        INSERT INTO accounts (id, email, display_name, role, password_hash, created_at) VALUES \(rows.joined(separator: ", "))
                        """).run()
                    let sessions = range.map { i -> SQLQueryString in
                        "(\(bind: sessionTokenHashes[i]), \(bind: accounts[i].id), \(bind: expiresAt.millis))"
                    }
                    try await db.raw("INSERT INTO sessions (token_hash, account_id, expires_at) VALUES \(sessions.joined(separator: ", "))").run()
                }
            }
        }
    }
}
