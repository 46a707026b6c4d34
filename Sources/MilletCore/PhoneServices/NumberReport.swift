import Crypto
import Foundation

/// What a fan says a number that called them is.
public enum CallCategory: String, Sendable, Codable, CaseIterable {
    case fraud, harassment, sales, delivery, legitimate

    /// Whether a label of this kind warns of the call (devices may block it); a delivery or a
    /// legitimate caller is shown for what it is.
    public var warns: Bool { self == .fraud || self == .harassment || self == .sales }
}

/// One device's say on one number; a later report from the same device replaces it. Who stands
/// behind it (its account, its device, its network) decides how independent it is of others.
public struct NumberReport: Hashable, Sendable {
    public let number: PhoneNumber
    public let category: CallCategory
    public let deviceId: String
    /// The fan the device belongs to, when it is linked to one.
    public let accountId: String?
    /// A digest of the network it was sent from (IPv4 /24, IPv6 /48), never the address itself.
    public let network: String
    public let at: Date

    public init(number: PhoneNumber, category: CallCategory, deviceId: String, accountId: String?, network: String, at: Date) {
        self.number = number
        self.category = category
        self.deviceId = deviceId
        self.accountId = accountId
        self.network = network
        self.at = at
    }

    /// The network a client address belongs to, digested: an IPv4 address's /24, an IPv6 /64's
    /// /48 (a household, an office or a mobile carrier's gateway: reports from one are one voice).
    public static func network(clientIP: String) -> String {
        let network: String
        if clientIP.contains(":") {
            network = clientIP.split(separator: ":").prefix(3).joined(separator: ":") + "::/48"
        } else {
            network = clientIP.split(separator: ".").prefix(3).joined(separator: ".") + ".0/24"
        }
        return String(Secrets.digest("network:" + network).prefix(32))
    }
}
