import Foundation
import Hummingbird
import MilletCore

/// A number's label as devices see it: by 16 hex digits of its hash, never the number. Nothing
/// shown (no category and no business) means the device drops any label it kept.
struct ShownLabelDTO: Encodable, Sendable {
    let hash: String
    let category: String?
    let businessName: String?
    /// Basis points: a lower bound of the share of reports that back the category.
    let confidence: Int

    init(_ label: NumberLabel, hash: String) {
        let shown = label.shown
        self.hash = hash
        category = shown.category?.rawValue
        businessName = shown.businessName
        confidence = shown.confidenceBasisPoints
    }
}

struct NumberReportedDTO: ResponseEncodable, Sendable {
    /// The number as read, in E.164.
    let number: String
    let category: String
    /// What the crowd's label is now (a single reporter's tag stays on the reporting device).
    let label: ShownLabelDTO
}

/// A lookup's answer, `{"items": [ShownLabelDTO...]}`, written by hand: the same JSON
/// `JSONEncoder` writes for it (absent keys for what a label does not show) at a fraction of the
/// cost, for the route phones call on every incoming call.
struct LookupAnswer: ResponseGenerator, Sendable {
    let entries: [LabelIndex.Entry]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(16 + entries.count * 80)
        buffer.writeString(#"{"items":["#)
        for (position, entry) in entries.enumerated() {
            let hex = String(entry.key, radix: 16)
            buffer.writeString(position == 0 ? #"{"hash":""# : #",{"hash":""#)
            buffer.writeString(String(repeating: "0", count: 16 - hex.count) + hex)
            buffer.writeString(#"","confidence":\#(entry.confidenceBasisPoints)"#)
            if let category = entry.category { buffer.writeString(#","category":"\#(category.rawValue)""#) }
            if let name = entry.businessName {
                buffer.writeString(#","businessName":"#)
                buffer.writeBytes(try JSONEncoder().encode(name))
            }
            buffer.writeString("}")
        }
        buffer.writeString("]}")
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer))
    }
}

/// A page of the market's blocklist delta: labels by 16 hex digits of their number's hash.
struct BlocklistDTO: ResponseEncodable, Sendable {
    /// Ask from this version next.
    let version: Int64
    /// More changes wait: ask again at once.
    let more: Bool
    let items: [ShownLabelDTO]
}

/// A dispute as the fan who opened it sees it; the number masked.
struct DisputeDTO: ResponseEncodable, Sendable {
    let id, number, state: String
    let createdAt, codeExpiresAt: Date
    let decidedAt: Date?
    let note: String?

    init(_ dispute: NumberDispute) {
        id = dispute.id
        number = dispute.number.masked
        state = dispute.state.rawValue
        createdAt = dispute.createdAt
        codeExpiresAt = dispute.codeExpiresAt
        decidedAt = dispute.decidedAt
        note = dispute.note
    }
}

/// A number's label as staff see it.
struct StaffLabelDTO: ResponseEncodable, Sendable {
    let number: String
    let category: String?
    let businessName: String?
    let confidence, reporters: Int
    let suspended: Bool
    let expiresAt: Date?
    let version: Int64

    init(_ label: NumberLabel) {
        number = label.number.e164
        category = label.category?.rawValue
        businessName = label.businessName
        confidence = label.confidenceBasisPoints
        reporters = label.reporters
        suspended = label.suspended
        expiresAt = label.expiresAt
        version = label.version
    }
}

/// A dispute as staff see it: the number, the owner's reason and the label it is about.
struct StaffDisputeDTO: ResponseEncodable, Sendable {
    let id, number, accountId, state, reason: String
    let createdAt: Date
    let decidedAt: Date?
    let decidedBy, note: String?
    let label: StaffLabelDTO?

    init(_ dispute: NumberDispute, label: NumberLabel?) {
        id = dispute.id
        number = dispute.number.e164
        accountId = dispute.accountId
        state = dispute.state.rawValue
        reason = dispute.reason
        createdAt = dispute.createdAt
        decidedAt = dispute.decidedAt
        decidedBy = dispute.decidedBy
        note = dispute.note
        self.label = label.map(StaffLabelDTO.init)
    }
}

struct StaffDisputeList: ResponseEncodable, Sendable {
    let items: [StaffDisputeDTO]
}
