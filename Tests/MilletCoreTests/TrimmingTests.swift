import Foundation
import MilletCore
import Testing

/// `trimmed` takes off what `trimmingCharacters(in: .whitespacesAndNewlines)` takes off, and only that.
struct TrimmingTests {
    @Test func whiteSpaceOfEveryKindGoesFromBothEndsAndOnlyThere() throws {
        let samples = [
            "", " ", "Asha", "  Asha  ", "\t\n\r Asha\u{0B}\u{0C}\u{85}", "\u{A0}\u{3000}名前\u{2028}\u{2029}\u{202F}",
            "a b\u{3000}c", " \u{1F4F1} ", "\u{200B}zero-width\u{200B}", "e\u{301} ",
        ]
        // Every scalar of the first planes alone, and around a word.
        let all = (0...0x3100).compactMap(Unicode.Scalar.init).map { String($0) } + ["\u{FEFF}", "\u{E0020}"]
        for sample in samples + all + all.map { $0 + "x" + $0 } {
            #expect(sample.trimmed == sample.trimmingCharacters(in: .whitespacesAndNewlines), "\(sample.unicodeScalars.map(\.value))")
        }
        #expect("  x y ".dropFirst().trimmed == "x y")
        let address = try ShippingAddress(name: "\u{3000}Asha ", line1: " 12 MG Road\n", city: "Bengaluru", postcode: " 560001 ", phone: " 9845000000 ")
        #expect([address.name, address.line1, address.postcode, address.phone] == ["Asha", "12 MG Road", "560001", "9845000000"])
    }
}
