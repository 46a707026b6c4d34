import Foundation
import Hummingbird
import MilletCore

/// Weekly releases (staff create, attach posts, publish) and each fan's inbox.
struct ReleasesController {
    let desk: CommunityDesk
    let releases: any ReleaseRepository
    let clock: any MilletClock

    struct CreateBody: Decodable {
        let productLine, version: String
        let channel: String?
        let date: String?
    }

    struct AttachBody: Decodable {
        let postId: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("community/releases") { request, context in
            let line = request.uri.queryParameters["productLine"].map(String.init)
            let staff = context.account?.role.isStaff == true
            return ReleaseList(items: try await releases.releases(productLine: line, limit: 100).filter { $0.published || staff }.map(ReleaseDTO.init))
        }
        groups.open.get("community/releases/:id") { _, context in
            let release = try await release(context)
            guard release.published || context.account?.role.isStaff == true else { throw DomainError.notFound(what: "release") }
            return ReleaseDTO(release)
        }
        groups.staff.post("staff/community/releases") { request, context in
            let body = try await request.decodeJSON(CreateBody.self, context: context)
            let release = try Self.release(body, now: clock.now())
            try await releases.createRelease(release, now: clock.now())
            return ReleaseDTO(release).with(status: .created)
        }
        groups.staff.post("staff/community/releases/:id/posts") { request, context in
            let release = try await release(context)
            let body = try await request.decodeJSON(AttachBody.self, context: context)
            guard Identifier.isWellFormed(body.postId) else { throw DomainError.notFound(what: "post") }
            return ReleaseDTO(try await releases.attach(postId: body.postId, releaseId: release.id))
        }
        groups.staff.post("staff/community/releases/:id/publish") { _, context in
            let staff = try context.requireAccount()
            let release = try await release(context)
            return ReleaseDTO(try await releases.publish(releaseId: release.id, actor: "account:\(staff.id)", now: clock.now()))
        }
        groups.open.get("me/inbox") { _, context in
            let account = try context.requireAccount()
            let inbox = try await releases.inbox(accountId: account.id, limit: 100)
            return InboxDTO(unread: inbox.unread, items: inbox.items.map {
                InboxDTO.Message(id: $0.id, text: $0.text, releaseId: $0.releaseId, postId: $0.postId, kind: $0.kind?.rawValue, params: $0.params, createdAt: $0.createdAt, read: $0.readAt != nil)
            })
        }
        groups.open.post("me/inbox/:id/read") { _, context in
            let account = try context.requireAccount()
            let id = try context.parameters.require("id")
            guard Identifier.isWellFormed(id) else { throw DomainError.notFound(what: "notification") }
            try await releases.markRead(notificationId: id, accountId: account.id, now: clock.now())
            return ReadDTO(id: id, read: true)
        }
    }

    static func release(_ body: CreateBody, now: Date) throws -> Release {
        try Release.validate(productLine: body.productLine, version: body.version)
        guard let channel = ReleaseChannel(rawValue: body.channel ?? "stable") else {
            throw DomainError.invalid(field: "channel", "must be stable, beta or dev")
        }
        let date = try body.date.map { text in
            guard let date = RFC3339.date(text) else { throw DomainError.invalid(field: "date", "must be an ISO 8601 date-time") }
            return date
        } ?? Release.nextFriday(after: now)
        return Release(id: Identifier.make(), productLine: body.productLine, version: body.version, channel: channel, date: date,
                       published: false, notes: nil, postIds: [])
    }

    func release(_ context: MilletRequestContext) async throws -> Release {
        try await desk.release(id: try context.parameters.require("id"))
    }
}
