import Foundation

/// What a single-use link proves.
public enum AccountTokenPurpose: String, Sendable {
    case verifyEmail = "verify_email"
    case resetPassword = "reset_password"

    /// How long a link works.
    public var lifetime: TimeInterval { self == .verifyEmail ? 86_400 : 3_600 }
}

/// Accounts inside a ``Transaction``: the changes that must be written with the notice that
/// tells the fan about them.
public protocol AccountLedger: Sendable {
    /// Stores a new account with the language its messages are written in; `conflict(email_taken)`
    /// when the email is registered.
    func insertAccount(_ account: Account, language: String?) async throws
    /// The account as it is now, read inside the transaction.
    func accountInLedger(id: String) async throws -> Account?
    /// Stores a link token under its SHA-256.
    func insertAccountToken(hash: String, accountId: String, purpose: AccountTokenPurpose, expiresAt: Date, now: Date) async throws
    /// Uses a token once: the account it belongs to, or `nil` when it is unknown, used or expired.
    func consumeAccountToken(hash: String, purpose: AccountTokenPurpose, now: Date) async throws -> String?
    /// Replaces the password hash and revokes every session of the account.
    func setPassword(accountId: String, hash: String, now: Date) async throws
    /// Replaces the email (no longer verified); `conflict(email_taken)` when another account has it.
    func setEmail(accountId: String, email: String, now: Date) async throws
    func markEmailVerified(accountId: String, now: Date) async throws
}

/// The account's own use cases, each one transaction with the notice it sends: registration
/// with its verification link, verifying, a password reset by a single-use link that expires,
/// and changes of password or email, which the fan is told about.
public struct AccountDesk: Sendable {
    private let store: any UnitOfWork
    private let accounts: any AccountRepository
    private let authenticator: Authenticator
    private let hasher: any PasswordHasher
    private let clock: any MilletClock

    public init(store: any UnitOfWork, accounts: any AccountRepository, authenticator: Authenticator, hasher: any PasswordHasher, clock: any MilletClock) {
        self.store = store
        self.accounts = accounts
        self.authenticator = authenticator
        self.hasher = hasher
        self.clock = clock
    }

    /// Creates a customer account, emails it a verification link, and logs it in.
    /// Registrations are limited per IP before the password is hashed.
    public func register(_ registration: Registration, language: String?, clientIP: String) async throws -> (account: Account, token: String) {
        try authenticator.limitHashing(.registration, from: clientIP)
        let now = clock.now()
        let account = Account(
            id: Identifier.make(), email: registration.email, displayName: registration.displayName, role: .customer,
            passwordHash: try await hasher.hash(registration.password), createdAt: now)
        try await store.transaction { tx in
            try await tx.insertAccount(account, language: language)
            try await Self.sendVerification(tx, account: account, now: now)
        }
        return (account, try await authenticator.startSession(for: account))
    }

    /// Emails a new verification link (an earlier one keeps working until it expires).
    public func resendVerification(_ account: Account) async throws {
        guard account.emailVerifiedAt == nil else {
            throw DomainError.conflict(code: "already_verified", message: "\(account.email) is already verified")
        }
        try authenticator.limitLinks(to: account.email)
        let now = clock.now()
        try await store.transaction { tx in try await Self.sendVerification(tx, account: account, now: now) }
    }

    /// Marks the email of the link's account verified; `invalid_token` when the link is unknown,
    /// used or expired.
    public func verifyEmail(token: String) async throws -> Account {
        let now = clock.now()
        let account = try await store.transaction { tx in
            guard let id = try await tx.consumeAccountToken(hash: Secrets.digest(token), purpose: .verifyEmail, now: now) else {
                throw Self.invalidToken
            }
            try await tx.markEmailVerified(accountId: id, now: now)
            return try await Self.account(tx, id)
        }
        authenticator.revokeSessions(of: account.id)
        return account
    }

    /// Emails a reset link when the address has an account; says nothing either way, so the
    /// answer does not tell who has an account.
    public func requestPasswordReset(email: String) async throws {
        guard email.count <= 254 else { throw DomainError.invalid(field: "email", "at most 254 characters") }
        let email = Registration.normalise(email: email)
        try authenticator.limitLinks(to: email)
        guard let account = try await accounts.account(email: email) else { return }
        let now = clock.now()
        try await store.transaction { tx in
            let token = try await Self.issue(.resetPassword, tx, account: account, now: now)
            try await tx.notify(Notice(
                accountId: account.id, kind: .passwordReset, subjectId: account.id, key: "password_reset:\(Identifier.make())",
                params: ["token": token], createdAt: now))
        }
    }

