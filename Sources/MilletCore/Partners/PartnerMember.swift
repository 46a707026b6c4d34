import Foundation

/// A person of a partner organisation who signs in to the partner portal with their own account.
public struct PartnerMember: Hashable, Sendable {
    public enum Role: String, Sendable, Codable, CaseIterable {
        /// Runs the organisation's side: keys, prices, reports, sales.
        case manager
        /// Works a till: reads stock and records sales.
        case clerk

        /// What the role may do, as a key's scopes.
        public var scopes: Set<PartnerScope> {
            switch self {
            case .manager: Set(PartnerScope.allCases)
            case .clerk: [.stockRead, .salesWrite]
            }
        }
    }

    public let organisationId: String
    public let accountId: String
    public let role: Role
    public let addedAt: Date

    public init(organisationId: String, accountId: String, role: Role, addedAt: Date) {
        self.organisationId = organisationId
        self.accountId = accountId
        self.role = role
        self.addedAt = addedAt
    }

    /// The member acting in the portal, as a caller of the partner use cases.
    public var caller: PartnerCaller { PartnerCaller(keyId: "member:\(accountId)", organisationId: organisationId, scopes: role.scopes) }
}

extension PartnerDesk {
    /// Makes the account with `email` a member of the organisation with `role` (an account is a
    /// member of one organisation; adding it again changes its role); `invalid` for an email no
    /// account has, `conflict(member_elsewhere)` when it is another organisation's.
    public func addMember(organisationId: String, email: String, role: PartnerMember.Role) async throws -> PartnerMember {
        let organisation = try await organisation(id: organisationId)
        guard let account = try await accounts.account(email: Registration.normalise(email: email)) else {
            throw DomainError.invalid(field: "email", "no account has this email: the person registers first")
        }
        guard !account.role.isStaff else { throw DomainError.invalid(field: "email", "a staff account cannot be a partner's member") }
        if let current = try await partners.member(accountId: account.id), current.organisationId != organisation.id {
            throw DomainError.conflict(code: "member_elsewhere", message: "\(account.email) is a member of another partner")
        }
        let member = PartnerMember(organisationId: organisation.id, accountId: account.id, role: role, addedAt: clock.now())
        try await store.transaction { tx in try await tx.insert(member) }
        return member
    }

    /// Takes the account out of the organisation; `not_found` when it is not a member.
    public func removeMember(organisationId: String, accountId: String) async throws {
        guard Identifier.isWellFormed(accountId), try await store.transaction({ tx in try await tx.removeMember(organisationId: organisationId, accountId: accountId) })
        else { throw DomainError.notFound(what: "member") }
    }

    /// The organisation's members with their accounts.
    public func members(organisationId: String) async throws -> [(member: PartnerMember, account: Account)] {
        var found: [(PartnerMember, Account)] = []
        for member in try await partners.members(organisationId: organisationId) {
            if let account = try await accounts.account(id: member.accountId) { found.append((member, account)) }
        }
        return found
    }

    /// The account's membership, or `forbidden` for an account of no partner.
    public func membership(of account: Account) async throws -> PartnerMember {
        guard let member = try await partners.member(accountId: account.id) else {
            throw DomainError.forbidden(message: "the partner portal is for the members of a partner organisation")
        }
        return member
    }
}
