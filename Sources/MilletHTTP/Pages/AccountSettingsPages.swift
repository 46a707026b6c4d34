import Foundation
import Hummingbird
import MilletCore

/// The fan's account page (messages they receive, password, email), the email verification
/// link, and the password reset by a single-use link.
struct AccountSettingsPages {
    let pages: PageKit
    let desk: AccountDesk
    let authenticator: Authenticator
    let notices: any NoticeRepository

    struct PasswordForm: Decodable {
        let currentPassword, newPassword: String
    }

    struct EmailForm: Decodable {
        let password, email: String
    }

    struct ResetRequestForm: Decodable {
        let email: String
    }

    struct ResetForm: Decodable {
        let password: String
    }

    struct TokenForm: Decodable {
        let token: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("account") { request, context in
            let account = try context.requireAccount()
            let chrome = try await pages.chrome(request, context)
            return try await settings(account, chrome: chrome, said: request.uri.queryParameters["done"].map(String.init))
        }
        groups.open.post("account/messages") { request, context in
            let account = try context.requireAccount()
            // Each ticked box is a field named `category:channel`; an unticked one is absent.
            let form = try await request.decodeForm([String: String].self, context: context)
            let muted = Self.optionalChoices.filter { form[$0] == nil }
            let preferences = try MessagePreferences.validated(
                language: form["language"], phone: form["phone"], muted: muted, languages: Preferences.languages)
            try await notices.saveMessagePreferences(preferences, accountId: account.id)
            return redirect("/account?done=messages")
        }
        groups.open.post("account/verification") { _, context in
            try await desk.resendVerification(try context.requireAccount())
            return redirect("/account?done=verification")
        }
        groups.open.post("account/password") { request, context in
            let caller = try context.requireAccount()
            let form = try await request.decodeForm(PasswordForm.self, context: context)
            let account = try await desk.changePassword(caller, current: form.currentPassword, new: form.newPassword, clientIP: context.clientIP)
            return try await signedIn(account, to: "/account?done=password")
        }
        groups.open.post("account/email") { request, context in
            let caller = try context.requireAccount()
            let form = try await request.decodeForm(EmailForm.self, context: context)
            let account = try await desk.changeEmail(caller, password: form.password, newEmail: form.email, clientIP: context.clientIP)
            return try await signedIn(account, to: "/account?done=email")
        }
        // Opening the link asks for one click: mail scanners that follow links use nothing up.
        groups.open.get("verify-email") { request, context in
            let chrome = try await pages.chrome(request, context)
            let t = pages.strings(chrome.preferences.language)
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            return pages.page("done", ["heading": t["confirm_email"] ?? "", "confirmToken": token, "id": "confirm-heading"], chrome: chrome)
        }
        groups.open.post("verify-email") { request, context in
            let chrome = try await pages.chrome(request, context)
            let t = pages.strings(chrome.preferences.language)
            let token = try await request.decodeForm(TokenForm.self, context: context).token
            do {
                let account = try await desk.verifyEmail(token: token)
                return pages.page("done", ["heading": t["email_verified"] ?? "", "text": account.email, "id": "email-verified"], chrome: chrome)
            } catch let error as DomainError {
                return pages.page("done", ["heading": t["error_invalid_token"] ?? "", "id": "link-refused"], chrome: chrome, status: APIError(error).status)
            }
        }
        groups.open.get("password-reset") { request, context in
            pages.page("password-reset", ["asking": true], chrome: try await pages.chrome(request, context))
        }
        groups.open.post("password-reset") { request, context in
            let form = try await request.decodeForm(ResetRequestForm.self, context: context)
            try await desk.requestPasswordReset(email: form.email)
            return pages.page("password-reset", ["sent": true], chrome: try await pages.chrome(request, context))
        }
        groups.open.get("password-reset/:token") { request, context in
            pages.page("password-reset", ["token": try context.parameters.require("token")], chrome: try await pages.chrome(request, context))
        }
        groups.open.post("password-reset/:token") { request, context in
            let form = try await request.decodeForm(ResetForm.self, context: context)
            let token = try context.parameters.require("token")
            let chrome = try await pages.chrome(request, context)
            do {
                let account = try await desk.resetPassword(token: token, newPassword: form.password, clientIP: context.clientIP)
                return try await signedIn(account, to: "/account?done=password")
            } catch let error as DomainError {
                let t = pages.strings(chrome.preferences.language)
                return pages.page("password-reset", ["token": token, "problems": [t["error_\(APIError(error).code)"] ?? APIError(error).message]],
                                  chrome: chrome, status: APIError(error).status)
            }
        }
    }

