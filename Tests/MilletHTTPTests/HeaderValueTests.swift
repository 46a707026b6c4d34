import HTTPTypes
import Hummingbird
@testable import MilletHTTP
import Testing

/// Reading one header without joining answers what the joining subscript answers.
struct HeaderValueTests {
    @Test func aHeaderReadsAsTheSubscriptReadsIt() {
        var fields: HTTPFields = [.authorization: "Bearer abc", .contentType: "application/json"]
        #expect(fields.value(.authorization) == "Bearer abc")
        #expect(fields.value(.idempotencyKey) == nil)
        fields.append(HTTPField(name: .idempotencyKey, value: "k1"))
        #expect(fields.value(.idempotencyKey) == "k1")
        // Sent twice: both values, as the subscript joins them (and a key check then refuses it).
        fields.append(HTTPField(name: .idempotencyKey, value: "k2"))
        #expect(fields.value(.idempotencyKey) == "k1, k2" && fields.value(.idempotencyKey) == fields[.idempotencyKey])
        fields.append(HTTPField(name: .cookie, value: "a=1"))
        fields.append(HTTPField(name: .cookie, value: "b=2"))
        #expect(fields.value(.cookie) == fields[.cookie])
    }
}
