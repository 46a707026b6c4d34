import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A small SMTP server on 127.0.0.1 for tests: it speaks the server side of RFC 5321 (greeting,
/// `EHLO`, `MAIL FROM`, `RCPT TO`, `DATA`, `QUIT`), keeps every message it receives, and can be
/// told to refuse the next messages with a 451, as a mail server that is down for a while would.
final class LocalSMTPServer: Sendable {
    /// A message as it arrived: the envelope and the MIME text.
    struct Received: Sendable {
        let from: String
        let to: [String]
        let data: String

        /// A header's value, RFC 2047 words decoded.
        func header(_ name: String) -> String? {
            for line in data.components(separatedBy: "\r\n") {
                if line.isEmpty { break }
                if line.lowercased().hasPrefix(name.lowercased() + ": ") { return Self.decodeWords(String(line.dropFirst(name.count + 2))) }
            }
            return nil
        }

        /// The decoded body of the part of `type` (`text/plain`, `text/html`).
        func part(_ type: String) -> String? {
            let sections = data.components(separatedBy: "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            guard sections.count == 2 else { return nil }
            let encoded = sections[1].components(separatedBy: "\r\n--")[0].replacingOccurrences(of: "\r\n", with: "")
            return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) }
        }

        static func decodeWords(_ value: String) -> String {
            guard value.hasPrefix("=?UTF-8?B?"), value.hasSuffix("?=") else { return value }
            let encoded = value.dropFirst(10).dropLast(2)
            return Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) } ?? value
        }
    }

    /// What arrived, and how many messages to refuse still.
    final class Mailbag: Sendable {
        let state = Mutex<(received: [Received], refuse: Int)>(([], 0))
    }

    private let bag = Mailbag()
    private let channel: any Channel
    let port: Int

    init() async throws {
        let bag = self.bag
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(SessionHandler(bag: bag))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
    }

    var received: [Received] { bag.state.withLock { $0.received } }

    /// Answers the next `count` messages with `451` at `DATA`'s end.
    func refuseNext(_ count: Int) { bag.state.withLock { $0.refuse = count } }

    /// Waits (briefly) until at least `count` messages arrived.
    func waitFor(_ count: Int) async throws -> [Received] {
        for _ in 0..<200 where received.count < count { try await Task.sleep(for: .milliseconds(10)) }
        return received
    }

    func stop() async throws { try await channel.close() }

    struct LineDecoder: ByteToMessageDecoder {
        typealias InboundOut = String
        mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
            guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
            var line = buffer.readString(length: end - buffer.readerIndex)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.hasSuffix("\r") { line.removeLast() }
            context.fireChannelRead(wrapInboundOut(line))
            return .continue
        }
    }

    final class SessionHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = String
        typealias OutboundOut = ByteBuffer
        let bag: Mailbag
        var from = "", to: [String] = [], data: [String] = [], inData = false

        init(bag: Mailbag) { self.bag = bag }

        func channelActive(context: ChannelHandlerContext) { reply(context, "220 localhost test SMTP") }

        func channelRead(context: ChannelHandlerContext, data input: NIOAny) {
            let line = unwrapInboundIn(input)
            if inData {
                guard line == "." else {
                    data.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
                    return
                }
                inData = false
                let message = Received(from: from, to: to, data: data.joined(separator: "\r\n"))
                let refused = bag.state.withLock { state -> Bool in
                    if state.refuse > 0 { state.refuse -= 1; return true }
                    state.received.append(message)
                    return false
                }
                reply(context, refused ? "451 try again later" : "250 queued")
                return
            }
            let upper = line.uppercased()
            if upper.hasPrefix("EHLO") { reply(context, "250-localhost\r\n250 8BITMIME") }
            else if upper.hasPrefix("MAIL FROM:") { from = String(line.dropFirst(10)); to = []; data = []; reply(context, "250 ok") }
            else if upper.hasPrefix("RCPT TO:") { to.append(String(line.dropFirst(8)).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))); reply(context, "250 ok") }
            else if upper == "DATA" { inData = true; reply(context, "354 end with .") }
            else if upper == "QUIT" { reply(context, "221 bye"); context.close(promise: nil) }
            else { reply(context, "500 unknown") }
        }

        func reply(_ context: ChannelHandlerContext, _ text: String) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
        }
    }
}
