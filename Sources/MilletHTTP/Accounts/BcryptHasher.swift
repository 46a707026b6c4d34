import HummingbirdBcrypt
import MilletCore

/// bcrypt password hashing. `cost` is lowered only in tests, where speed matters more than strength.
public struct BcryptHasher: PasswordHasher {
    let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) -> String { Bcrypt.hash(password, cost: cost) }
    public func verify(_ password: String, against hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }
}
