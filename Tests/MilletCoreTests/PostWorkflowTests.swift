import Foundation
import MilletCore
import Testing

/// The post status state machine: every change from every status, and what each change must say.
struct PostWorkflowTests {
    static let changes: [PostStatusChange] = [
        .acknowledge, .plan, .start, .ship(release: "14.0.7"), .decline(reason: "not for this model"),
        .markDuplicate(of: Identifier.make()), .reopen,
    ]

    /// The whole table: which status accepts which change.
    static let allowed: [PostStatus: Set<PostStatus>] = [
        .open: [.acknowledged, .planned, .declined, .duplicate],
        .acknowledged: [.planned, .inProgress, .declined, .duplicate],
        .planned: [.inProgress, .shipped, .declined, .duplicate],
        .inProgress: [.shipped, .planned, .declined],
        .shipped: [],
        .declined: [.open, .duplicate],
        .duplicate: [],
    ]

    @Test(arguments: PostStatus.allCases) func everyChangeFromEveryStatus(status: PostStatus) throws {
        for change in Self.changes {
            var workflow = PostWorkflow(status: status)
            if Self.allowed[status]!.contains(change.target) {
                try workflow.apply(change)
                #expect(workflow.status == change.target)
            } else {
                #expect(throws: DomainError.self) { try workflow.apply(change) }
                #expect(workflow.status == status, "a refused change moved \(status) to \(workflow.status)")
            }
        }
    }

    @Test func shippingNamesTheReleaseDecliningSaysWhyAndDuplicatesPointAtAPost() {
        var workflow = PostWorkflow(status: .planned)
        #expect(throws: DomainError.self) { try workflow.apply(.ship(release: "")) }
        #expect(throws: DomainError.self) { try workflow.apply(.ship(release: "14.0 beta")) }
        #expect(throws: DomainError.self) { try workflow.apply(.decline(reason: "  ")) }
        #expect(throws: DomainError.self) { try workflow.apply(.markDuplicate(of: "not-an-id")) }
        #expect(workflow.status == .planned)
    }

    @Test func draftsAreCheckedBeforeAnythingIsStored() throws {
        #expect(throws: DomainError.self) { _ = try PostDraft(kind: .bug, title: "ab", body: "x", firmwareVersion: nil, deviceModel: nil) }
        #expect(throws: DomainError.self) { _ = try PostDraft(kind: .bug, title: "Battery", body: "  ", firmwareVersion: nil, deviceModel: nil) }
        #expect(throws: DomainError.self) {
            _ = try PostDraft(kind: .idea, title: "Dark mode", body: String(repeating: "a", count: 10_001), firmwareVersion: nil, deviceModel: nil)
        }
        // Lengths count code points, as the OpenAPI document's maxLength does: 76 accented letters
        // written with combining accents are 76 characters on screen but 152 code points.
        let combining = String(repeating: "e\u{301}", count: 76)
        #expect(combining.count == 76 && combining.unicodeScalars.count == 152)
        #expect(throws: DomainError.self) { _ = try PostDraft(kind: .bug, title: combining, body: "x", firmwareVersion: nil, deviceModel: nil) }
        let draft = try PostDraft(kind: .bug, title: "  Wi-Fi drops after update ", body: "Since 14.0.6", firmwareVersion: "14.0.6", deviceModel: "Note 3")
        #expect(draft.title == "Wi-Fi drops after update")
    }
}
