import Foundation

/// What an account may do. Checked on the server for every staff endpoint.
public enum Role: String, Codable, Sendable, CaseIterable {
    case customer, moderator, staff, admin

    /// Staff and admins run the store.
    public var isStaff: Bool { self == .staff || self == .admin }
    /// Moderators, staff and admins keep the community civil: they see hidden posts and act on reports.
    public var canModerate: Bool { self != .customer }
}

/// A registered fan or staff member.
public struct Account: Hashable, Sendable, Codable {
    public let id: String
    public let email: String
    public let displayName: String
    public let role: Role
    public let passwordHash: String
    public let createdAt: Date
    /// When the fan opened the verification link sent to ``email``; `nil` until then.
    public let emailVerifiedAt: Date?

    public init(id: String, email: String, displayName: String, role: Role, passwordHash: String, createdAt: Date, emailVerifiedAt: Date? = nil) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.emailVerifiedAt = emailVerifiedAt
    }
}

/// What a fan types to register, checked before anything is stored.
public struct Registration: Sendable {
    public let email: String
    public let password: String
    public let displayName: String

    /// Normalises and validates; throws naming every bad field.
    public init(email: String, password: String, displayName: String) throws {
        let email = Self.normalise(email: email)
        let name = displayName.trimmingCharacters(in: .whitespaces)
        var check = Validator()
        check.require(Self.isEmail(email), "email", "must be a valid email address")
        Self.checkPassword(password, &check)
        check.requireLength(displayName, 1...60, "displayName", "must be 1 to 60 characters")
        check.requireSingleLine(displayName.trimmed, "displayName")
        try check.check()
        self.email = email
        self.password = password
        self.displayName = name
    }

    /// An address as stored: trimmed, lower case.
    public static func normalise(email: String) -> String {
        email.trimmed.lowercased()
    }

    /// `true` for `local@domain.tld` of at most 254 characters, with no white space, control
    /// character, `<` or `>` anywhere (an address goes into SMTP commands and mail headers).
    public static func isEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && email.count <= 254
            && !email.unicodeScalars.contains { $0.properties.isWhitespace || Validator.isHidden($0) || $0 == "<" || $0 == ">" }
    }

    /// A password's rules: at least 8 characters, at most 72 bytes (what bcrypt reads).
    static func checkPassword(_ password: String, _ check: inout Validator, field: String = "password") {
        check.require(password.count >= 8, field, "must be at least 8 characters")
        check.require(password.utf8.count <= 72, field, "must be at most 72 bytes")
    }

    /// Throws when a new password breaks the rules.
    public static func checkPassword(_ password: String, field: String = "password") throws {
        var check = Validator()
        checkPassword(password, &check, field: field)
        try check.check()
    }
}

/// Hashes and checks passwords; the live one is bcrypt, on a pool of its own threads. Either
/// may throw `overloaded` when too many are waiting.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, against hash: String) async throws -> Bool
}
