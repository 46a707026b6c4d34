import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MilletCore
@testable import MilletHTTP
import Testing

struct AuctionHTTPTests: HTTPHarness {
    @Test func staffScheduleAnAuctionFansBidTheirMaximumAndAnyoneFollowsTheHistory() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, _ in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let ravi = try await newFan(client, "Ravi")
            let starts = clock.now().addingTimeInterval(60).formatted(.iso8601), ends = clock.now().addingTimeInterval(3660).formatted(.iso8601)
            func schedule(_ body: [String: Any], as token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/staff/auctions", method: .post, headers: bearer(token), body: json(body)) {
                    ($0.status, (try? decode($0)) ?? [:])
                }
            }
            let terms: [String: Any] = ["title": "Mi 1 prototype, unit 0001", "market": "GB", "startPrice": 10_000, "reservePrice": 15_000,
                                        "startsAt": starts, "endsAt": ends]
            #expect(try await schedule(terms, as: fan).0 == .forbidden)
            #expect(try await schedule(terms.merging(["startPrice": 0, "endsAt": starts]) { $1 }, as: staff).0 == .unprocessableContent)
            #expect(try await schedule(terms.merging(["increments": [["from": 5, "increment": 100]]]) { $1 }, as: staff).0 == .unprocessableContent)
            #expect((try await schedule(terms.merging(["market": "ID"]) { $1 }, as: staff).1["error"] as? [String: Any])?["fields"] as? [String: String] == ["increments": "are required for IDR, which has 0 decimals"])
            let created = try await schedule(terms, as: staff)
            #expect(created.0 == .created && created.1["reservePrice"] as? Int == 15_000 && created.1["currency"] as? String == "GBP")
            let id = try #require(created.1["id"] as? String)
            let gated = try await schedule(terms.merging(["minLevel": 2]) { $1 }, as: staff)
            let gatedId = try #require(gated.1["id"] as? String)

            func bid(_ token: String, _ maximum: Any, on auction: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/auctions/\(auction ?? id)/bids", method: .post, headers: bearer(token), body: json(["maximum": maximum])) {
                    ($0.status, (try? decode($0)) ?? [:])
                }
            }
            func code(_ answer: (HTTPResponse.Status, [String: Any])) -> String? { (answer.1["error"] as? [String: Any])?["code"] as? String }
            #expect(code(try await bid(fan, 20_000)) == "auction_not_open")
            clock.advance(by: 60)
            #expect(code(try await bid(ravi, 20_000, on: gatedId)) == "level_too_low")
            // Bad input changes nothing.
            #expect(try await bid(fan, "lots").0 == .unprocessableContent)
            #expect(try await bid(fan, 0).0 == .unprocessableContent)
            #expect(try await bid(fan, 10_000_000_001).0 == .unprocessableContent)
            #expect(try await bid(fan, 20_000, on: Identifier.make()).0 == .notFound)
            try await client.execute(uri: "/api/v1/auctions/\(id)/bids", method: .post, body: json(["maximum": 20_000])) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/auctions/\(id)/bids", method: .post, headers: bearer(fan), body: ByteBuffer(string: "{\"maximum\":")) {
                #expect($0.status == .badRequest)
            }

            let first = try await bid(fan, 20_000)
            #expect(first.0 == .created && first.1["leading"] as? Bool == true && first.1["price"] as? Int == 15_000 && first.1["priceRule"] as? String == "reserve" && first.1["seq"] as? Int == 1)
            #expect(code(try await bid(ravi, 10_100)) == "bid_too_low")
            let second = try await bid(ravi, 16_000)
            #expect(second.0 == .created && second.1["leading"] as? Bool == false && second.1["price"] as? Int == 16_250)
            let third = try await bid(ravi, 30_000)
            #expect(third.1["leading"] as? Bool == true && third.1["price"] as? Int == 20_250 && third.1["priceRule"] as? String == "runner_up_plus_increment")

            // Anyone follows it; the fan sees their own pseudonym; the reserve stays hidden.
            let seen = try await client.execute(uri: "/api/v1/auctions/\(id)", method: .get, headers: bearer(fan)) { try decode($0) }
            #expect(seen["price"] as? Int == 20_250 && seen["leader"] as? String == "Bidder 2" && seen["reserve"] as? String == "met")
            #expect(seen["reservePrice"] == nil && seen["status"] as? String == "open" && seen["minimumBid"] as? Int == 20_500)
            #expect((seen["you"] as? [String: Any])?["bidder"] as? String == "Bidder 1" && (seen["you"] as? [String: Any])?["leading"] as? Bool == false)
            let history = try #require(seen["history"] as? [[String: Any]])
            #expect(history.map { $0["bidder"] as? String } == ["Bidder 1", "Bidder 2", "Bidder 2"])
            #expect(history.map { $0["maximum"] as? Int } == [20_000, nil, nil] && history.map { $0["price"] as? Int } == [15_000, 16_250, 20_250])
            let listed = try await client.execute(uri: "/api/v1/auctions", method: .get) { try decode($0)["items"] as? [[String: Any]] }
            #expect(listed?.map { $0["id"] as? String }.contains(id) == true && listed?.allSatisfy { $0["reservePrice"] == nil } == true)
            try await client.execute(uri: "/api/v1/auctions/\(Identifier.make())", method: .get) { #expect($0.status == .notFound) }

            // A bid refused on the page says so in the reader's words, with the least it could be.
            let refusedPage = try await client.execute(uri: "/auctions/\(id)/bid", method: .post, headers: pageHeaders(session: fan),
                                                       body: form(["maximum": "1"])) { ($0.status, String(buffer: $0.body)) }
            #expect(refusedPage.0 == .conflict && refusedPage.1.contains("Least you can bid: £205.00") && !refusedPage.1.contains("(minimumBid)"))
            try await client.execute(uri: "/auctions/\(id)/bid", method: .get) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/auctions/\(id)")
            }
            // A bid timed within the last millisecond is stored to the millisecond, the closing
            // one: it is judged by that time, refused, and the history still replays.
            clock.advance(by: 3600 - 0.0004)
            #expect(code(try await bid(fan, 40_000)) == "auction_closed")
            try await client.execute(uri: "/api/v1/auctions/\(id)", method: .get) { #expect($0.status == .ok) }
            // After the close, by the server's clock, nothing more is taken.
            clock.advance(by: 0.0004)
            #expect(code(try await bid(fan, 40_000)) == "auction_closed")
            let closed = try await client.execute(uri: "/api/v1/auctions/\(id)", method: .get) { try decode($0) }
            #expect(closed["status"] as? String == "closed" && closed["bids"] as? Int == 3)
            // Each bidder's page says how it ended for them.
            let lost = try await client.execute(uri: "/auctions/\(id)", method: .get, headers: pageHeaders(session: fan)) { String(buffer: $0.body) }
            let won = try await client.execute(uri: "/auctions/\(id)", method: .get, headers: pageHeaders(session: ravi)) { String(buffer: $0.body) }
            #expect(lost.contains("another fan won") && won.contains("You won this auction.") && won.contains("id=\"your-maximum\">£300.00"))
        }
    }

    @Test func bidsArrivingTogetherAreDecidedInTurnAndReplayToTheStoredState() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            var signedUp: [String] = []
            for name in ["Asha", "Ravi", "Mei", "Budi", "Lola"] { signedUp.append(try await newFan(client, name)) }
            let fans = signedUp
            let id = try await client.execute(uri: "/api/v1/staff/auctions", method: .post, headers: bearer(staff), body: json([
                "title": "Mi 1 prototype, unit 0002", "market": "IN", "startPrice": 100_000, "startsAt": clock.now().formatted(.iso8601),
                "endsAt": clock.now().addingTimeInterval(600).formatted(.iso8601),
            ])) { try #require(try decode($0)["id"] as? String) }
            let statuses = try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
                for i in 0..<40 {
                    group.addTask {
                        try await client.execute(uri: "/api/v1/auctions/\(id)/bids", method: .post, headers: bearer(fans[i % 5]),
                                                 body: json(["maximum": 100_000 + i * 1_000 + (i % 3) * 300])) { response in
                            (Int(response.status.code), (try? decode(response))?["seq"] as? Int)
                        }
                    }
                }
                return try await group.reduce(into: [(Int, Int?)]()) { $0.append($1) }
            }
            let accepted = statuses.filter { $0.0 == 201 }
            #expect(statuses.allSatisfy { $0.0 == 201 || $0.0 == 409 } && accepted.count >= 2)
            #expect(Set(accepted.compactMap(\.1)) == Set(1...accepted.count))
            let record = try #require(try await services.auctions.auction(id: id) as AuctionRecord?)
            let (_, history) = try await services.auctions.history(auctionId: id)
            #expect(history.entries.count == accepted.count && record.state.bids == Int64(accepted.count))
            #expect(history.entries.last?.priceAfter == record.state.price)
            // The live page's pseudonyms, read from scratch or kept up from a partial read, are the history's.
            let fresh = try await services.auctions.standing(auctionId: id, known: Pseudonyms()).pseudonyms
            var partial = Pseudonyms()
            for bid in try await services.auctions.history(auctionId: id).history.entries.prefix(3) {
                partial.note(AuctionBid(id: "", auctionId: id, seq: bid.seq, accountId: history.bidders.first { $0.value == bid.bidder }!.key,
                                        maximum: bid.maximum ?? 0, placedAt: bid.placedAt))
            }
            let kept = try await services.auctions.standing(auctionId: id, known: partial).pseudonyms
            #expect(fresh.numbers == history.bidders && kept.numbers == history.bidders && kept.throughSeq == Int64(accepted.count))
        }
    }

    @Test func staffScheduleAnAuctionFromTheConsoleInTheMarketsCurrency() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            try await client.execute(uri: "/staff/auctions", method: .get, headers: pageHeaders(session: fan)) { #expect($0.status == .forbidden) }
            let page = try await client.execute(uri: "/staff/auctions", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(page.contains("id=\"schedule-auction\""))
            // Typed on India's clock (UTC+5:30), the auction's market.
            var india = Calendar(identifier: .gregorian)
            india.timeZone = TimeZone(identifier: "Asia/Kolkata")!
            func local(_ date: Date) -> String {
                let c = india.dateComponents([.year, .month, .day, .hour, .minute], from: date)
                return String(format: "%04d-%02d-%02dT%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
            }
            let fields = ["title": "Prototype No. 2", "market": "IN", "startPrice": "4999.50", "reservePrice": "",
                          "startsAt": local(clock.now().addingTimeInterval(3600)), "endsAt": local(clock.now().addingTimeInterval(7200)),
                          "minLevel": "1", "extensionMinutes": "5", "capMinutes": "60"]
            let refused = try await client.execute(uri: "/staff/auctions", method: .post, headers: pageHeaders(session: staff),
                                                   body: form(fields.merging(["startPrice": "lots", "extensionMinutes": "99999999999"]) { $1 })) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(refused.0 == .unprocessableContent && refused.1.contains("auction-error") && refused.1.contains("Prototype No. 2"))
            // What staff set stays in the form they get back.
            let kept = try await client.execute(uri: "/staff/auctions", method: .post, headers: pageHeaders(session: staff),
                                                body: form(fields.merging(["startPrice": "lots", "minLevel": "4", "capMinutes": ""]) { $1 })) { String(buffer: $0.body) }
            #expect(kept.contains("name=\"minLevel\" id=\"min-level\" min=\"1\" max=\"6\" value=\"4\"") && kept.contains("name=\"capMinutes\" min=\"0\" max=\"1440\" value=\"60\""))
            #expect(try await services.auctions.calendar().isEmpty)
            let location = try await client.execute(uri: "/staff/auctions", method: .post, headers: pageHeaders(session: staff), body: form(fields)) { response in
                #expect(response.status == .seeOther)
                return response.headers[.location] ?? ""
            }
            let scheduled = try #require(try await services.auctions.calendar().first)
            #expect(location == "/auctions/\(scheduled.auction.id)")
            #expect(scheduled.auction.startPrice == 499_950 && scheduled.auction.currency == "INR" && scheduled.auction.reservePrice == nil)
            #expect(scheduled.auction.scheduledEnd.timeIntervalSince(scheduled.auction.startsAt) == 3600)
            #expect(abs(scheduled.auction.startsAt.timeIntervalSince(clock.now().addingTimeInterval(3600))) < 60)
            // A currency without cents takes one increment at every price.
            let rupiah = fields.merging(["market": "ID", "startPrice": "5000000", "title": "Prototype No. 3",
                                         "startsAt": MarketTimeZone.local(clock.now().addingTimeInterval(3600), in: "ID"),
                                         "endsAt": MarketTimeZone.local(clock.now().addingTimeInterval(7200), in: "ID")]) { $1 }
            try await client.execute(uri: "/staff/auctions", method: .post, headers: pageHeaders(session: staff), body: form(rupiah)) {
                #expect($0.status == .unprocessableContent)
            }
            try await client.execute(uri: "/staff/auctions", method: .post, headers: pageHeaders(session: staff),
                                     body: form(rupiah.merging(["increment": "50000", "minLevel": ""]) { $1 })) { #expect($0.status == .seeOther) }
            let indonesian = try #require(try await services.auctions.calendar().first { $0.auction.currency == "IDR" })
            #expect(indonesian.auction.increments.bands == [.init(from: 0, increment: 50_000)] && indonesian.auction.minLevel == 1)
            // Staff call one off from the console: it ends now and says so.
            let console = try await client.execute(uri: "/staff/auctions", method: .get, headers: pageHeaders(session: staff)) { String(buffer: $0.body) }
            #expect(console.contains("id=\"cancel-\(indonesian.auction.id)\""))
            try await client.execute(uri: "/staff/auctions/\(indonesian.auction.id)/cancel", method: .post, headers: pageHeaders(session: staff), body: form([:])) {
                #expect($0.status == .seeOther)
            }
            #expect(try await services.auctions.auction(id: indonesian.auction.id).outcome == .cancelled)
            try await client.execute(uri: "/api/v1/staff/auctions/\(indonesian.auction.id)/cancel", method: .post, headers: bearer(staff)) {
                #expect($0.status == .conflict)
            }
        }
    }

    @Test func theWinnerOrdersTheUnitFromTheAuctionPageAndASecondChanceGoesToTheRunnerUp() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let fan = try await logIn(client, "fan@millet.test", "millet-fan")
            let ravi = try await newFan(client, "Ravi")
            let skuId = try #require(try await services.catalog.product(slug: "millet-note-3")?.skus.first?.id)
            let id = try await client.execute(uri: "/api/v1/staff/auctions", method: .post, headers: bearer(staff), body: json([
                "title": "Millet Note 3, serial 000007", "skuId": skuId, "market": "GB", "startPrice": 10_000, "startsAt": clock.now().formatted(.iso8601),
                "endsAt": clock.now().addingTimeInterval(600).formatted(.iso8601), "paymentHours": 24, "secondChanceHours": 12,
            ])) { response in
                let body = try decode(response)
                #expect(response.status == .created && body["paymentHours"] as? Int == 24 && body["secondChanceHours"] as? Int == 12)
                return try #require(body["id"] as? String)
            }
            for (token, maximum) in [(ravi, 20_000), (fan, 30_000)] {
                try await client.execute(uri: "/api/v1/auctions/\(id)/bids", method: .post, headers: bearer(token), body: json(["maximum": maximum])) {
                    #expect($0.status == .created)
                }
            }
            clock.advance(by: 606)
            try await services.auctionOffers.settleDue()
            func auction(as token: String) async throws -> [String: Any] {
                try await client.execute(uri: "/api/v1/auctions/\(id)", method: .get, headers: bearer(token)) { try decode($0) }
            }
            let won = try await auction(as: fan)
            let offer = try #require(won["offer"] as? [String: Any])
            #expect(won["outcome"] as? String == "offering" && offer["status"] as? String == "open" && offer["price"] as? Int == 20_250 && offer["round"] as? Int == 1)
            #expect(try await auction(as: ravi)["offer"] == nil)
            // The list shows the winner the unit waiting for them.
            let list = try await client.execute(uri: "/auctions", method: .get, headers: pageHeaders(session: fan)) { String(buffer: $0.body) }
            #expect(list.contains("class=\"offer-row\"><a href=\"/auctions/\(id)\""))
            // The winner's page offers the unit with an address form; a bad address keeps what they typed.
            let page = try await client.execute(uri: "/auctions/\(id)", method: .get, headers: pageHeaders(session: fan)) { String(buffer: $0.body) }
            #expect(page.contains("id=\"offer-form\"") && page.contains("id=\"offer-price\"") && page.contains("id=\"offer-total\"")
                    && page.contains("decline-understood"))
            let address = ["name": "Ada Fan", "line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA", "phone": "+44 113 496 0000"]
            let refused = try await client.execute(uri: "/auctions/\(id)/offer", method: .post, headers: pageHeaders(session: fan),
                                                   body: form(address.merging(["phone": "call me"]) { $1 })) { ($0.status, String(buffer: $0.body)) }
            #expect(refused.0 == .unprocessableContent && refused.1.contains("auction-error") && refused.1.contains("value=\"1 High Street\""))
            let location = try await client.execute(uri: "/auctions/\(id)/offer", method: .post, headers: pageHeaders(session: fan), body: form(address)) {
                #expect($0.status == .seeOther)
                return $0.headers[.location] ?? ""
            }
            let orderId = String(location.dropFirst("/orders/".count))
            let order = try await services.orderDesk.order(id: orderId, viewer: try #require(try await services.accounts.account(email: "fan@millet.test")))
            #expect(location.hasPrefix("/orders/") && order.lines.map(\.unitPrice) == [20_250] && order.paymentDeadline == clock.now().addingTimeInterval(24 * 3600 - 6))
            // Asked again through the API, the same order; others have no offer to answer.
            let body = json(["shippingAddress": address])
            try await client.execute(uri: "/api/v1/auctions/\(id)/offer/order", method: .post, headers: bearer(fan), body: body) { response in
                let again = try decode(response)
                #expect(response.status == .created && again["id"] as? String == orderId)
            }
            try await client.execute(uri: "/api/v1/auctions/\(id)/offer/order", method: .post, headers: bearer(ravi), body: body) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/auctions/\(id)/offer/decline", method: .post, headers: bearer(ravi)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/auctions/\(id)/offer/order", method: .post, headers: bearer(ravi), body: ByteBuffer(string: "{\"shippingAddress\": 7")) {
                #expect($0.status == .badRequest)
            }
            #expect(try await auction(as: fan)["offer"].flatMap { $0 as? [String: Any] }?["status"] as? String == "ordered")
            // The winner cancels unpaid: a strike, and Ravi gets a second chance at his maximum.
            try await client.execute(uri: "/api/v1/orders/\(orderId)/cancel", method: .post, headers: bearer(fan)) { #expect($0.status == .ok) }
            try await services.auctionOffers.settleDue()
            let second = try #require(try await auction(as: ravi)["offer"] as? [String: Any])
            #expect(second["round"] as? Int == 2 && second["price"] as? Int == 20_000 && second["status"] as? String == "open")
            let ravisPage = try await client.execute(uri: "/auctions/\(id)", method: .get, headers: pageHeaders(session: ravi)) { String(buffer: $0.body) }
            #expect(ravisPage.contains("id=\"decline-form\"") && !ravisPage.contains("decline-understood"))
            try await client.execute(uri: "/auctions/\(id)/offer/decline", method: .post, headers: pageHeaders(session: ravi), body: form([:])) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/api/v1/auctions/\(id)/offer/decline", method: .post, headers: bearer(ravi)) { #expect($0.status == .conflict) }
            try await services.auctionOffers.settleDue()
            #expect(try await auction(as: ravi)["outcome"] as? String == "unsold")
            let fansPage = try await client.execute(uri: "/auctions/\(id)", method: .get, headers: pageHeaders(session: fan)) { String(buffer: $0.body) }
            #expect(fansPage.contains("id=\"offer-status\"") && fansPage.contains("id=\"auction-outcome\"") && fansPage.contains("id=\"auction-strikes\""))
        }
    }

    @Test func fansBidSealedAmountsWithTheirPointsAndTheResultIsPublished() async throws {
        let clock = TestClock()
        try await withApp(clock) { client, services in
            let staff = try await logIn(client, "staff@millet.test", "millet-staff")
            let asha = try await newFan(client, "Asha"), mei = try await newFan(client, "Mei"), ravi = try await newFan(client, "Ravi")
            // Asha and Mei earn ten points each: a post of theirs the brand acknowledged.
            try await client.execute(uri: "/api/v1/staff/community/boards", method: .post, headers: bearer(staff),
                                     body: json(["slug": "phones", "name": "Phones", "productLine": "phones"])) { #expect($0.status == .created) }
            for (fan, title) in [(asha, "Camera app freezes at night"), (mei, "Battery drains on standby")] {
                let postId = try await client.execute(uri: "/api/v1/community/boards/phones/posts", method: .post, headers: bearer(fan),
                                                      body: json(["kind": "bug", "title": title, "body": "Every evening"])) { try decode($0)["id"] as! String }
                try await client.execute(uri: "/api/v1/staff/community/posts/\(postId)/status", method: .post, headers: bearer(staff),
                                         body: json(["status": "acknowledged"])) { #expect($0.status == .ok) }
            }
            let id = try await client.execute(uri: "/api/v1/staff/auctions", method: .post, headers: bearer(staff), body: json([
                "title": "Millet Note 3, serial 000003", "market": "GB", "startPrice": 50_000, "format": "lowest_unique", "pointsPerBid": 5,
                "maxBidsPerFan": 3, "startsAt": clock.now().formatted(.iso8601), "endsAt": clock.now().addingTimeInterval(600).formatted(.iso8601),
            ])) { response in
                let body = try decode(response)
                #expect(response.status == .created && body["format"] as? String == "lowest_unique")
                return try #require(body["id"] as? String)
            }
            try await client.execute(uri: "/api/v1/auctions/\(id)/bids", method: .post, headers: bearer(asha), body: json(["maximum": 1_000])) {
                #expect($0.status == .conflict)
            }
            func sealed(_ token: String, _ amount: Any) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/auctions/\(id)/unique-bids", method: .post, headers: bearer(token), body: json(["amount": amount])) {
                    ($0.status, (try? decode($0)) ?? [:])
                }
            }
            let placed = try await sealed(asha, 150)
            #expect(placed.0 == .created && placed.1["pointsLeft"] as? Int == 5 && placed.1["yourAmounts"] as? [Int] == [150])
            let poor = try await sealed(ravi, 150)
            #expect(poor.0 == .forbidden)
            let (wrongType, zero, again) = (try await sealed(asha, "lots").0, try await sealed(asha, 0).0, try await sealed(asha, 150).0)
            #expect(wrongType == .unprocessableContent && zero == .unprocessableContent && again == .conflict)
            // The page takes an amount as people write it, in pounds.
            try await client.execute(uri: "/auctions/\(id)/unique-bid", method: .post, headers: pageHeaders(session: asha), body: form(["amount": "2.20"])) {
                #expect($0.status == .seeOther)
            }
            clock.advance(by: 1)
            #expect(try await sealed(mei, 150).0 == .created)
            let running = try await client.execute(uri: "/api/v1/auctions/\(id)", method: .get, headers: bearer(asha)) { try decode($0) }
            let mine = try #require(running["sealed"] as? [String: Any])
            #expect(mine["yourAmounts"] as? [Int] == [150, 220] && mine["yourPointsLeft"] as? Int == 0 && mine["result"] == nil && running["bids"] as? Int == 3)
            let page = try await client.execute(uri: "/auctions/\(id)", method: .get, headers: pageHeaders(session: asha)) { String(buffer: $0.body) }
            #expect(page.contains("id=\"sealed-form\"") && page.contains("id=\"your-amounts\"") && !page.contains("id=\"bid-form\""))
            clock.advance(by: 606)
            // Closed: every amount with how many fans bid it; 1.50 twice, 2.20 once: Asha wins at 2.20.
            let closed = try await client.execute(uri: "/api/v1/auctions/\(id)", method: .get) { try decode($0) }
            let result = try #require((closed["sealed"] as? [String: Any])?["result"] as? [String: Any])
            let amounts = try #require(result["amounts"] as? [[String: Any]])
            #expect(amounts.map { $0["amount"] as? Int } == [150, 220] && amounts.map { $0["fans"] as? Int } == [2, 1])
            #expect(result["winningAmount"] as? Int == 220 && result["winner"] as? String == "Bidder 1")
            try await services.auctionOffers.settleDue()
            let offer = try await client.execute(uri: "/api/v1/auctions/\(id)", method: .get, headers: bearer(asha)) { try decode($0)["offer"] as? [String: Any] }
            #expect(offer?["price"] as? Int == 220 && offer?["status"] as? String == "open")
            let published = try await client.execute(uri: "/auctions/\(id)", method: .get) { String(buffer: $0.body) }
            #expect(published.contains("id=\"sealed-result\"") && published.contains("id=\"sealed-winner\""))
        }
    }
}
