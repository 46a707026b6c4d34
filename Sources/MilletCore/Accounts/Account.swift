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

    public init(id: String, email: String, displayName: String, role: Role, passwordHash: String, createdAt: Date) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// What a fan types to register, checked before anything is stored.
public struct Registration: Sendable {
    public let email: String
    public let password: String
    public let displayName: String

    /// Normalises and validates; throws naming every bad field.
    public init(email: String, password: String, displayName: String) throws {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let name = displayName.trimmingCharacters(in: .whitespaces)
        var check = Validator()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        check.require(
            parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && email.count <= 254
                && !email.contains(" "),
            "email", "must be a valid email address")
        check.require(password.count >= 8, "password", "must be at least 8 characters")
        check.require(password.utf8.count <= 72, "password", "must be at most 72 bytes")
        check.requireLength(displayName, 1...60, "displayName", "must be 1 to 60 characters")
        try check.check()
        self.email = email
        self.password = password
        self.displayName = name
    }
}

/// Hashes and checks passwords; the live one is bcrypt.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) -> String
    func verify(_ password: String, against hash: String) -> Bool
}
