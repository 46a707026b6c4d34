import Foundation
import Hummingbird
import MilletCore

extension Request {
    /// Decodes a JSON body of at most the context's upload size, turning every decoding failure
    /// into a 4xx that names the bad field. A body labelled as anything but JSON (`text/plain`,
    /// a form) is refused with 415, as a browser's cross-site form would send it.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: MilletRequestContext) async throws -> T {
        try requireJSONLabel()
        return try Self.decodeJSON(type, from: try await body.collect(upTo: context.maxUploadSize))
    }

    /// 415 when the body is labelled as anything but JSON; a body with no label is read as JSON.
    func requireJSONLabel() throws {
        guard let label = headers[.contentType] else { return }
        // What clients send nearly always, taken without Foundation's trimming and lowercasing.
        if label == "application/json" || label == "application/json; charset=utf-8" { return }
        let media = label.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json")) else {
            throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type", message: "send the body as application/json")
        }
    }

    /// Decodes a JSON body already collected, with the same 4xx answers.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        guard buffer.readableBytes > 0 else {
            throw APIError(status: .badRequest, code: "malformed_json", message: "a JSON body is required")
        }
        // Foundation's parser forgives a comma before `}` or `]`; JSON (RFC 8259) does not.
        guard !Self.hasTrailingComma(buffer.readableBytesView) else {
            throw APIError(status: .badRequest, code: "malformed_json", message: "the body is not valid JSON: a comma before a closing bracket")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let DecodingError.keyNotFound(key, decodingContext) {
            let field = Self.path(decodingContext.codingPath + [key])
            throw DomainError.invalidInput(message: "\(field): is required", fields: [field: "is required"])
        } catch let DecodingError.typeMismatch(expected, decodingContext) {
            let field = Self.path(decodingContext.codingPath)
            throw DomainError.invalidInput(message: "\(field): must be \(Self.describe(expected))", fields: [field: "must be \(Self.describe(expected))"])
        } catch let DecodingError.valueNotFound(expected, decodingContext) {
            let field = Self.path(decodingContext.codingPath)
            throw DomainError.invalidInput(message: "\(field): must be \(Self.describe(expected))", fields: [field: "must be \(Self.describe(expected))"])
        } catch let DecodingError.dataCorrupted(decodingContext) where !decodingContext.codingPath.isEmpty {
            let field = Self.path(decodingContext.codingPath)
            throw DomainError.invalidInput(message: "\(field): has an invalid value", fields: [field: "has an invalid value"])
        } catch {
            throw APIError(status: .badRequest, code: "malformed_json", message: "the body is not valid JSON")
        }
    }

    /// Whether a comma outside strings is followed, after white space, by `}` or `]`.
    static func hasTrailingComma<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        var inString = false, escaped = false, afterComma = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true; afterComma = false
            case UInt8(ascii: ","): afterComma = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if afterComma { return true }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            default: afterComma = false
            }
        }
        return false
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "of another type"
        }
    }
}

/// Page and page size of a list request: `?page=1&perPage=20`.
struct Pagination {
    let page: Int
    let perPage: Int
    var offset: Int { (page - 1) * perPage }

    init(_ request: Request, defaultPerPage: Int = 20) throws {
        let page = request.uri.queryParameters["page"].map { Int(String($0)) } ?? 1
        let perPage = request.uri.queryParameters["perPage"].map { Int(String($0)) } ?? defaultPerPage
        var check = Validator()
        check.require(page != nil && page! >= 1 && page! <= 100_000, "page", "must be an integer from 1")
        check.require(perPage != nil && perPage! >= 1 && perPage! <= 100, "perPage", "must be an integer from 1 to 100")
        try check.check()
        self.page = page!
        self.perPage = perPage!
    }
}

/// A page of a list; `hasMore` tells whether another page follows.
struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    let page: Int
    let perPage: Int
    let hasMore: Bool

    /// Builds a page from `perPage + 1` fetched items.
    init(fetched: [Item], pagination: Pagination) {
        self.items = Array(fetched.prefix(pagination.perPage))
        self.page = pagination.page
        self.perPage = pagination.perPage
        self.hasMore = fetched.count > pagination.perPage
    }
}

extension Request {
    /// A required query parameter.
    func query(_ name: String) throws -> String {
        guard let value = uri.queryParameters[Substring(name)], !value.isEmpty else {
            throw DomainError.invalid(field: name, "query parameter is required")
        }
        return String(value)
    }
}