    /// Every optional category on every channel, as the form's boxes name them.
    static let optionalChoices = MessageCategory.allCases.filter { !$0.isMandatory }.flatMap { category in
        category.channels.map { "\(category.rawValue):\($0.rawValue)" }
    }

    /// A change that ended every session starts a new one for this browser.
    private func signedIn(_ account: Account, to location: String) async throws -> Response {
        var response = redirect(location)
        response.setCookie(PageKit.cookie(IdentityMiddleware.cookieName, try await authenticator.startSession(for: account), maxAge: Int(authenticator.sessionLifetime)))
        return response
    }

    private func settings(_ account: Account, chrome: PageChrome, said: String?) async throws -> Response {
        let t = pages.strings(chrome.preferences.language)
        let preferences = try await notices.messagePreferences(accountId: account.id)
        let recent = try await notices.notices(accountId: account.id, limit: 20)
        return pages.page("account", [
            "email": account.email, "verified": account.emailVerifiedAt != nil, "phone": preferences.phone ?? "",
            "done": said.flatMap { t["done_\($0)"] } ?? "",
            "languages": Preferences.languages.map {
                ["code": $0, "name": t["language_\($0)"] ?? $0, "selected": $0 == preferences.language] as [String: Any]
            },
            "categories": MessageCategory.allCases.map { category -> [String: Any] in
                [
                    "label": t["messages_\(category.rawValue)"] ?? category.rawValue, "mandatory": category.isMandatory,
                    "channels": category.channels.map { channel -> [String: Any] in
                        ["value": "\(category.rawValue):\(channel.rawValue)", "label": t["channel_\(channel.rawValue)"] ?? channel.rawValue,
                         "on": preferences.wants(category, by: channel), "mandatory": category.isMandatory]
                    },
                ]
            },
            "hasRecent": !recent.isEmpty,
            "recent": recent.map {
                ["kind": t["notice_\($0.notice.kind.rawValue)"] ?? $0.notice.kind.rawValue, "at": chrome.format.dateTime($0.notice.createdAt),
                 "email": t["delivery_\($0.email.rawValue)"] ?? $0.email.rawValue, "sms": t["delivery_\($0.sms.rawValue)"] ?? $0.sms.rawValue]
            },
        ], chrome: chrome)
    }
}

/// What the sandbox mailbox and SMS provider kept, for admins: how a store without a mail
/// server still shows what every fan would have received. Account links are among them, so the
/// page is the admins' alone.
struct SandboxMessagePages {
    let pages: PageKit
    let sandbox: any SandboxMessageRepository

    func addRoutes(to groups: RouteGroups) {
        groups.admins.get("admin/sandbox/messages") { request, context in
            let chrome = try await pages.chrome(request, context)
            let messages = try await sandbox.sandboxMessages(channel: nil, limit: 100)
            return pages.page("sandbox-messages", [
                "empty": messages.isEmpty,
                "messages": messages.map { message -> [String: Any] in
                    [
                        "channel": message.channel.rawValue, "recipient": message.recipient, "subject": message.subject,
                        "text": message.text, "at": chrome.format.dateTime(message.createdAt),
                        "links": MessageTexts.links(in: message.text),
                    ]
                },
            ], chrome: chrome)
        }
    }
}
