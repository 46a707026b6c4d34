import Foundation
import Hummingbird
import MilletCore

/// A fan's message preferences and the messages sent to them; admins read what the sandbox
/// mailbox and SMS provider kept (account links among them, so not every staff member may).
struct MessagesController {
    let notices: any NoticeRepository
    let sandbox: any SandboxMessageRepository

    struct PreferencesBody: Decodable {
        let language: String?
        let phone: String?
        /// `category:channel` pairs turned off, for example `sale_reminders:sms`.
        let muted: [String]
    }

    struct PreferencesDTO: ResponseEncodable {
        let language: String?
        let phone: String?
        let muted: [String]
        /// Categories that always go, whatever is muted.
        let mandatory: [String]

        init(_ preferences: MessagePreferences) {
            language = preferences.language
            phone = preferences.phone
            muted = preferences.muted.sorted()
            mandatory = MessageCategory.allCases.filter(\.isMandatory).map(\.rawValue)
        }
    }

    struct NoticeDTO: Encodable {
        let id, kind, category, email, sms: String
        let attempts: Int
        let createdAt: Date
    }

    struct NoticeList: ResponseEncodable {
        let items: [NoticeDTO]
    }

    struct SandboxList: ResponseEncodable {
        let items: [SandboxMessage]
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("me/message-preferences") { _, context in
            PreferencesDTO(try await notices.messagePreferences(accountId: try context.requireAccount().id))
        }
        groups.open.put("me/message-preferences") { request, context in
            let account = try context.requireAccount()
            let body = try await request.decodeJSON(PreferencesBody.self, context: context)
            let preferences = try MessagePreferences.validated(
                language: body.language, phone: body.phone, muted: body.muted, languages: Preferences.languages)
            try await notices.saveMessagePreferences(preferences, accountId: account.id)
            return PreferencesDTO(preferences)
        }
        groups.open.get("me/notices") { _, context in
            let account = try context.requireAccount()
            return NoticeList(items: try await notices.notices(accountId: account.id, limit: 100).map {
                NoticeDTO(
                    id: $0.notice.id, kind: $0.notice.kind.rawValue, category: $0.notice.kind.category.rawValue, email: $0.email.rawValue,
                    sms: $0.sms.rawValue, attempts: $0.attempts, createdAt: $0.notice.createdAt)
            })
        }
        groups.admins.get("admin/sandbox/messages") { request, _ in
            let channel = try request.uri.queryParameters["channel"].map { value -> MessageChannel in
                guard let channel = MessageChannel(rawValue: String(value)) else { throw DomainError.invalid(field: "channel", "must be email or sms") }
                return channel
            }
            return SandboxList(items: try await sandbox.sandboxMessages(channel: channel, limit: 200))
        }
    }
}
