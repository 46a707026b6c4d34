import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// The community API in process: staff open a board, fans post and vote, staff move the post
/// through its statuses; fans cannot change statuses and bad input changes nothing.
struct CommunityHTTPTests: HTTPHarness {
    @Test func aFanPostsOthersVoteAndStaffShipIt() async throws {
        try await withApp { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi")
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(asha),
                                     body: json(["slug": "phones", "name": "Phones"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                     body: json(["slug": "phones", "name": "Phones", "productLine": "phones"])) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                     body: json(["slug": "Bad Slug!", "name": "x"])) { response in
                #expect(response.status == .unprocessableContent)
                let fields = try decode(response)["error"] as? [String: Any]
                #expect((fields?["fields"] as? [String: String])?.keys.sorted() == ["name", "slug"])
            }
            let postId = try await client.execute(
                uri: "/api/v1/community/boards/phones/posts", method: .post, headers: bearer(asha),
                body: json(["kind": "bug", "title": "Wi-Fi drops after 14.0.6", "body": "Every evening", "firmwareVersion": "14.0.6", "deviceModel": "Note 3"])
            ) { response in
                #expect(response.status == .created)
                return try decode(response)["id"] as! String
            }
            for bad in [["kind": "rant", "title": "Hello there", "body": "x"], ["kind": "idea", "title": "x", "body": "x"], ["kind": "idea", "title": "Fine title"]] {
                try await client.execute(uri: "/api/v1/community/boards/phones/posts", method: .post, headers: bearer(asha), body: json(bad)) { response in
                    #expect(response.status == .unprocessableContent, "\(bad)")
                }
            }
            try await client.execute(uri: "/api/v1/community/boards/phones/posts", method: .post, body: json(["kind": "bug", "title": "No session", "body": "x"])) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/community/posts/\(postId)/votes", method: .post, headers: bearer(ravi)) { response in
                let vote = try decode(response)
                #expect(vote["voted"] as? Bool == true && vote["votes"] as? Int == 1)
            }
            // A fan cannot move a post; staff can, one legal step at a time.
            try await client.execute(uri: "/api/v1/staff/community/posts/\(postId)/status", method: .post, headers: bearer(ravi),
                                     body: json(["status": "planned"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/staff/community/posts/\(postId)/status", method: .post, headers: bearer(staff),
                                     body: json(["status": "shipped", "release": "14.0.7"])) { response in
                let code = try errorCode(response)
                #expect(response.status == .conflict && code == "illegal_transition")
            }
            for body: [String: Any] in [["status": "acknowledged"], ["status": "planned"], ["status": "shipped", "release": "14.0.7"]] {
                try await client.execute(uri: "/api/v1/staff/community/posts/\(postId)/status", method: .post, headers: bearer(staff), body: json(body)) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/api/v1/community/posts/\(postId)", method: .get) { response in
                let post = try decode(response)
                #expect(post["status"] as? String == "shipped" && post["votes"] as? Int == 1)
                let history = post["history"] as! [[String: Any]]
                #expect(history.map { $0["to"] as! String } == ["open", "acknowledged", "planned", "shipped"])
                #expect(history.last?["detail"] as? String == "14.0.7")
            }
            try await client.execute(uri: "/api/v1/community/boards/phones/posts?sort=newest", method: .get) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.map { $0["id"] as! String } == [postId])
            }
            try await client.execute(uri: "/api/v1/community/boards/phones/posts?sort=loudest", method: .get) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/community/boards/nope/posts", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/community/posts/\(Identifier.make())/votes", method: .post, headers: bearer(ravi)) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test func aWeeklyReleaseAnswersTheFanInTheNotesAndTheInbox() async throws {
        try await withApp { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi")
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                     body: json(["slug": "phones", "name": "Phones"])) { _ in }
            let postId = try await client.execute(
                uri: "/api/v1/community/boards/phones/posts", method: .post, headers: bearer(asha),
                body: json(["kind": "idea", "title": "Battery saver schedule", "body": "Turn it on at night"])
            ) { try decode($0)["id"] as! String }
            try await client.execute(uri: "/api/v1/community/posts/\(postId)/votes", method: .post, headers: bearer(ravi)) { _ in }
            try await client.execute(uri: "/api/v1/staff/community/posts/\(postId)/status", method: .post, headers: bearer(staff),
                                     body: json(["status": "planned"])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/staff/community/releases", method: .post, headers: bearer(ravi),
                                     body: json(["productLine": "phones", "version": "14.0.7"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/staff/community/releases", method: .post, headers: bearer(staff),
                                     body: json(["productLine": "phones", "version": "14 0 7", "channel": "nightly"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            let releaseId = try await client.execute(
                uri: "/api/v1/staff/community/releases", method: .post, headers: bearer(staff), body: json(["productLine": "phones", "version": "14.0.7"])
            ) { response in
                #expect(response.status == .created)
                let body = try decode(response)
                #expect(body["channel"] as? String == "stable" && body["published"] as? Bool == false)
                return body["id"] as! String
            }
            try await client.execute(uri: "/api/v1/staff/community/releases/\(releaseId)/posts", method: .post, headers: bearer(staff),
                                     body: json(["postId": postId])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/staff/community/releases/\(releaseId)/publish", method: .post, headers: bearer(staff)) { response in
                let body = try decode(response)
                #expect(body["published"] as? Bool == true)
                #expect((body["notes"] as? String)?.contains("- Battery saver schedule (reported by Asha, 1 vote)") == true)
            }
            try await client.execute(uri: "/api/v1/community/posts/\(postId)", method: .get) { response in
                let status = try decode(response)["status"] as? String
                #expect(status == "shipped")
            }
            // Asha, who follows her post, also heard it was planned; Ravi only voted.
            for (fan, unread) in [(asha, 2), (ravi, 1)] {
                let messageId = try await client.execute(uri: "/api/v1/me/inbox", method: .get, headers: bearer(fan)) { response in
                    let inbox = try decode(response)
                    #expect(inbox["unread"] as? Int == unread)
                    let items = inbox["items"] as! [[String: Any]]
                    #expect(items.filter { $0["releaseId"] as? String == releaseId }.count == 1)
                    return items.first { $0["releaseId"] as? String == releaseId }!["id"] as! String
                }
                try await client.execute(uri: "/api/v1/me/inbox/\(messageId)/read", method: .post, headers: bearer(fan)) { #expect($0.status == .ok) }
                try await client.execute(uri: "/api/v1/me/inbox", method: .get, headers: bearer(fan)) { response in
                    let left = try decode(response)["unread"] as? Int
                    #expect(left == unread - 1)
                }
            }
            try await client.execute(uri: "/api/v1/community/releases?productLine=phones", method: .get) { response in
                let items = try decode(response)["items"] as? [Any]
                #expect(items?.count == 1)
            }
            try await client.execute(uri: "/api/v1/staff/community/releases/\(releaseId)/publish", method: .post, headers: bearer(staff)) { response in
                #expect(response.status == .conflict)
            }
        }
    }
}
