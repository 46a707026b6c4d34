import Foundation
import Hummingbird
import HummingbirdTesting
import MilletCore
import Testing
@testable import MilletHTTP

/// The community pages with plain forms, as a browser without JavaScript uses them.
struct CommunityPageTests: HTTPHarness {
    func session(_ token: String, lang: String = "en") -> HTTPFields {
        pageHeaders(session: token, cookies: ["millet_lang=\(lang)", "millet_market=GB"])
    }

    func page(_ client: any TestClientProtocol, _ uri: String, _ headers: HTTPFields) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .get, headers: headers) { ($0.status, String(buffer: $0.body)) }
    }

    @Test func fansPostVoteAndReadTheReleaseThatAnswersThem() async throws {
        try await withApp { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let asha = try await newFan(client, "Asha"), ravi = try await newFan(client, "Ravi")
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                     body: json(["slug": "phones", "name": "Phones", "productLine": "phones"])) { _ in }
            // A bad form is explained; a good one lands on the new post.
            try await client.execute(uri: "/community/boards/phones/posts", method: .post, headers: session(asha, lang: "hi"),
                                     body: form(["kind": "idea", "title": "x", "body": "y"])) { response in
                #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("title"))
            }
            let postPath = try await client.execute(
                uri: "/community/boards/phones/posts", method: .post, headers: session(asha, lang: "hi"),
                body: form(["kind": "idea", "title": "Battery saver schedule", "body": "At night", "firmwareVersion": "", "deviceModel": ""])
            ) { response in
                #expect(response.status == .seeOther)
                return try #require(response.headers[.location])
            }
            let (status, html) = try await page(client, postPath, session(asha, lang: "hi"))
            #expect(status == .ok && html.contains("Battery saver schedule") && html.contains("सुझाव") && html.contains("id=\"unfollow\""))
            #expect(!html.contains("id=\"status-form\"") && !html.contains("id=\"moderate-form\""))
            let edit = ["kind": "idea", "title": "Battery saver schedule", "body": "At night, from 23:00", "firmwareVersion": "14.0.6", "deviceModel": ""]
            try await client.execute(uri: postPath + "/edit", method: .post, headers: session(ravi), body: form(edit)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: postPath + "/edit", method: .post, headers: session(asha), body: form(edit)) { #expect($0.status == .seeOther) }
            #expect(try await page(client, postPath, session(asha)).1.contains("At night, from 23:00"))
            #expect(!(try await page(client, postPath, session(ravi)).1.contains("id=\"edit-form\"")))
            try await client.execute(uri: postPath + "/vote", method: .post, headers: session(ravi)) { #expect($0.status == .seeOther) }
            try await client.execute(uri: postPath + "/comments", method: .post, headers: session(ravi), body: form(["body": "Yes please"])) {
                #expect($0.status == .seeOther)
            }
            let (_, board) = try await page(client, "/community/boards/phones?sort=newest", session(ravi))
            #expect(board.contains("▲ 1") && board.contains("1 comments"))

            // Staff plan it and ship it from the release pages.
            try await client.execute(uri: postPath + "/status", method: .post, headers: session(ravi), body: form(["status": "planned"])) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: postPath + "/status", method: .post, headers: session(staff), body: form(["status": "planned"])) {
                #expect($0.status == .seeOther)
            }
            let releasePath = try await client.execute(uri: "/staff/releases", method: .post, headers: session(staff),
                                                       body: form(["productLine": "phones", "version": "14.0.7", "channel": "stable"])) { response in
                try #require(response.headers[.location])
            }
            let postId = String(postPath.split(separator: "/").last!)
            let (_, draft) = try await page(client, releasePath, session(staff))
            #expect(draft.contains("data-post=\"\(postId)\""))
            let releaseId = String(releasePath.split(separator: "/").last!)
            // A draft is not public yet.
            #expect(try await page(client, "/releases/\(releaseId)", session(asha)).0 == .notFound)
            try await client.execute(uri: releasePath + "/posts", method: .post, headers: session(staff), body: form(["postId": postId])) { _ in }
            try await client.execute(uri: releasePath + "/publish", method: .post, headers: session(staff)) { response in
                #expect(response.headers[.location] == "/releases/\(releaseId)")
            }
            let (_, notes) = try await page(client, "/releases/\(releaseId)", session(asha))
            #expect(notes.contains("Battery saver schedule (reported by Asha, 1 vote)"))

            // Asha's inbox: the comment, the plan, and the release; reading one lowers the count.
            let (_, inbox) = try await page(client, "/inbox", session(asha))
            #expect(inbox.contains("id=\"unread\">3<") && inbox.contains("/releases/\(releaseId)"))
            let messageId = try #require(inbox.firstMatch(of: /data-message="([0-9a-f]+)"/)?.1)
            try await client.execute(uri: "/inbox/\(messageId)/read", method: .post, headers: session(asha)) { #expect($0.status == .seeOther) }
            #expect(try await page(client, "/inbox", session(asha)).1.contains("id=\"unread\">2<"))
            // In Spanish, the messages and the notes read in Spanish.
            let (_, spanishInbox) = try await page(client, "/inbox", session(asha, lang: "es"))
            #expect(spanishInbox.contains("«Battery saver schedule» ahora está: Planificada.") && spanishInbox.contains("Ravi comentó en «Battery saver schedule»."))
            let (_, spanishNotes) = try await page(client, "/releases/\(releaseId)", session(asha, lang: "es"))
            #expect(spanishNotes.contains("Versión 14.0.7 (stable)") && spanishNotes.contains("Nuevo\n- Battery saver schedule (informado por Asha, 1 voto)"))
            let (_, roadmap) = try await page(client, "/roadmap", session(asha))
            #expect(roadmap.contains(postId))
        }
    }

    @Test func moderatorsHideAndOnlyTheySeeWhatIsHidden() async throws {
        try await withApp { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let moderator = try await logIn(client, "moderator@millet.test", "millet-moderator")
            let asha = try await newFan(client, "Asha")
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                     body: json(["slug": "phones", "name": "Phones"])) { _ in }
            let postPath = try await client.execute(uri: "/community/boards/phones/posts", method: .post, headers: session(asha),
                                                    body: form(["kind": "bug", "title": "Buy cheap watches", "body": "spam"])) {
                try #require($0.headers[.location])
            }
            try await client.execute(uri: postPath + "/report", method: .post, headers: session(asha), body: form(["reason": "spam"])) {
                #expect($0.status == .seeOther)
            }
            #expect(try await page(client, "/moderation", session(asha)).0 == .forbidden)
            #expect(try await page(client, "/moderation", session(moderator)).1.contains("Buy cheap watches"))
            try await client.execute(uri: postPath + "/moderate", method: .post, headers: session(asha), body: form(["action": "hide", "reason": "spam"])) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: postPath + "/moderate", method: .post, headers: session(moderator), body: form(["action": "hide", "reason": "spam"])) {
                #expect($0.status == .seeOther)
            }
            #expect(try await page(client, postPath, session(asha)).0 == .notFound)
            let (status, html) = try await page(client, postPath, session(moderator))
            #expect(status == .ok && html.contains("id=\"hidden\""))
            let (_, log) = try await page(client, "/moderation", session(moderator))
            #expect(log.contains("Moderator") && log.contains("no-reports"))
        }
    }
}
