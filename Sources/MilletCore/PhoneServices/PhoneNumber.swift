import Crypto
import Foundation

/// A telephone number in E.164 (`+34612345678`), read as people and phones write it in one of
/// the markets: national forms take the market's rules (a trunk `0` dropped in CN, IN, GB and
/// ID; Spain has none), `+` or the international prefix `00` start an international number.
/// Only whole numbers are ever labelled: no range rule can catch a number next to a bad one.
public struct PhoneNumber: Hashable, Sendable, Comparable {
    /// `+` and 8 to 15 digits.
    public let e164: String

    /// A market's numbering: its calling code, whether national numbers start with a trunk `0`,
    /// and the national significant numbers it accepts.
    struct Plan {
        let callingCode: String
        let trunkZero: Bool
        /// What dials abroad from the market, longest first: `00` in most, the carriers' `001`,
        /// `007`, `008` and `009` in Indonesia.
        var exits = ["00"]
        /// Accepts a national significant number (no trunk prefix).
        let accepts: @Sendable (String) -> Bool

        init(callingCode: String, trunkZero: Bool, exits: [String] = ["00"], accepts: @escaping @Sendable (String) -> Bool) {
            self.callingCode = callingCode
            self.trunkZero = trunkZero
            self.exits = exits
            self.accepts = accepts
        }
    }

    static let plans: [String: Plan] = [
        // Mobiles 1[3-9] and 9 more digits; fixed lines Beijing's 10 and 8 digits, or an area code
        // from 2 to 9 and 7 or 8 digits.
        "CN": Plan(callingCode: "86", trunkZero: true) { n in
            (n.count == 11 && n.hasPrefix("1") && "3456789".contains(n[n.index(after: n.startIndex)]))
                || (n.count == 10 && n.hasPrefix("10")) || ((9...11).contains(n.count) && "23456789".contains(n.first!))
        },
        // Ten digits, mobiles from 6 to 9, fixed lines an STD code from 1 to 5 onwards.
        "IN": Plan(callingCode: "91", trunkZero: true) { n in n.count == 10 && !n.hasPrefix("0") },
        // Nine digits, none of them a trunk prefix: 6 and 7 mobile, 8 and 9 fixed.
        "ES": Plan(callingCode: "34", trunkZero: false) { n in n.count == 9 && "6789".contains(n.first!) },
        // Nine or ten digits after the 0: 1 and 2 geographic, 3 non-geographic, 7 mobile, 8 freephone and shared cost.
        "GB": Plan(callingCode: "44", trunkZero: true) { n in (9...10).contains(n.count) && "123578".contains(n.first!) },
        // Eight to twelve digits after the 0: area-coded fixed lines from 2 to 7, mobiles 8.
        "ID": Plan(callingCode: "62", trunkZero: true, exits: ["001", "007", "008", "009", "00"]) { n in (8...12).contains(n.count) && "2345678".contains(n.first!) },
    ]

    /// The markets whose numbering Millet reads.
    public static var markets: [String] { plans.keys.sorted() }

    /// Reads `text` as written in `market`; `invalid(field)` when it is no number there.
    public init(_ text: String, market: String, field: String = "number") throws {
        let invalid = DomainError.invalid(field: field, "is not a telephone number in \(market.uppercased())")
        guard text.count <= 40, let plan = Self.plans[market.uppercased()] else { throw invalid }
        var written = text.trimmingCharacters(in: .whitespaces)
        let plus = written.hasPrefix("+")
        // `+44 (0)20 …`: the trunk prefix some write in brackets after the country code.
        if plus { written = String(written.dropFirst()).replacingOccurrences(of: "(0)", with: "") }
        // Spaces, dots, dashes and brackets are how people group digits; anything else is no number.
        guard written.allSatisfy({ $0.isASCII && ($0.isNumber || " .-()/".contains($0)) }) else { throw invalid }
        var digits = written.filter(\.isNumber)
        let exit = plus ? "" : plan.exits.first { digits.hasPrefix($0) }
        if let exit {
            digits.removeFirst(exit.count)
            guard let plan = Self.plans.values.first(where: { digits.hasPrefix($0.callingCode) }) else {
                // A country Millet has no plan for: E.164's own bounds only.
                guard (8...15).contains(digits.count), digits.first != "0" else { throw invalid }
                e164 = "+" + digits
                return
            }
            let national = String(digits.dropFirst(plan.callingCode.count))
            guard plan.accepts(national) else { throw invalid }
            e164 = "+" + digits
            return
        }
        if plan.trunkZero {
            guard digits.hasPrefix("0") else {
                // Mobiles are dialled without the trunk prefix in CN and IN; elsewhere it is required.
                guard ["86", "91"].contains(plan.callingCode), plan.accepts(digits) else { throw invalid }
                e164 = "+" + plan.callingCode + digits
                return
            }
            digits.removeFirst()
        }
        guard plan.accepts(digits) else { throw invalid }
        e164 = "+" + plan.callingCode + digits
    }

    /// A number already in E.164, as stored.
    public init?(e164: String) {
        guard e164.hasPrefix("+"), (9...16).contains(e164.count), e164.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        self.e164 = e164
    }

    /// The market whose calling code the number has, if Millet has its plan.
    public var market: String? {
        Self.plans.first { e164.dropFirst().hasPrefix($0.value.callingCode) }?.key
    }

    /// SHA-256 of the E.164 form, in hex: what lookups ask by (a prefix of it) and what the
    /// blocklist carries, so a device that knows a number can match it and nobody learns the
    /// numbers it asks about.
    public var hash: String { Secrets.hex(SHA256.hash(data: Data(e164.utf8))) }

    /// The first 16 hex digits of ``hash``: how labels name a number to devices.
    public var shortHash: String { String(hash.prefix(16)) }

    /// The number with all but its last three digits hidden, for pages: `+34 ••• ••• 678`.
    public var masked: String { String(e164.prefix(3)) + " ••• ••• " + String(e164.suffix(3)) }

    public static func < (a: PhoneNumber, b: PhoneNumber) -> Bool { a.e164 < b.e164 }
}
