import Crypto
import Foundation

/// Proof that a browser or app logged in to an account before: `<nonce>.<account id>.<mac>`,
/// signed with the node's device key, handed out on every log-in (the `millet_device` cookie,
/// `deviceToken` in the API) and shown again on the next. A log-in that shows one for its account
/// is limited on its own key, so the owner still gets in while strangers' guesses are held back.
/// Stateless: every node sharing the key accepts it, after any restart.
public struct KnownDevice: Sendable, Equatable {
    /// A random name for this browser or app.
    public let nonce: String
    /// The account it logged in to.
    public let accountId: String

    /// A new device of `accountId`.
    public static func make(accountId: String) -> KnownDevice {
        KnownDevice(nonce: Secrets.hex(bytes: 12), accountId: accountId)
    }

    /// The token to hand out.
    public func token(key: [UInt8]) -> String {
        "\(nonce).\(accountId).\(Self.mac(nonce, accountId, key))"
    }

    /// The device a token names, when its signature holds.
    public static func read(_ token: String, key: [UInt8]) -> KnownDevice? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0].count == 24, parts[0].allSatisfy(\.isHexDigit), Identifier.isWellFormed(parts[1]),
              let given = Secrets.unhex(parts[2]), given.count == 32 else { return nil }
        guard HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data("\(parts[0]).\(parts[1])".utf8), using: SymmetricKey(data: key)) else { return nil }
        return KnownDevice(nonce: parts[0], accountId: parts[1])
    }

    private static func mac(_ nonce: String, _ accountId: String, _ key: [UInt8]) -> String {
        Secrets.mac("\(nonce).\(accountId)", key: key)
    }
}
