import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import MilletTesting
import Testing
@testable import MilletHTTP

/// Who may do what in the community: authors edit their own posts, moderators act and see what
/// they hid, fans report once, locked posts take nothing, and new accounts write slowly.
struct ModerationHTTPTests: HTTPHarness {
    func post(_ client: any TestClientProtocol, _ token: String, _ title: String, body: String = "It happens every day") async throws -> String {
        try await client.execute(
            uri: "/api/v1/community/boards/phones/posts", method: .post, headers: bearer(token),
            body: json(["kind": "bug", "title": title, "body": body])
        ) { response in
            #expect(response.status == .created)
            return try decode(response)["id"] as! String
        }
    }

    func act(_ client: any TestClientProtocol, _ token: String, _ postId: String, _ body: [String: Any]) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/api/v1/moderation/posts/\(postId)/actions", method: .post, headers: bearer(token), body: json(body)) { $0.status }
    }

    @Test func moderatorsActFansReportAndEveryoneSeesWhatTheyMay() async throws {
        try await withApp { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let moderator = try await logIn(client, "moderator@millet.test", "millet-moderator")
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi")
            for slug in ["phones", "general"] {
                try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                         body: json(["slug": slug, "name": slug.capitalized])) { #expect($0.status == .created) }
            }
            let postId = try await post(client, asha, "Camera app crashes")

            // Only the author edits.
            let edit: [String: Any] = ["kind": "bug", "title": "Camera app crashes at launch", "body": "Since 14.0.6"]
            try await client.execute(uri: "/api/v1/community/posts/\(postId)", method: .patch, headers: bearer(ravi), body: json(edit)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/community/posts/\(postId)", method: .patch, headers: bearer(asha), body: json(edit)) { response in
                let body = try decode(response)
                #expect(response.status == .ok && body["title"] as? String == "Camera app crashes at launch" && body["editedAt"] is String)
            }

            // Fans report once; fans cannot moderate or read the queue.
            try await client.execute(uri: "/api/v1/community/posts/\(postId)/reports", method: .post, headers: bearer(ravi),
                                     body: json(["reason": "rude title"])) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/community/posts/\(postId)/reports", method: .post, headers: bearer(ravi),
                                     body: json(["reason": "rude title"])) { response in
                let code = try errorCode(response)
                #expect(response.status == .conflict && code == "already_reported")
            }
            try await client.execute(uri: "/api/v1/community/posts/\(postId)/reports", method: .post, headers: bearer(asha),
                                     body: json(["reason": "x"])) { #expect($0.status == .unprocessableContent) }
            #expect(try await act(client, ravi, postId, ["action": "hide", "reason": "spam"]) == .forbidden)
            try await client.execute(uri: "/api/v1/moderation/reports", method: .get, headers: bearer(ravi)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/moderation/reports", method: .get, headers: bearer(moderator)) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.count == 1 && (items[0]["reports"] as! [Any]).count == 1)
            }

            // Locked: no votes, comments or edits.
            #expect(try await act(client, moderator, postId, ["action": "lock"]) == .ok)
            #expect(try await act(client, moderator, postId, ["action": "lock"]) == .conflict)
            for (uri, method, body) in [
                ("/api/v1/community/posts/\(postId)/votes", HTTPRequest.Method.post, nil as [String: Any]?),
                ("/api/v1/community/posts/\(postId)/comments", .post, ["body": "me too"]),
                ("/api/v1/community/posts/\(postId)", .patch, edit),
            ] {
                try await client.execute(uri: uri, method: method, headers: bearer(asha), body: body.map(json)) { response in
                    let code = try errorCode(response)
                    #expect(response.status == .conflict && code == "post_locked", "\(uri)")
                }
            }

            // Hidden: gone for fans, there for moderators.
            #expect(try await act(client, moderator, postId, ["action": "hide"]) == .unprocessableContent)
            #expect(try await act(client, moderator, postId, ["action": "hide", "reason": "under review"]) == .ok)
            for (token, expected) in [(ravi, HTTPResponse.Status.notFound), (asha, .notFound), (moderator, .ok), (staff, .ok)] {
                try await client.execute(uri: "/api/v1/community/posts/\(postId)", method: .get, headers: bearer(token)) { #expect($0.status == expected) }
            }
            try await client.execute(uri: "/api/v1/community/boards/phones/posts", method: .get) { response in
                let items = try decode(response)["items"] as! [Any]
                #expect(items.isEmpty)
            }
            try await client.execute(uri: "/api/v1/community/boards/phones/posts", method: .get, headers: bearer(moderator)) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.count == 1 && items[0]["hidden"] as? Bool == true)
            }
            #expect(try await act(client, moderator, postId, ["action": "move", "board": "nowhere"]) == .unprocessableContent)
            #expect(try await act(client, moderator, postId, ["action": "move", "board": "general"]) == .ok)
            #expect(try await act(client, moderator, postId, ["action": "shout"]) == .unprocessableContent)
            try await client.execute(uri: "/api/v1/moderation/log", method: .get, headers: bearer(moderator)) { response in
                let actions = (try decode(response)["items"] as! [[String: Any]]).map { $0["action"] as! String }
                #expect(Set(actions) == ["lock", "hide", "move"] && actions.count == 3)
            }
            try await client.execute(uri: "/api/v1/moderation/reports", method: .get, headers: bearer(moderator)) { response in
                let items = try decode(response)["items"] as! [Any]
                #expect(items.isEmpty)
            }
        }
    }

    @Test func newAccountsWriteSlowlyLowLevelsLinkLittleAndAdminsNameModerators() async throws {
        try await withApp { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let admin = try await logIn(client, "admin@millet.test", "millet-admin")
            let asha = try await newFan(client, "Asha")
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                     body: json(["slug": "phones", "name": "Phones"])) { _ in }
            try await client.execute(
                uri: "/api/v1/community/boards/phones/posts", method: .post, headers: bearer(asha),
                body: json(["kind": "idea", "title": "Links", "body": "see https://a.test and http://b.test and www.c.test"])
            ) { response in
                let fields = (try decode(response)["error"] as? [String: Any])?["fields"] as? [String: String]
                #expect(response.status == .unprocessableContent && fields?["body"] != nil)
            }
            let first = try await post(client, asha, "First post", body: "one link https://a.test is fine")
            for index in 0..<4 {
                try await client.execute(uri: "/api/v1/community/posts/\(first)/comments", method: .post, headers: bearer(asha),
                                         body: json(["body": "update \(index)"])) { #expect($0.status == .created) }
            }
            // Five writes in the first hour of a new account: the sixth waits.
            try await client.execute(uri: "/api/v1/community/posts/\(first)/comments", method: .post, headers: bearer(asha),
                                     body: json(["body": "one more"])) { response in
                #expect(response.status == .tooManyRequests && response.headers[.retryAfter] != nil)
            }
            try await client.execute(uri: "/api/v1/community/posts/\(first)/comments", method: .get) { response in
                let items = try decode(response)["items"] as! [Any]
                #expect(items.count == 4)
            }

            // Staff cannot name moderators; an admin can, and the role applies at once.
            let ashaId = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(asha)) { try decode($0)["id"] as! String }
            try await client.execute(uri: "/api/v1/admin/accounts/\(ashaId)/role", method: .put, headers: bearer(staff),
                                     body: json(["role": "moderator"])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/admin/accounts/\(ashaId)/role", method: .put, headers: bearer(admin),
                                     body: json(["role": "overlord"])) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/admin/accounts/\(Identifier.make())/role", method: .put, headers: bearer(admin),
                                     body: json(["role": "moderator"])) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/admin/accounts/\(ashaId)/role", method: .put, headers: bearer(admin),
                                     body: json(["role": "moderator"])) { response in
                let role = try decode(response)["role"] as? String
                #expect(role == "moderator")
            }
            try await client.execute(uri: "/api/v1/moderation/log", method: .get, headers: bearer(asha)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/community/posts/\(first)/comments", method: .post, headers: bearer(asha),
                                     body: json(["body": "moderators write freely"])) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(asha),
                                     body: json(["slug": "more", "name": "More"])) { #expect($0.status == .forbidden) }
        }
    }

    @Test func followersSearchLeaderboardAndFCodeGrants() async throws {
        try await withApp { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi")
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                     body: json(["slug": "phones", "name": "Phones"])) { _ in }
            let postId = try await post(client, asha, "Bluetooth stutters in the car")
            try await client.execute(uri: "/api/v1/community/posts/\(postId)/follow", method: .put, headers: bearer(ravi)) { response in
                let body = try decode(response)
                #expect(body["following"] as? Bool == true && body["followers"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/community/posts/\(postId)/follow", method: .get, headers: bearer(ravi)) { response in
                let following = try decode(response)["following"] as? Bool
                #expect(following == true)
            }
            try await client.execute(uri: "/api/v1/community/posts/\(postId)/votes", method: .post, headers: bearer(ravi)) { _ in }
            try await client.execute(uri: "/api/v1/staff/community/posts/\(postId)/status", method: .post, headers: bearer(staff),
                                     body: json(["status": "acknowledged"])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/me/inbox", method: .get, headers: bearer(ravi)) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.map { $0["text"] as! String } == ["“Bluetooth stutters in the car” is now acknowledged."])
                #expect(items.first?["postId"] as? String == postId && items.first?["kind"] as? String == "status")
                #expect(items.first?["params"] as? [String: String] == ["title": "Bluetooth stutters in the car", "status": "acknowledged"])
            }
            try await client.execute(uri: "/api/v1/community/search?q=car%20bluetooth", method: .get) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.map { $0["id"] as! String } == [postId])
                let author = items[0]["author"] as! [String: Any]
                #expect(author["points"] as? Int == 11 && author["level"] as? Int == 2 && author["badges"] as? [String] == ["first_post", "bug_hunter"])
            }
            try await client.execute(uri: "/api/v1/community/similar?q=blue&board=phones", method: .get) { response in
                let items = try decode(response)["items"] as! [Any]
                #expect(items.count == 1)
            }
            for uri in ["/api/v1/community/search?q=%21%21", "/api/v1/community/search", "/api/v1/community/search?q=car&board=nope"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .unprocessableContent, "\(uri)") }
            }
            try await client.execute(uri: "/api/v1/staff/community/posts/\(postId)/status", method: .post, headers: bearer(staff),
                                     body: json(["status": "planned"])) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/community/roadmap", method: .get) { response in
                let roadmap = try decode(response)
                #expect((roadmap["planned"] as? [[String: Any]])?.map { $0["id"] as! String } == [postId])
                #expect((roadmap["shipped"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/api/v1/community/boards/phones/leaderboard", method: .get) { response in
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.map { $0["name"] as! String } == ["Asha"])
            }

            // The hook to flash sales: the top contributor gets an F-code in the inbox.
            let saleId = try await scheduleSale(client, services)
            try await client.execute(uri: "/api/v1/staff/community/boards/phones/fcode-grants", method: .post, headers: bearer(asha),
                                     body: json(["saleId": saleId, "top": 1])) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/staff/community/boards/phones/fcode-grants", method: .post, headers: bearer(staff),
                                     body: json(["saleId": saleId, "top": 0])) { #expect($0.status == .unprocessableContent) }
            let code = try await client.execute(uri: "/api/v1/staff/community/boards/phones/fcode-grants", method: .post, headers: bearer(staff),
                                                body: json(["saleId": saleId, "top": 5])) { response in
                #expect(response.status == .created)
                let items = try decode(response)["items"] as! [[String: Any]]
                #expect(items.map { $0["name"] as! String } == ["Asha"])
                return items[0]["code"] as! String
            }
            try await client.execute(uri: "/api/v1/me/inbox", method: .get, headers: bearer(asha)) { response in
                let texts = (try decode(response)["items"] as! [[String: Any]]).map { $0["text"] as! String }
                #expect(texts.contains { $0.contains(code) })
            }
        }
    }
}
