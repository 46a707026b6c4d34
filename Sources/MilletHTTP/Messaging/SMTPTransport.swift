import Foundation
import MilletCore
import NIOCore
import NIOPosix

/// Sends email to an SMTP server (RFC 5321) over SwiftNIO: one connection per message, `EHLO`,
/// `AUTH PLAIN` when the URL carries a user, then `MAIL FROM`, `RCPT TO` and `DATA` with a
/// MIME message (RFC 2045/2046) whose plain-text and HTML parts are UTF-8 in base64.
///
/// `MILLET_SMTP_URL` configures it: `smtp://127.0.0.1:2525`, `smtp://user:pass@relay.internal:25`.
/// There is no TLS, and `AUTH PLAIN` sends the password as it is: point it at a relay on the
/// loopback or a private network, which carries the mail on with TLS.
public struct SMTPTransport: EmailTransport {
    public let host: String
    public let port: Int
    let username: String?
    let password: String?
    /// The envelope sender and `From:` header, for example `Millet <no-reply@millet.test>`.
    public let from: String
    let fromAddress: String
    let group: any EventLoopGroup
    /// How long one message may take, connecting included; past it the connection is closed.
    let timeout: TimeAmount

    /// Reads `smtp://[user:pass@]host[:port]`; `nil` for anything else.
    public init?(url: String, from: String = "Millet <no-reply@millet.test>", group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                 timeout: TimeAmount = .seconds(20)) {
        guard let parts = URLComponents(string: url), parts.scheme == "smtp", let host = parts.host, !host.isEmpty else { return nil }
        self.host = host
        self.port = parts.port ?? 25
        self.username = parts.user?.removingPercentEncoding
        self.password = parts.password?.removingPercentEncoding
        self.from = from
        self.fromAddress = from.split(separator: "<").last.map { String($0.dropLast($0.hasSuffix(">") ? 1 : 0)) } ?? from
        self.group = group
        self.timeout = timeout
    }

    /// Failures the server reported, with its code and words.
    public struct Refused: Error, CustomStringConvertible {
        public let step: String
        public let reply: String
        public var description: String { "SMTP \(step) refused: \(reply)" }
    }

    /// An address that could not be written into an SMTP command as it is.
    public struct BadAddress: Error {}

    public func send(_ email: OutgoingEmail) async throws {
        guard Registration.isEmail(email.to) else { throw BadAddress() }
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let timeout = timeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await converse(channel, email) }
            // A server that stops answering does not hold the outbox: its connection is closed.
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout.nanoseconds))
                channel.channel.close(promise: nil)
                throw Refused(step: "message", reply: "no answer within \(timeout.nanoseconds / 1_000_000_000) s")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func converse(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ email: OutgoingEmail) async throws {
        try await channel.executeThenClose { inbound, outbound in
            var lines = inbound.makeAsyncIterator()
            /// The server's whole reply (a multi-line reply ends at `NNN `), refused unless its code is `expected`.
            func expect(_ expected: Int, _ step: String) async throws {
                var reply = ""
                while true {
                    guard let line = try await lines.next() else { throw Refused(step: step, reply: "connection closed") }
                    let text = String(buffer: line).trimmingCharacters(in: .whitespacesAndNewlines)
                    reply += text + " "
                    if text.count < 4 || text[text.index(text.startIndex, offsetBy: 3)] != "-" { break }
                }
                guard reply.hasPrefix(String(expected)) else { throw Refused(step: step, reply: reply) }
            }
            func say(_ command: String) async throws {
                try await outbound.write(ByteBuffer(string: command + "\r\n"))
            }
            try await expect(220, "greeting")
            try await say("EHLO millet")
            try await expect(250, "EHLO")
            if let username, let password {
                let credentials = Data(("\0" + username + "\0" + password).utf8).base64EncodedString()
                try await say("AUTH PLAIN " + credentials)
                try await expect(235, "AUTH")
            }
            try await say("MAIL FROM:<\(fromAddress)>")
            try await expect(250, "MAIL FROM")
            try await say("RCPT TO:<\(email.to)>")
            try await expect(250, "RCPT TO")
            try await say("DATA")
            try await expect(354, "DATA")
            try await outbound.write(ByteBuffer(string: MIMEMessage(email, from: from, fromAddress: fromAddress).text + ".\r\n"))
            try await expect(250, "message")
            try await say("QUIT")
        }
    }
}

/// An email as MIME text: headers, then a `multipart/alternative` body with the plain text first
/// and the HTML second, each UTF-8 in base64 lines of 76 characters (which also keeps any line
/// from starting with the dot that ends `DATA`).
struct MIMEMessage {
    let text: String

    init(_ email: OutgoingEmail, from: String, fromAddress: String, date: Date = Date()) {
        let boundary = "millet-" + Secrets.hex(bytes: 12)
        let domain = fromAddress.split(separator: "@").last.map(String.init) ?? "millet.test"
        var lines = [
            "From: \(from)",
            "To: \(Self.displayName(email.toName)) <\(email.to)>",
            "Subject: \(Self.header(email.subject))",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: <\(Identifier.make())@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
        ]
        for (type, body) in [("text/plain", email.text), ("text/html", email.html)] {
            lines += ["--\(boundary)", "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
            lines += Self.base64Lines(body)
        }
        lines += ["--\(boundary)--", ""]
        text = lines.joined(separator: "\r\n")
    }

    /// A header word as RFC 2047 encoded-words when it is not plain ASCII.
    static func header(_ value: String) -> String {
        let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard clean.unicodeScalars.contains(where: { $0.value > 126 || $0.value < 32 || $0 == "\"" }) else { return clean }
        return "=?UTF-8?B?" + Data(clean.utf8).base64EncodedString() + "?="
    }

    /// A display name as a quoted string, or encoded words when it is not plain ASCII: a comma
    /// or `<` in a fan's name never changes whom the message is for.
    static func displayName(_ name: String) -> String {
        let encoded = header(name)
        guard encoded == name.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") else { return encoded }
        return "\"" + encoded.replacingOccurrences(of: "\\", with: "\\\\") + "\""
    }

    static func base64Lines(_ body: String) -> [String] {
        let encoded = Array(Data(body.utf8).base64EncodedString())
        return stride(from: 0, to: encoded.count, by: 76).map { String(encoded[$0..<min($0 + 76, encoded.count)]) }
    }

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

/// Splits what the server sends into lines (without the line break).
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = end - buffer.readerIndex
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") { line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)! }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}
