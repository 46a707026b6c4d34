import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import MilletCore

/// Writes JSON straight into a buffer: the JSON the request context's `JSONEncoder` writes for
/// the same value (its escapes, ISO 8601 dates to the second, optionals left out when `nil`),
/// without the boxing that made `Encodable` a tenth of a flash sale's CPU. Keys come in the order
/// they are written, where `JSONEncoder` has no fixed order. A type that answers with it keeps its
/// `Encodable` conformance for lists; a test holds the two writers to the same JSON.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    /// Whether the current object or array has no member yet, innermost last.
    private var empty: [Bool] = []

    init(capacity: Int = 1024) {
        buffer = ByteBuffer()
        buffer.reserveCapacity(capacity)
    }

    /// `{ ... }`, its members written by `members`.
    mutating func object(_ members: (inout JSONWriter) throws -> Void) rethrows {
        buffer.writeInteger(UInt8(ascii: "{"))
        empty.append(true)
        try members(&self)
        empty.removeLast()
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    /// `[ ... ]`, one element per item.
    mutating func array<S: Sequence>(_ items: S, _ element: (inout JSONWriter, S.Element) throws -> Void) rethrows {
        buffer.writeInteger(UInt8(ascii: "["))
        empty.append(true)
        for item in items {
            separate()
            try element(&self, item)
        }
        empty.removeLast()
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// A member's key; its value follows. Keys are the API's own names and need no escaping.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
    }

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    /// Left out when `nil`, as `encodeIfPresent` does.
    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        field(name, value)
    }

    mutating func field(_ name: StaticString, _ value: Int64) {
        key(name)
        buffer.writeString(String(value))
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        buffer.writeStaticString(value ? "true" : "false")
    }

    /// As `JSONEncoder.DateEncodingStrategy.iso8601` writes it (`2026-12-04T19:58:04Z`: UTC, to
    /// the second), worked out here: Foundation's formatter was a tenth of a bid's answer.
    mutating func field(_ name: StaticString, _ value: Date) {
        key(name)
        var seconds = time_t(value.timeIntervalSince1970.rounded(.down)), parts = tm()
        gmtime_r(&seconds, &parts)
        buffer.writeInteger(UInt8(ascii: "\""))
        digits(Int(parts.tm_year) + 1900, 4)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        buffer.writeInteger(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        buffer.writeInteger(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        buffer.writeInteger(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        buffer.writeStaticString("Z\"")
    }

    /// `value` in `width` decimal digits, zero-padded.
    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Left out when `nil`, as `encodeIfPresent` does.
    mutating func field(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        field(name, value)
    }

    /// A string with the escapes `JSONEncoder` uses: quote, backslash, solidus, the short forms
    /// of control characters, `\u00XX` for the rest; everything else as UTF-8.
    mutating func string(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") {
                buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "/"): buffer.writeStaticString("\\/")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                case 0x08: buffer.writeStaticString("\\b")
                case 0x0C: buffer.writeStaticString("\\f")
                default:
                    buffer.writeStaticString("\\u00")
                    buffer.writeString(Secrets.hex(CollectionOfOne(byte)))
                }
            }
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// The answer: this JSON with the headers `JSONEncoder`'s answer has.
    func response() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(buffer.readableBytes)],
            body: .init(byteBuffer: buffer))
    }

    private mutating func separate() {
        if empty[empty.count - 1] {
            empty[empty.count - 1] = false
        } else {
            buffer.writeInteger(UInt8(ascii: ","))
        }
    }
}