    /// Sets a new password with a reset link, once: every session ends and the fan is told.
    /// Limited per IP before the password is hashed, so made-up links cannot fill the hashing pool.
    public func resetPassword(token: String, newPassword: String, clientIP: String) async throws -> Account {
        try Registration.checkPassword(newPassword)
        try authenticator.limitHashing(.passwordReset, from: clientIP)
        let hash = try await hasher.hash(newPassword), now = clock.now()
        let account = try await store.transaction { tx in
            guard let id = try await tx.consumeAccountToken(hash: Secrets.digest(token), purpose: .resetPassword, now: now) else {
                throw Self.invalidToken
            }
            return try await Self.changePassword(tx, accountId: id, hash: hash, now: now)
        }
        authenticator.revokeSessions(of: account.id)
        return account
    }

    /// Changes the password of a logged-in fan who knows the current one; every session ends
    /// (the caller starts a new one) and the fan is told.
    public func changePassword(_ account: Account, current: String, new: String, clientIP: String) async throws -> Account {
        try await authenticator.confirm(password: current, of: account, clientIP: clientIP, field: "currentPassword")
        try Registration.checkPassword(new)
        let hash = try await hasher.hash(new), now = clock.now()
        let changed = try await store.transaction { tx in try await Self.changePassword(tx, accountId: account.id, hash: hash, now: now) }
        authenticator.revokeSessions(of: account.id)
        return changed
    }

    /// Moves the account to a new email, confirmed by the password: the old address is told, the
    /// new one gets a verification link.
    public func changeEmail(_ account: Account, password: String, newEmail: String, clientIP: String) async throws -> Account {
        try await authenticator.confirm(password: password, of: account, clientIP: clientIP, field: "password")
        let email = Registration.normalise(email: newEmail)
        guard Registration.isEmail(email) else { throw DomainError.invalid(field: "email", "must be a valid email address") }
        guard email != account.email else { throw DomainError.invalid(field: "email", "is the account's email already") }
        let now = clock.now()
        let changed = try await store.transaction { tx in
            try await tx.setEmail(accountId: account.id, email: email, now: now)
            try await tx.notify(Notice(
                accountId: account.id, kind: .emailChanged, subjectId: account.id, key: "email_changed:\(Identifier.make())",
                params: ["to": account.email, "oldEmail": account.email, "email": email], createdAt: now))
            let changed = try await Self.account(tx, account.id)
            try await Self.sendVerification(tx, account: changed, now: now)
            return changed
        }
        authenticator.revokeSessions(of: account.id)
        return changed
    }

    static let invalidToken = DomainError.conflict(code: "invalid_token", message: "the link is unknown, used or expired; ask for a new one")

    private static func changePassword(_ tx: any Transaction, accountId: String, hash: String, now: Date) async throws -> Account {
        try await tx.setPassword(accountId: accountId, hash: hash, now: now)
        try await tx.notify(Notice(
            accountId: accountId, kind: .passwordChanged, subjectId: accountId, key: "password_changed:\(Identifier.make())", createdAt: now))
        return try await account(tx, accountId)
    }

    /// The account as the transaction has it now.
    private static func account(_ tx: any Transaction, _ id: String) async throws -> Account {
        guard let account = try await tx.accountInLedger(id: id) else { throw DomainError.notFound(what: "account") }
        return account
    }

    private static func sendVerification(_ tx: any Transaction, account: Account, now: Date) async throws {
        let token = try await issue(.verifyEmail, tx, account: account, now: now)
        try await tx.notify(Notice(
            accountId: account.id, kind: .emailVerification, subjectId: account.id, key: "email_verification:\(Identifier.make())",
            params: ["token": token, "to": account.email], createdAt: now))
    }

    /// A new random token of `purpose`; only its digest is stored.
    private static func issue(_ purpose: AccountTokenPurpose, _ tx: any Transaction, account: Account, now: Date) async throws -> String {
        let token = Secrets.hex(bytes: 32)
        try await tx.insertAccountToken(
            hash: Secrets.digest(token), accountId: account.id, purpose: purpose, expiresAt: now.addingTimeInterval(purpose.lifetime), now: now)
        return token
    }
}
