import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Holds server-sent-event streams open, as a crowd of browsers on a live page does, and counts
/// the events they receive.
public final class StreamClient: Sendable {
    let group: MultiThreadedEventLoopGroup
    let host: String
    let port: Int
    /// Events received so far, over every stream.
    let received = Atomic<Int>(0)
    /// Streams whose first event arrived.
    let live = Atomic<Int>(0)
    private let channels = Mutex<[any Channel]>([])

    public init(host: String, port: Int, threads: Int = 1) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.host = host
        self.port = port
    }

    /// Opens `count` streams of `uri`, `batch` at a time.
    public func open(count: Int, uri: String, batch: Int = 200) async throws {
        for start in stride(from: 0, to: count, by: batch) {
            try await withThrowingTaskGroup(of: (any Channel).self) { tasks in
                for _ in start..<min(start + batch, count) {
                    tasks.addTask {
                        try await ClientBootstrap(group: self.group)
                            .channelInitializer { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                                    try channel.pipeline.syncOperations.addHandler(EventCounter(client: self, host: self.host, uri: uri))
                                }
                            }
                            .connect(host: self.host, port: self.port).get()
                    }
                }
                for try await channel in tasks { channels.withLock { $0.append(channel) } }
            }
        }
    }

    public var events: Int { received.load(ordering: .relaxed) }
    public var streams: Int { live.load(ordering: .relaxed) }

    /// Closes every stream and the client's threads.
    public func shutdown() async throws {
        for channel in channels.withLock({ $0 }) { try? await channel.close() }
        try await group.shutdownGracefully()
    }
}

/// Sends one GET and counts the `event:` lines of the answer's body as it streams in.
final class EventCounter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let client: StreamClient
    let host: String
    let uri: String
    var first = true
    /// `event:` may be split across two reads; the bytes matched so far.
    var matched = 0
    static let marker = Array("event:".utf8)

    init(client: StreamClient, host: String, uri: String) {
        self.client = client
        self.host = host
        self.uri = uri
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Accept", value: "text/event-stream")
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .body(let part) = unwrapInboundIn(data) else { return }
        var count = 0
        part.withUnsafeReadableBytes { bytes in
            for byte in bytes {
                if byte == Self.marker[matched] {
                    matched += 1
                    if matched == Self.marker.count { count += 1; matched = 0 }
                } else {
                    matched = byte == Self.marker[0] ? 1 : 0
                }
            }
        }
        guard count > 0 else { return }
        if first {
            first = false
            client.live.wrappingAdd(1, ordering: .relaxed)
        }
        client.received.wrappingAdd(count, ordering: .relaxed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
