import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One request the load client sends. The client adds `Host` and, with a body, `Content-Length`;
/// `headers` must not have them.
public struct LoadRequest: Sendable {
    public var method: HTTPMethod
    public var uri: String
    public var headers: HTTPHeaders
    public var body: ByteBuffer?

    public init(method: HTTPMethod = .GET, uri: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }
}

/// One answered request: when it was sent (since the run began), how long it took, its status, and
/// the value of the JSON string field the run asked to capture from a 2xx body.
public struct Sample: Sendable {
    public let index: Int
    public let sentAt: UInt64
    public let latency: UInt64
    public let status: UInt16
    public let captured: String?
}

/// A closed-loop HTTP/1.1 load generator on SwiftNIO: each keep-alive connection sends its next
/// request as soon as the previous answer is complete, so `connections` is the concurrency.
public final class LoadClient: Sendable {
    let group: MultiThreadedEventLoopGroup
    let host: String
    let port: Int

    public init(host: String, port: Int, threads: Int = 1) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.host = host
        self.port = port
    }

    public func shutdown() async throws { try await group.shutdownGracefully() }

    /// Sends requests `0..<total`, made by `make`, over `connections` connections; calls
    /// `progress` about once a second with the number answered. `capture` names a JSON string
    /// field to keep from 2xx answers (for example `id` or `token`).
    public func run(
        total: Int, connections: Int, capture: String? = nil, progress: @escaping @Sendable (Int) -> Void = { _ in },
        make: @escaping @Sendable (Int) -> LoadRequest
    ) async throws -> [Sample] {
        let plan = Plan(total: total, make: make, capture: capture)
        let ticker = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                progress(plan.answered.load(ordering: .relaxed))
            }
        }
        defer { ticker.cancel() }
        let futures = try await (0..<max(1, min(connections, total))).asyncMap { _ -> EventLoopFuture<[Sample]> in
            let promise = group.next().makePromise(of: [Sample].self)
            do {
                _ = try await ClientBootstrap(group: group)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            // The benchmarks make their own headers; checking each one again on
                            // every request spent the client's share of the cores on nothing.
                            try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                            try channel.pipeline.syncOperations.addHandler(ClosedLoopHandler(plan: plan, host: self.host, done: promise))
                        }
                    }
                    .connect(host: host, port: port).get()
            } catch {
                // A connection that never opened must still complete its promise.
                promise.fail(error)
                throw error
            }
            return promise.futureResult
        }
        var samples: [Sample] = []
        samples.reserveCapacity(total)
        for future in futures { samples.append(contentsOf: try await future.get()) }
        progress(plan.answered.load(ordering: .relaxed))
        return samples
    }
}

/// What every connection of a run shares: the next request number and the count answered.
final class Plan: Sendable {
    let total: Int
    let make: @Sendable (Int) -> LoadRequest
    let capture: String?
    let next = Atomic<Int>(0)
    let answered = Atomic<Int>(0)
    let origin = DispatchTime.now().uptimeNanoseconds

    init(total: Int, make: @escaping @Sendable (Int) -> LoadRequest, capture: String?) {
        self.total = total
        self.make = make
        self.capture = capture
    }

    func take() -> Int? {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < total ? index : nil
    }
}

/// Sends one request at a time on its connection and records each answer.
final class ClosedLoopHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let plan: Plan
    let host: String
    let done: EventLoopPromise<[Sample]>
    var samples: [Sample] = []
    var current = 0
    var sentAt: UInt64 = 0
    var status: UInt16 = 0
    var body: ByteBuffer?
    var finished = false

    init(plan: Plan, host: String, done: EventLoopPromise<[Sample]>) {
        self.plan = plan
        self.host = host
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) { sendNext(context: context) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = UInt16(head.status.code)
            body = nil
        case .body(var part):
            if plan.capture != nil, (200..<300).contains(status) {
                if body == nil { body = part } else { body!.writeBuffer(&part) }
            }
        case .end:
            let now = DispatchTime.now().uptimeNanoseconds
            samples.append(Sample(index: current, sentAt: sentAt - plan.origin, latency: now - sentAt, status: status, captured: captured()))
            plan.answered.wrappingAdd(1, ordering: .relaxed)
            sendNext(context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.ioOnClosedChannel))
    }

    private func finish(_ result: Result<[Sample], any Error>) {
        guard !finished else { return }
        finished = true
        done.completeWith(result)
    }

    private func captured() -> String? {
        guard let field = plan.capture, let body else { return nil }
        return body.readableBytesView.withContiguousStorageIfAvailable { Self.topLevelString(field, in: $0) } ?? nil
    }

    /// The value of a top-level string field of a JSON object, found in one pass over the bytes
    /// (decoding every body with `JSONSerialization` cost the client a tenth of a core). Values
    /// the benchmarks capture (ids, tokens, actions) have no escapes; one that does is not captured.
    static func topLevelString(_ field: String, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var depth = 0, i = 0, expectingKey = false
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            case quote:
                var end = i + 1
                while end < bytes.count, bytes[end] != quote { end += bytes[end] == backslash ? 2 : 1 }
                guard end < bytes.count else { return nil }
                if expectingKey {
                    expectingKey = false
                    let key = String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 1)..<end]), as: UTF8.self)
                    var value = end + 1
                    while value < bytes.count, bytes[value] == UInt8(ascii: ":") || bytes[value] == UInt8(ascii: " ") { value += 1 }
                    if key == field {
                        guard value < bytes.count, bytes[value] == quote else { return nil }
                        var close = value + 1
                        while close < bytes.count, bytes[close] != quote {
                            if bytes[close] == backslash { return nil }
                            close += 1
                        }
                        guard close < bytes.count else { return nil }
                        return String(decoding: UnsafeBufferPointer(rebasing: bytes[(value + 1)..<close]), as: UTF8.self)
                    }
                    i = value
                    continue
                }
                i = end
            default:
                break
            }
            i += 1
        }
        return nil
    }

    private func sendNext(context: ChannelHandlerContext) {
        guard let index = plan.take() else {
            finish(.success(samples))
            context.close(promise: nil)
            return
        }
        current = index
        var request = plan.make(index)
        request.headers.add(name: "Host", value: host)
        if let body = request.body { request.headers.add(name: "Content-Length", value: String(body.readableBytes)) }
        sentAt = DispatchTime.now().uptimeNanoseconds
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: request.method, uri: request.uri, headers: request.headers))), promise: nil)
        if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
