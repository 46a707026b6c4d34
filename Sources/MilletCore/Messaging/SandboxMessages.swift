import Foundation

/// A message the sandbox kept instead of sending it.
public struct SandboxMessage: Hashable, Sendable, Codable {
    public let id: String
    public let channel: MessageChannel
    public let recipient: String
    /// Empty for an SMS.
    public let subject: String
    public let text: String
    public let html: String
    public let createdAt: Date

    public init(id: String, channel: MessageChannel, recipient: String, subject: String, text: String, html: String, createdAt: Date) {
        self.id = id
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.text = text
        self.html = html
        self.createdAt = createdAt
    }
}

/// Where the sandbox keeps what it would have sent.
public protocol SandboxMessageRepository: Sendable {
    func record(_ message: SandboxMessage) async throws
    /// Newest first.
    func sandboxMessages(channel: MessageChannel?, limit: Int) async throws -> [SandboxMessage]
}

/// The mailbox `millet serve` uses without `MILLET_SMTP_URL`: every email is kept and shown to
/// staff on a page, so a store runs (and a fan can verify an address) with no mail server.
public struct SandboxMailbox: EmailTransport {
    let messages: any SandboxMessageRepository
    let clock: any MilletClock

    public init(messages: any SandboxMessageRepository, clock: any MilletClock) {
        self.messages = messages
        self.clock = clock
    }

    public func send(_ email: OutgoingEmail) async throws {
        try await messages.record(SandboxMessage(
            id: Identifier.make(), channel: .email, recipient: email.to, subject: email.subject, text: email.text, html: email.html,
            createdAt: clock.now()))
    }
}

/// The SMS provider of the sandbox: records each text, shown to staff on a page.
public struct SandboxSMSProvider: SMSProvider {
    let messages: any SandboxMessageRepository
    let clock: any MilletClock

    public init(messages: any SandboxMessageRepository, clock: any MilletClock) {
        self.messages = messages
        self.clock = clock
    }

    public func send(_ sms: OutgoingSMS) async throws {
        try await messages.record(SandboxMessage(
            id: Identifier.make(), channel: .sms, recipient: sms.to, subject: "", text: sms.text, html: "", createdAt: clock.now()))
    }
}
