import Hummingbird
import MilletCore

/// `POST /accounts`, `POST /sessions`, `DELETE /sessions/current`, `GET /me`.
struct AccountsController {
    let authenticator: Authenticator

    struct RegisterBody: Decodable {
        let email: String
        let password: String
        let displayName: String
    }

    struct LogInBody: Decodable {
        let email: String
        let password: String
    }

    struct SessionDTO: ResponseEncodable {
        let token: String
        let expiresInSeconds: Int
        let account: AccountDTO
    }

    struct RoleBody: Decodable {
        let role: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.post("accounts") { request, context in
            let body = try await request.decodeJSON(RegisterBody.self, context: context)
            let (account, token) = try await authenticator.register(
                try Registration(email: body.email, password: body.password, displayName: body.displayName))
            return SessionDTO(token: token, expiresInSeconds: Int(authenticator.sessionLifetime), account: AccountDTO(account))
                .with(status: .created)
        }
        groups.open.post("sessions") { request, context in
            let body = try await request.decodeJSON(LogInBody.self, context: context)
            let (account, token) = try await authenticator.logIn(email: body.email, password: body.password, clientIP: context.clientIP)
            return SessionDTO(token: token, expiresInSeconds: Int(authenticator.sessionLifetime), account: AccountDTO(account))
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
}
