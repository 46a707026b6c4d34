import Foundation
import Hummingbird
import MilletCore
import Testing
@testable import MilletHTTP

/// Orders written by hand (``JSONWriter``) are the JSON `JSONEncoder` writes for them: the same
/// members and values, dates and escapes. Only the order of keys differs: `JSONEncoder` writes
/// them in no fixed order, the writer in the order they are declared.
struct JSONWriterTests {
    /// What the writer writes, as text and parsed, and what the request context's encoder writes, parsed.
    func both(_ order: OrderDTO) throws -> (text: String, written: NSDictionary, encoded: NSDictionary) {
        var json = JSONWriter(capacity: 16)
        order.write(to: &json)
        let written = Data(json.buffer.readableBytesView)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return (String(decoding: written, as: UTF8.self),
                try JSONSerialization.jsonObject(with: written) as! NSDictionary,
                try JSONSerialization.jsonObject(with: try encoder.encode(order)) as! NSDictionary)
    }

    func order(name: String, note: String, lines: Int, transitions: [OrderTransition], at: Date) throws -> Order {
        // Read back as stored, past the checks a new address goes through (which refuse control
        // characters in a name), so the writer is tried on every character JSON escapes.
        let address = try JSONDecoder().decode(ShippingAddress.self, from: JSONSerialization.data(withJSONObject: [
            "name": name, "line1": "12 \"MG\" Road / Block\\B", "city": "Bengaluru", "postcode": "560001", "phone": "+91 98450 00000",
        ]))
        let orderLines = (0..<lines).map { i in
            OrderLine(skuId: "sku-\(i)", skuCode: "NOTE3-\(i)", productName: "Millet Note 3 \u{1F4F1} \(note)", warehouseId: "w", quantity: i + 1,
                      unitPrice: 999_900, lineTotal: 999_900 * Int64(i + 1))
        }
        return Order(
            id: Identifier.makeSequential(), number: "IN-20261204-\(lines)", accountId: "a", marketCode: "IN", currency: "INR", status: .pendingPayment, lines: orderLines,
            totals: OrderTotals(subtotal: 999_900, shipping: 0, tax: -1, total: Int64.max, pricesIncludeTax: lines % 2 == 0),
            shippingAddress: address, paymentDeadline: at.addingTimeInterval(1800.999), createdAt: at, timeline: transitions)
    }

    @Test func ordersAreWrittenAsJSONEncoderWritesThem() throws {
        let at = Date(timeIntervalSince1970: 1_796_000_000.123)
        let awkward = "Asha \u{0} \u{1F} \u{7F} \t\n\r\u{8}\u{C} é 中文 \u{2028} \"quoted\" back\\slash </script>"
        let transitions = [
            OrderTransition(from: nil, to: .pendingPayment, actor: "account:a", note: "bought in the flash sale", at: at),
            OrderTransition(from: .pendingPayment, to: .paid, actor: "provider:sandbox", note: awkward, at: at.addingTimeInterval(59.9)),
        ]
        for (lines, timeline) in [(0, []), (1, Array(transitions.prefix(1))), (3, transitions)] {
            let (text, written, encoded) = try both(OrderDTO(try order(name: awkward, note: awkward, lines: lines, transitions: timeline, at: at)))
            #expect(written == encoded)
            // Escaped as JSONEncoder escapes; dates to the second; members in declaration order.
            let escaped = "\"name\":\"Asha \\u0000 \\u001f \u{7F} \\t\\n\\r\\b\\f é 中文 \u{2028} \\\"quoted\\\" back\\\\slash <\\/script>\""
            #expect(text.contains(escaped))
            #expect(text.contains("\"paymentDeadline\":\"2026-11-30T01:23:21Z\",\"createdAt\":\"2026-11-30T00:53:20Z\""))
            #expect(text.hasPrefix("{\"id\":\""))
            #expect(text.hasSuffix("]}"))
        }
    }

    @Test func anOrderAnswersAsJSONWithItsLength() throws {
        let dto = OrderDTO(try order(name: "Asha", note: "", lines: 1, transitions: [], at: Date(timeIntervalSince1970: 0)))
        var json = JSONWriter()
        dto.write(to: &json)
        let response = json.response()
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        #expect(response.headers[.contentLength] == String(json.buffer.readableBytes))
    }

    @Test func aBidIsWrittenAsJSONEncoderWritesIt() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000.999)
        let auction = try AuctionPlan(title: "Unit \"1\"", skuId: nil, marketCode: "GB", currency: "GBP", startPrice: 10_000, reservePrice: nil,
                                      startsAt: now, endsAt: now.addingTimeInterval(600)).auction(now: now, by: "staff")
        let bid = AuctionBid(id: "bid-1", auctionId: auction.id, seq: 3, accountId: "fan", maximum: 12_000, placedAt: now)
        let state = try AuctionState.opening(auction).placing(bid, in: auction).state
        let dto = BidDTO(bid, record: AuctionRecord(auction: auction, state: state), viewer: "fan")
        var json = JSONWriter(capacity: 16)
        dto.write(to: &json)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let written = try JSONSerialization.jsonObject(with: Data(json.buffer.readableBytesView)) as! NSDictionary
        #expect(written == (try JSONSerialization.jsonObject(with: try encoder.encode(dto)) as! NSDictionary))
        #expect(written["leading"] as? Bool == true && written["seq"] as? Int == 3)
    }
}
