import Hummingbird
import MilletCore

/// `POST /accounts`, `POST /sessions`, `DELETE /sessions/current`, `GET /me`; email
/// verification, password resets by a single-use link, and changes of password or email.
struct AccountsController {
    let authenticator: Authenticator
    let desk: AccountDesk

    struct RegisterBody: Decodable {
        let email: String
        let password: String
        let displayName: String
        /// The language the account's messages are written in (a page language).
        let language: String?
    }

    struct TokenBody: Decodable {
        let token: String
    }

    struct ResetRequestBody: Decodable {
        let email: String
    }

    struct ResetBody: Decodable {
        let token: String
        let password: String
    }

    struct PasswordBody: Decodable {
        let currentPassword: String
        let newPassword: String
    }

    struct EmailBody: Decodable {
        let password: String
        let email: String
    }

    struct LogInBody: Decodable {
        let email: String
        let password: String
        /// The `deviceToken` of an earlier log-in from this client.
        let deviceToken: String?
    }

    struct SessionDTO: ResponseEncodable {
        let token: String
        let expiresInSeconds: Int
        let account: AccountDTO
        /// Given on log-in: show it on the next one, so this client is not held back by others'
        /// wrong guesses at the account's password.
        var deviceToken: String? = nil
    }

    struct RoleBody: Decodable {
        let role: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.post("accounts") { request, context in
            let body = try await request.decodeJSON(RegisterBody.self, context: context)
            if let language = body.language, !Preferences.languages.contains(language) {
                throw DomainError.invalid(field: "language", "must be one of \(Preferences.languages.joined(separator: ", "))")
            }
            let (account, token) = try await desk.register(
                try Registration(email: body.email, password: body.password, displayName: body.displayName), language: body.language,
                clientIP: context.clientIP)
            return SessionDTO(token: token, expiresInSeconds: Int(authenticator.sessionLifetime), account: AccountDTO(account))
                .with(status: .created)
        }
        groups.open.post("sessions") { request, context in
            let body = try await request.decodeJSON(LogInBody.self, context: context)
            let login = try await authenticator.logIn(email: body.email, password: body.password, clientIP: context.clientIP, deviceToken: body.deviceToken)
            return SessionDTO(token: login.token, expiresInSeconds: Int(authenticator.sessionLifetime), account: AccountDTO(login.account),
                              deviceToken: login.deviceToken)
                .with(status: .created)
        }
        groups.open.delete("sessions/current") { _, context in
            _ = try context.requireAccount()
            try await authenticator.logOut(token: context.sessionToken!)
            return Response(status: .noContent)
        }
        groups.open.get("me") { _, context in
            AccountDTO(try context.requireAccount())
        }
        groups.open.post("me/email-verification") { _, context in
            try await desk.resendVerification(try context.requireAccount())
            return Response(status: .accepted)
        }
        groups.open.post("email-verifications") { request, context in
            let body = try await request.decodeJSON(TokenBody.self, context: context)
            return AccountDTO(try await desk.verifyEmail(token: body.token))
        }
        groups.open.post("password-resets") { request, context in
            let body = try await request.decodeJSON(ResetRequestBody.self, context: context)
            try await desk.requestPasswordReset(email: body.email)
            // The same answer whether or not the address has an account.
            return Response(status: .accepted)
        }
        groups.open.post("password-resets/confirm") { request, context in
            let body = try await request.decodeJSON(ResetBody.self, context: context)
            _ = try await desk.resetPassword(token: body.token, newPassword: body.password, clientIP: context.clientIP)
            return Response(status: .noContent)
        }
        groups.open.put("me/password") { request, context in
            let caller = try context.requireAccount()
            let body = try await request.decodeJSON(PasswordBody.self, context: context)
            let account = try await desk.changePassword(caller, current: body.currentPassword, new: body.newPassword, clientIP: context.clientIP)
            return try await session(for: account)
        }
        groups.open.put("me/email") { request, context in
            let caller = try context.requireAccount()
            let body = try await request.decodeJSON(EmailBody.self, context: context)
            let account = try await desk.changeEmail(caller, password: body.password, newEmail: body.email, clientIP: context.clientIP)
            return try await session(for: account)
        }
        groups.admins.put("admin/accounts/:id/role") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(RoleBody.self, context: context)
            guard let role = Role(rawValue: body.role) else {
                throw DomainError.invalid(field: "role", "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard Identifier.isWellFormed(id) else { throw DomainError.notFound(what: "account") }
            return AccountDTO(try await authenticator.setRole(role, accountId: id))
        }
    }

    /// A change that ended every session answers with a new one for the caller.
    private func session(for account: Account) async throws -> SessionDTO {
        SessionDTO(token: try await authenticator.startSession(for: account), expiresInSeconds: Int(authenticator.sessionLifetime), account: AccountDTO(account))
    }
}
