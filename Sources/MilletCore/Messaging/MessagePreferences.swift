/// What a fan chose to receive, in which language and at which mobile number.
public struct MessagePreferences: Hashable, Sendable, Codable {
    /// The language messages are written in (a page language); the market's when `nil`.
    public var language: String?
    /// Where SMS about sales go (orders text the phone on their address).
    public var phone: String?
    /// Categories and channels turned off, as `category:channel`.
    public var muted: Set<String>

    public init(language: String? = nil, phone: String? = nil, muted: Set<String> = []) {
        self.language = language
        self.phone = phone
        self.muted = muted
    }

    /// Whether a notice of `category` goes by `channel`: mandatory ones always do.
    public func wants(_ category: MessageCategory, by channel: MessageChannel) -> Bool {
        category.isMandatory || !muted.contains("\(category.rawValue):\(channel.rawValue)")
    }

    /// Checks and normalises what a fan typed on the preferences page or sent to the API.
    public static func validated(language: String?, phone: String?, muted: [String], languages: [String]) throws -> MessagePreferences {
        var check = Validator()
        let language = language.flatMap { $0.isEmpty ? nil : $0 }
        check.require(language.map(languages.contains) ?? true, "language", "must be one of \(languages.joined(separator: ", "))")
        let typed = phone?.trimmed ?? ""
        let phone: String? = typed.isEmpty ? nil : typed
        let digits = phone.map { $0.filter { $0.isNumber }.count } ?? 8
        check.require((6...20).contains(digits) && (phone?.count ?? 0) <= 30, "phone", "must have 6 to 20 digits")
        let optional = MessageCategory.allCases.filter { !$0.isMandatory }
        let known = Set(optional.flatMap { category in category.channels.map { "\(category.rawValue):\($0.rawValue)" } })
        check.require(muted.allSatisfy(known.contains), "muted", "each is one of \(known.sorted().joined(separator: ", "))")
        try check.check()
        return MessagePreferences(language: language, phone: phone, muted: Set(muted))
    }
}
