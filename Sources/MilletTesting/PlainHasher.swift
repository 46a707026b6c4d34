import MilletCore

/// A password hasher for tests only: stores `plain:<password>`, so fixtures do not spend seconds
/// in bcrypt. Never wire it into `millet serve`.
public struct PlainHasher: PasswordHasher {
    public init() {}
    public func hash(_ password: String) -> String { "plain:" + password }
    public func verify(_ password: String, against hash: String) -> Bool { hash == "plain:" + password }
}
