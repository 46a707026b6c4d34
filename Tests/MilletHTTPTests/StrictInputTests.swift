import Foundation
import Hummingbird
import MilletCore
import Testing
@testable import MilletHTTP

/// Input the API refuses that lenient parsers let through: a trailing comma in JSON, control and
/// text-direction characters in one-line fields.
struct StrictInputTests {
    @Test func aCommaBeforeAClosingBracketIsMalformedJSON() throws {
        #expect(Request.hasTrailingComma(Array(#"{"a": 1,}"#.utf8)))
        #expect(Request.hasTrailingComma(Array("[1, 2 ,\n ]".utf8)))
        #expect(!Request.hasTrailingComma(Array(#"{"a": "x,}", "b": [1, 2]}"#.utf8)))
        #expect(!Request.hasTrailingComma(Array(#"{"a": "quote \" ,]"}"#.utf8)))
        struct Body: Decodable { let a: Int }
        #expect(throws: APIError.self) { try Request.decodeJSON(Body.self, from: ByteBuffer(string: #"{"a": 1,}"#)) }
        #expect(try Request.decodeJSON(Body.self, from: ByteBuffer(string: #"{"a": 1}"#)).a == 1)
    }

    @Test func oneLineFieldsRefuseControlAndTextDirectionCharacters() throws {
        for sneaky in ["Asha\u{202E}gnp.exe", "As\u{0007}ha", "As\u{0000}ha", "Asha\u{2066}x", "As\u{0085}ha", "As\nha"] {
            #expect(throws: DomainError.self, "\(sneaky.unicodeScalars.map(\.value))") {
                try ShippingAddress(name: sneaky, line1: "12 MG Road", city: "Bengaluru", postcode: "560001", phone: "9845000000")
            }
            #expect(throws: DomainError.self) { try Registration(email: "fan@millet.test", password: "long-enough-pw", displayName: sneaky) }
        }
        #expect(!Registration.isEmail("fan\u{202E}@millet.test"))
        #expect(try ShippingAddress(name: "Asha Rao", line1: "12 MG Road", city: "Bengaluru", postcode: "560001", phone: "9845000000").name == "Asha Rao")
        #expect(try Registration(email: "fan@millet.test", password: "long-enough-pw", displayName: "José 王").displayName == "José 王")
    }
}
