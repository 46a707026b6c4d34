import Foundation
import MilletCore
import SQLKit

extension SQLTransaction: AccountLedger {
    func insertAccount(_ account: Account, language: String?) async throws {
        try await SQLStore.insertAccount(db: db, account)
        if let language {
            try await SQLStore.savePreferences(db: db, MessagePreferences(language: language), accountId: account.id)
        }
    }

    func accountInLedger(id: String) async throws -> Account? {
        try await db.raw("SELECT * FROM accounts WHERE id = \(bind: id)").first().map(SQLStore.account(from:))
    }

    func insertAccountToken(hash: String, accountId: String, purpose: AccountTokenPurpose, expiresAt: Date, now: Date) async throws {
        try await db.raw("""
            INSERT INTO account_tokens (token_hash, account_id, purpose, expires_at, created_at)
            VALUES (\(bind: hash), \(bind: accountId), \(bind: purpose.rawValue), \(bind: expiresAt.millis), \(bind: now.millis))
            """).run()
    }

    func consumeAccountToken(hash: String, purpose: AccountTokenPurpose, now: Date) async throws -> String? {
        // One statement decides: of two clicks on the same link, one updates the row and the
        // other finds it used.
        try await db.raw("""
            UPDATE account_tokens SET used_at = \(bind: now.millis)
            WHERE token_hash = \(bind: hash) AND purpose = \(bind: purpose.rawValue) AND used_at IS NULL AND expires_at > \(bind: now.millis)
            RETURNING account_id
            """).first().map { try $0.string("account_id") }
    }

    func setPassword(accountId: String, hash: String, now: Date) async throws {
        try await db.raw("UPDATE accounts SET password_hash = \(bind: hash) WHERE id = \(bind: accountId)").run()
        // Other reset links of the account stop working with the password they were sent for.
        try await db.raw("""
            UPDATE account_tokens SET used_at = \(bind: now.millis)
            WHERE account_id = \(bind: accountId) AND purpose = \(bind: AccountTokenPurpose.resetPassword.rawValue) AND used_at IS NULL
            """).run()
        try await db.raw("DELETE FROM sessions WHERE account_id = \(bind: accountId)").run()
        try await SQLStore.recordRevocation(db, tokenHash: nil, accountId: accountId, now: now)
    }

    func setEmail(accountId: String, email: String, now: Date) async throws {
        try await SQLStore.requireFreeEmail(db: db, email)
        try await db.raw("UPDATE accounts SET email = \(bind: email), email_verified_at = NULL WHERE id = \(bind: accountId)").run()
        // Links sent to the old address, to verify it or to reset the password, stop working.
        try await db.raw("""
            UPDATE account_tokens SET used_at = \(bind: now.millis) WHERE account_id = \(bind: accountId) AND used_at IS NULL
            """).run()
        try await db.raw("DELETE FROM sessions WHERE account_id = \(bind: accountId)").run()
        try await SQLStore.recordRevocation(db, tokenHash: nil, accountId: accountId, now: now)
    }

    func markEmailVerified(accountId: String, now: Date) async throws {
        try await db.raw("UPDATE accounts SET email_verified_at = \(bind: now.millis) WHERE id = \(bind: accountId)").run()
    }
}
